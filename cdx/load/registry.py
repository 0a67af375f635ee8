"""Load targets by URL scheme: cdx's own, and any a Python package adds (entry points).

`duckdb:///office.duckdb` (relative) and `duckdb:////srv/office.duckdb` (absolute) as
SQLAlchemy writes them, or a plain path, open a DuckDB file; `postgresql://…` (also
`postgres://`, `postgresql+psycopg://`) a PostgreSQL database. Another distribution adds
a scheme under the entry-point group `cdx.load_targets`:
`[project.entry-points."cdx.load_targets"] mssql = "my_package.mssql:open_target"`,
a callable from the URL to a `LoadTarget`.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from importlib.metadata import entry_points
from pathlib import Path
from typing import cast

from cdx.core.errors import LoadTargetUnknown
from cdx.load.target import LoadTarget

GROUP = "cdx.load_targets"
DEFAULT_INTO = "cdx-office.duckdb"
BUILTIN = {
    "duckdb": "cdx.load.registry:open_duckdb",
    "postgresql": "cdx.load.registry:open_postgres",
    "postgres": "cdx.load.registry:open_postgres",
    "postgresql+psycopg": "cdx.load.registry:open_postgres",
}


def open_duckdb(url: str) -> LoadTarget:
    from cdx.load.duckdb_target import DuckDBTarget

    path = url.removeprefix("duckdb:///") if url.startswith("duckdb:///") else url
    return DuckDBTarget(Path(path).expanduser().resolve())


def open_postgres(url: str) -> LoadTarget:
    from cdx.load.postgres_target import PostgresTarget

    return PostgresTarget(url)


def scheme_of(url: str) -> str:
    scheme, separator, _ = url.partition("://")
    return scheme.lower() if separator else "duckdb"  # a plain path is a DuckDB file


def _openers() -> dict[str, str]:
    found = {point.name: point.value for point in entry_points(group=GROUP)}
    return {**found, **BUILTIN}  # a plug-in cannot replace a built-in target


def open_target(url: str) -> LoadTarget:
    """The target `url` names; LoadTargetUnknown names the schemes there are."""
    opener = _openers().get(scheme_of(url))
    if opener is None:
        raise LoadTargetUnknown(
            f"cdx cannot load into {url.partition('://')[0]}:// databases",
            hint="use a DuckDB file (a path, or duckdb:///office.duckdb) or "
            "postgresql://USER@HOST/DATABASE",
        )
    module, _, attribute = opener.partition(":")
    return cast("Callable[[str], LoadTarget]", getattr(importlib.import_module(module), attribute))(
        url
    )
