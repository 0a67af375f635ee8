"""DuckDB: the embedded default target, one database file on the office's disk.

A table is filled by one `INSERT … SELECT` from `read_csv` with the columns' types given
(no type sniffing), so `0031` stays text and dates are dates.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

from cdx.core.errors import LoadFailed, LoadTargetUnreachable
from cdx.core.sql_text import sql_string
from cdx.load.column_types import Kind
from cdx.load.naming import quoted
from cdx.load.target import LoadColumn, TableLoad

# Cells may be 1 MiB each (CDX_MAX_CELL_CHARACTERS' default), a few in a row; DuckDB's
# default line limit is 2 MB, and a far larger one makes its CSV reader's buffers larger.
MAX_LINE = 8 * 1024 * 1024
TYPES: dict[str, str] = {
    "text": "VARCHAR",
    "integer": "BIGINT",
    "number": "DOUBLE",
    "boolean": "BOOLEAN",
    "date": "DATE",
    "time": "TIME",
    "datetime": "TIMESTAMPTZ",
    "year": "INTEGER",
    "json": "JSON",
}


class DuckDBDialect:
    name = "DuckDB"
    max_identifier: int | None = None
    constraints_after_load = False  # DuckDB adds no CHECK to a table that exists
    checks_scanned_first = False

    def column_type(self, kind: Kind) -> str:
        return TYPES[kind]

    def pattern_check(self, column: str, pattern: str) -> str:
        return f"regexp_full_match({column}, {sql_string(pattern)})"


def read_csv_sql(load: TableLoad, *, read_as: dict[str, str] | None = None) -> str:
    """`read_csv` of the file with every column's type named and nothing sniffed."""
    names = read_as or {c.name: TYPES[c.kind] for c in load.columns}
    columns = ", ".join(f"{sql_string(name)}: {sql_string(kind)}" for name, kind in names.items())
    missing = {c.missing for c in load.columns}
    nulls = ", ".join(map(sql_string, next(iter(missing)))) if len(missing) == 1 else ""
    return (
        f"read_csv({sql_string(str(load.csv))}, header = true, auto_detect = false, "
        f"delim = ',', quote = '\"', escape = '\"', columns = {{{columns}}}, "
        f"nullstr = [{nulls}], max_line_size = {MAX_LINE})"
    )


def _cast(column: LoadColumn) -> str:
    """A VARCHAR column's value as its type, NULL when it is one of its missing values."""
    name = quoted(column.name)
    if not column.missing:
        return f"CAST({name} AS {TYPES[column.kind]})"
    nulls = ", ".join(map(sql_string, column.missing))
    return f"CAST(CASE WHEN {name} IN ({nulls}) THEN NULL ELSE {name} END AS {TYPES[column.kind]})"


class DuckDBSession:
    placeholder = "?"

    def __init__(self, connection: Any) -> None:
        self.connection = connection
        self.dialect = DuckDBDialect()

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        self.connection.execute(sql, list(params))

    def fetch_all(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        return list(self.connection.execute(sql, list(params)).fetchall())

    def pattern_works(self, pattern: str) -> bool:
        import duckdb

        try:
            self.connection.execute("SELECT regexp_full_match('', ?)", [pattern])
        except duckdb.Error:
            return False
        return True

    def begin(self) -> None:
        self.connection.begin()

    def bulk_load(self, load: TableLoad) -> int:
        columns = ", ".join(quoted(c.name) for c in load.columns)
        if len({c.missing for c in load.columns}) == 1:
            select = f"SELECT * FROM {read_csv_sql(load)}"
        else:  # columns with missing values of their own: read as text, then cast
            text = read_csv_sql(load, read_as={c.name: "VARCHAR" for c in load.columns})
            select = f"SELECT {', '.join(map(_cast, load.columns))} FROM {text}"
        row = self.connection.execute(f"INSERT INTO {load.table} ({columns}) {select}").fetchone()
        return int(row[0]) if row else 0

    def commit(self) -> None:
        self.connection.commit()


class DuckDBTarget:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.shown = f"duckdb:///{path}"

    @contextmanager
    def session(self) -> Iterator[DuckDBSession]:
        import duckdb

        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            connection = duckdb.connect(str(self.path))
        except duckdb.Error as error:
            raise LoadTargetUnreachable(
                f"DuckDB could not open {self.path}: {error}",
                hint="check the path, and that no other program holds the file open for writing",
            ) from error
        session = DuckDBSession(connection)
        try:
            yield session
        except duckdb.Error as error:
            raise LoadFailed(
                f"DuckDB refused the load: {error}",
                hint="nothing was kept (the load is one transaction); tell the coalition "
                "what the message says if it is about their data",
            ) from error
        finally:
            with suppress(duckdb.Error):  # committed, or never begun
                connection.rollback()
            connection.close()
