"""`cdx export`: a verified package's tables in a format a statistics office reads."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cdx.cli import output
from cdx.cli.options import JsonOption, TrustOption
from cdx.core.i18n import say


def export(
    directory: Annotated[Path, typer.Argument(help="A sealed package directory (cdx pull)")],
    to: Annotated[
        str, typer.Option("--format", help="Export format: parquet, sdmx-csv (cdx export --help)")
    ] = "parquet",
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
