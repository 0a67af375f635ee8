"""Options every command that takes them spells, explains and resolves the same way."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

ConfigOption = Annotated[
    Path,
    typer.Option(
        "--config",
        "-c",
        envvar="CDX_CONFIG",
        show_envvar=True,
        help="The coalition.yaml to use (default: $CDX_CONFIG, else ./coalition.yaml)",
    ),
]
DEFAULT_CONFIG = Path("coalition.yaml")

JsonOption = Annotated[
    bool,
    typer.Option("--json", help="Print one JSON document on stdout instead of lines for people"),
]

TrustOption = Annotated[
    Path | None,
    typer.Option(
        "--trust",
        envvar="CDX_TRUST",
        show_envvar=True,
        help="Your trust store of coalition keys (default: $CDX_TRUST)",
    ),
]

CATALOGUE_HELP = (
    "Catalogue location: a directory, s3://BUCKET/PREFIX, or ckan+https://HOST (a CKAN portal)"
)

LangOption = Annotated[
    str | None,
    typer.Option(
        "--lang",
        help="Language of the messages: en, fr, bn, ne, sw, vi, ar (default: coalition.yaml's "
        "`language:`, else the locale LC_ALL/LC_MESSAGES/LANG, else en)",
    ),
]
