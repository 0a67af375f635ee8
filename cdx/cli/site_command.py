"""`cdx site CATALOGUE --out DIR`: the catalogue's static website, and --upload beside it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Any

import typer

from cdx.cli import output
from cdx.cli.catalogue_location import existing_catalogue
from cdx.cli.options import CATALOGUE_HELP, JsonOption
from cdx.core.errors import ConfigError
from cdx.core.i18n import language_in_use, localise, say, say_n, tr


def parse_now(text: str | None) -> dt.datetime:
    """`--now 2026-06-30T00:00:00Z` (a fixed clock for freshness), else the current time."""
    if text is None:
        return dt.datetime.now(dt.UTC)
    try:
        moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise ConfigError(
            tr("--now {text!r} is not a date and time", text=text),
            hint=tr("write it as ISO 8601, e.g. 2026-06-30T00:00:00Z"),
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def frequencies_from(configs: list[Path]) -> dict[tuple[str, str], str]:
    """Each dataset's expected update frequency from the coalition.yaml files given."""
    from cdx.core.coalition import load_coalition

    found: dict[tuple[str, str], str] = {}
    for config in configs:
        coalition = load_coalition(config)
        for name, dataset in coalition.config.datasets.items():
            found[(coalition.id, name)] = dataset.update_frequency
    return found


def site(
    catalogue: Annotated[str, typer.Argument(help=CATALOGUE_HELP)],
    out: Annotated[Path, typer.Option("--out", help="Directory of the site (kept between builds)")],
    config: Annotated[
        list[Path] | None,
        typer.Option(
            "--config",
            "-c",
            envvar="CDX_CONFIG",  # as in every command that reads coalition.yaml
            show_envvar=True,
            help="A coalition.yaml whose update frequencies drive the freshness badges "
            "(repeat for several coalitions); without it, the frequency each package states",
        ),
    ] = None,
    now: Annotated[
        str | None,
        typer.Option(help="Judge freshness at this time (ISO 8601) instead of now"),
    ] = None,
    upload: Annotated[
        bool,
        typer.Option(
            "--upload", help="Also publish the site beside the S3 catalogue, under _site/"
        ),
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Build a static website of a catalogue: datasets, versions, metadata, downloads.

    The pages speak the language --lang, the coalition.yaml given with --config (when
    there is one) or the locale asks for."""
    from cdx.site.build import build_site

    moment = parse_now(now)
    frequencies = frequencies_from(config or [])
    opened = existing_catalogue(catalogue)
    if upload:
        from cdx.site.upload import check_uploadable

        check_uploadable(opened)  # before any page is written
    result = build_site(opened, out, now=moment, frequencies=frequencies, lang=language_in_use())
    uploaded: list[str] = []
    if upload:
        from cdx.site.upload import upload_site

        uploaded = upload_site(out, opened, result.written)
    summary: dict[str, Any] = {
        "out": str(out),
        "versions": result.versions,
        "datasets": result.datasets,
        "fetched": result.fetched,
        "written": len(result.written),
        "uploaded": len(uploaded),
        "refused": result.refused,
    }
    if as_json:
        output.print_json(summary)
        _exit_when_incomplete(result.refused)
        return
    for refused in result.refused:
        output.err.print(
            "✗ "
            + say(
                "{ref} is left out of the site: [{code}] {message}",
                ref=refused["ref"],
                code=refused["code"],
                message=localise(refused["message"]),
            ),
            markup=False,
        )
    parts = [
        say_n("{count:,} dataset", "{count:,} datasets", result.datasets),
        say_n("{count:,} version", "{count:,} versions", result.versions),
        say_n("{count:,} file written", "{count:,} files written", len(result.written)),
        say_n("{count:,} package copied", "{count:,} packages copied", result.fetched),
    ]
    if upload:
        parts.append(
            say_n("{count:,} object uploaded", "{count:,} objects uploaded", len(uploaded))
        )
    output.out.print(say("Site in {out}: {parts}", out=out, parts=", ".join(parts)), markup=False)
    page = (out / "index.html").resolve().as_uri()
    output.out.print(say("Open {page}", page=page), markup=False)
    _exit_when_incomplete(result.refused)


def _exit_when_incomplete(refused: list[dict[str, str]]) -> None:
    """A version the site had to leave out is a package not acceptable as it is: exit 1."""
    if refused:
        raise typer.Exit(output.EXIT_INVALID)
