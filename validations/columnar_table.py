"""A UTF-8 CSV loaded once into DuckDB as text cells, with frictionless-py's row numbers.

Every later check (Table Schema and suite) is a columnar query over the table `cells`:
`k` is the record number (the header is record 1) and `c1 … cN` the cells, all text, so
that a check sees exactly the characters of the file. A cell the row does not have is
NULL; an empty cell is ''.

Two things DuckDB's reader does differently from Python's csv module, which frictionless
uses, are put right here: DuckDB skips empty lines (frictionless counts them as rows,
each a `blank-row`), and a row longer than the declared columns is rejected. Empty lines
are found by a byte scan and folded back into the row numbers; the reader declares
`EXTRA_CELLS` more columns than the header has, and a file whose rows still do not fit —
or whose quoting DuckDB cannot read — is handed to frictionless (`TableNotColumnar`).
"""

from __future__ import annotations

import mmap
import os
import tempfile
from bisect import bisect_right
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from validations.header import read_header

if TYPE_CHECKING:
    import duckdb

EXTRA_CELLS = 16  # a row with more surplus cells than this goes to frictionless
NO_TEXT = "\x01cdx:no-cell\x01"  # DuckDB's null string: no CSV cell is this
MEMORY_LIMIT = os.environ.get("CDX_VALIDATION_MEMORY", "256MB")  # DuckDB spills beyond it


class TableNotColumnar(Exception):
    """The file needs the frictionless reference engine; the message says why."""


@dataclass
class LoadedTable:
    """Cells of one CSV in DuckDB, and how record numbers map to spreadsheet rows."""

    connection: duckdb.DuckDBPyConnection
    header: list[str]
    columns: int  # c1 … c{columns} exist in `cells`
    records: int  # data records DuckDB read (empty lines excluded)
    blank_lines: list[int] = field(default_factory=list)  # their spreadsheet rows
    _shifts: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        # record k lands on row k + (empty lines before it); see spreadsheet_row
        self._shifts = [row - n for n, row in enumerate(self.blank_lines)]

    @property
    def rows(self) -> int:
        """Data rows as frictionless counts them: records plus empty lines."""
        return self.records + len(self.blank_lines)

    def spreadsheet_row(self, record: int) -> int:
        """The row a person sees (header = 1) for DuckDB's record number `k`."""
        return record + bisect_right(self._shifts, record)

    def close(self) -> None:
        self.connection.close()


def load_table(
    csv_path: Path, *, fields: int, derived: list[tuple[str, str]] | None = None
) -> LoadedTable:
    """Read the CSV into DuckDB as text; raise TableNotColumnar if it cannot be read exactly.

    `derived` are (name, SQL over c1…cN) columns computed in the same scan and stored
    beside the cells, so that a rule used by many checks is evaluated once per row.
    """
    import duckdb

    header = read_header(csv_path)
    columns = max(fields, len(header)) + EXTRA_CELLS
    connection = duckdb.connect(config={"memory_limit": MEMORY_LIMIT})
    scratch = Path(tempfile.gettempdir()) / "cdx-duckdb"
    connection.execute(f"SET temp_directory = '{_quoted(str(scratch))}'").fetchall()
    declared = ", ".join(f"'c{i}': 'VARCHAR'" for i in range(1, columns + 1))
    try:
        _read_cells(connection, csv_path, declared, derived or [], parallel=True)
    except duckdb.Error:
        # the parallel reader cannot pad short rows once a cell spans lines
        connection.execute("DROP TABLE IF EXISTS stored").fetchall()
        _read_cells(connection, csv_path, declared, derived or [], parallel=False)
    if scalar(connection, "SELECT count(*) FROM reject_errors"):
        connection.close()
        raise TableNotColumnar("some rows have many extra cells or broken quoting")
    records = scalar(connection, "SELECT count(*) FROM cells WHERE k > 1")
    table = LoadedTable(connection, header, columns, records)
    table.blank_lines = _blank_lines(csv_path)
    if table.blank_lines:
        if _has_multiline_cells(connection, columns):
            connection.close()
            raise TableNotColumnar("empty lines and cells spanning lines cannot be numbered")
        table.__post_init__()
    return table


def _read_cells(
    connection: duckdb.DuckDBPyConnection,
    csv_path: Path,
    declared: str,
    derived: list[tuple[str, str]],
    *,
    parallel: bool,
) -> None:
    extra = "".join(f", {sql} AS {name}" for name, sql in derived)
    # nullstr cannot occur in text: an empty cell stays '' and only padding is NULL.
    # The table keeps the file's order, so rowid numbers the records (no window needed).
    connection.execute(
        f"""
        CREATE TABLE stored AS
        SELECT *{extra}
        FROM read_csv('{_quoted(str(csv_path))}', header = false, auto_detect = false,
                      delim = ',', quote = '"', escape = '"', columns = {{{declared}}},
                      null_padding = true, nullstr = '{NO_TEXT}', ignore_errors = true,
                      store_rejects = true, encoding = 'utf-8', parallel = {parallel})
        """
    ).fetchall()
    connection.execute("CREATE VIEW cells AS SELECT rowid + 1 AS k, * FROM stored").fetchall()


def _blank_lines(csv_path: Path) -> list[int]:
    """Spreadsheet rows of the empty lines after the header, by a scan of the bytes."""
    if csv_path.stat().st_size == 0:
        return []
    rows: list[int] = []
    with (
        csv_path.open("rb") as handle,
        mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data,
    ):
        for mark in (b"\n\n", b"\n\r\n"):
            at = data.find(mark)
            counted_to, lines = 0, 0
            while at != -1:
                lines += data[counted_to : at + 1].count(b"\n")
                counted_to = at + 1
                rows.append(lines + 1)  # the empty line follows the `lines`-th newline
                at = data.find(mark, at + 1)
    return sorted(rows)


def _has_multiline_cells(connection: duckdb.DuckDBPyConnection, columns: int) -> bool:
    spans = " OR ".join(f"contains(c{i}, chr(10))" for i in range(1, columns + 1))
    return bool(scalar(connection, f"SELECT count(*) FROM cells WHERE {spans}"))


def scalar(connection: duckdb.DuckDBPyConnection, sql: str) -> Any:
    """The one value a query returns (fetched to the end, as DuckDB requires)."""
    return connection.execute(sql).fetchall()[0][0]


def _quoted(text: str) -> str:
    return text.replace("'", "''")
