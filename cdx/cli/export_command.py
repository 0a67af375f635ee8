"""`cdx export`: a verified package's tables in a format a statistics office reads."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperCommand

from cdx.cli import output
from cdx.cli.options import JsonOption, TrustOption
from cdx.core.i18n import say

FORMATS = "{formats}"  # in --format's help, the formats the registry knows when it is shown


class ExportCommand(TyperCommand):
    """`cdx export`, whose --help names every format: cdx's own and those installed
    packages declare (entry points), read from the registry only when help is shown."""

    def format_help(self, ctx: Any, formatter: Any) -> None:
        from cdx.exports.registry import format_names

        for param in self.params:
            said = getattr(param, "help", None)  # options have help, arguments may not
            if said and FORMATS in said:
                param.help = said.replace(FORMATS, ", ".join(format_names()))  # type: ignore[attr-defined]
        super().format_help(ctx, formatter)


def export(
    directory: Annotated[Path, typer.Argument(help="A sealed package directory (cdx pull)")],
    to: Annotated[str, typer.Option("--format", help=f"Export format: {FORMATS}")] = "parquet",
    out: Annotated[Path, typer.Option(help="A new or empty directory for the files")] = Path(
        "export"
    ),
    trust: TrustOption = None,
    as_json: JsonOption = False,
) -> None:
    """Verify a package, then write its tables as --format.

    parquet: one file per table, typed by its Table Schema. sdmx-csv: SDMX-CSV 2.0 of the
    SDG dataflow, from the indicators and dimension codes the coalition declared.
    """
    from cdx.core.keys import TrustStore
    from cdx.exports.registry import export_package

    store = TrustStore.load(trust) if trust else None
    written = export_package(directory, to, out, store)
    if as_json:
        output.print_json({"ok": True, "format": to, "files": [str(p) for p in written]})
        return
    for path in written:
        output.out.print(say("wrote {file}", file=path), markup=False)
