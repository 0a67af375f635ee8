"""A UTF-8 CSV loaded once into DuckDB as text cells, with frictionless-py's row numbers.

Every later check (Table Schema and suite) is a columnar query over the table `cells`:
`k` is the record number (the header is record 1) and `c1 … cN` the cells, all text, so
that a check sees exactly the characters of the file. A cell the row does not have is
NULL; an empty cell is ''.

Two things DuckDB's reader does differently from Python's csv module, which frictionless
uses, are put right here: DuckDB skips empty lines (frictionless counts them as rows,
each a `blank-row`), and a row longer than the declared columns is rejected. Empty lines
are found by a byte scan and folded back into the row numbers; the reader declares
`FEW_EXTRA_CELLS` more columns than the header has (each declared column costs time on
every row), then `EXTRA_CELLS` when some row is longer still, and a file whose rows still
do not fit — or whose quoting DuckDB cannot read — is handed to frictionless
(`TableNotColumnar`).
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from bisect import bisect_right
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cdx.core.sql_text import sql_string
from cdx.packaging.csv_cells import EXTRA_CELLS, FEW_EXTRA_CELLS, csv_cells
from cdx.validations.table import ascii_spelling, python_patterns
from cdx.validations.table.header import read_header

if TYPE_CHECKING:
    import duckdb

MEMORY_LIMIT = os.environ.get("CDX_VALIDATION_MEMORY", "256MB")  # DuckDB spills beyond it
MANY_COLUMNS = 60  # from here, planning the checks' SQL is a good part of their time


class TableNotColumnar(Exception):
    """The file needs the frictionless reference engine; the message says why."""


@dataclass(frozen=True)
class Rules:
    """What the checks compute from the cells, evaluated once per row while loading.

    `derived` are (name, SQL over c1…cN) columns, the view `ruled` adds them to `cells`;
    `broken(columns)` is SQL over the cells and those names, true on every row that
    breaks a per-row check when `columns` cells are declared (with `loading`, perhaps on
    others too). Its value is stored as `bad`, so that the checks afterwards read only the
    rows that may have something to report.
    """

    derived: list[tuple[str, str]]
    broken: Callable[[int], str]
    # SQL over the cells (not `bad`): true on a row a row-wise expectation of the suite
    # could fail (expectations/columnar.py, `suspect_rows`). `cells` then has `suspect`
    # (every bad row too), the rows the suite reads, which keep the cells no check reads
    # elsewhere.
    suspect: str | None = None
    # the derived columns as the loading scan computes them, when not `derived`: true
    # there on every row where `derived` is, not only there (field_sql.loading_columns)
    loading: list[tuple[str, str]] | None = None


@dataclass
class LoadedTable:
    """Cells of one CSV in DuckDB, and how record numbers map to spreadsheet rows."""

    connection: duckdb.DuckDBPyConnection
    header: list[str]
    columns: int  # c1 … c{columns} exist in `cells`, beside k and bad (see Rules)
    records: int  # data records DuckDB read (empty lines excluded)
    blank_lines: list[int] = field(default_factory=list)  # their spreadsheet rows
    _shifts: list[int] = field(default_factory=list)
    scratch: Path | None = None  # DuckDB's spill files (and database), removed by close()
    database: Path | None = None  # the database file, when the cells are on disk
    derived: list[tuple[str, str]] = field(default_factory=list)  # Rules.derived
    suspect: bool = False  # `cells` has the column `suspect` (Rules.suspect)
    loading: list[tuple[str, str]] | None = None  # Rules.loading: what `bad` was computed by
    _repeated: dict[tuple[str, ...], str] = field(default_factory=dict)
    _ruled_view: bool = False

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

    def cells_of(self, records: list[int], columns: list[str]) -> list[tuple[Any, ...]]:
        """(k, *columns) of the records numbered k in `records`; `columns` is SQL over the
        cells. Read by row id (`cells` numbers the stored rows so): a filter on `cells`
        reads those columns of every row first
        (docs/decisions/0020-broken-holds-flags-alone.md)."""
        listed = ", ".join(["rowid + 1", *columns])
        return self.connection.execute(
            f"SELECT {listed} FROM stored WHERE rowid IN (SELECT unnest(?) - 1)", [records]
        ).fetchall()

    def ruled(self, source: str, reading: str | None = None) -> str:
        """SQL for the rows of `source` (k, c1…cN, bad) with the rules' derived columns.

        The view `ruled_view()` is this over all of `cells`; over a table of a few rows
        picked from it, it costs a tenth (DuckDB reads every column of `cells` to filter it).
        """
        return with_derived(source, self.derived, reading=reading)

    def ruled_view(self) -> str:
        """The view `ruled`: `cells` with the rules' derived columns, created when first
        asked for. DuckDB binds a view's SQL as it creates it, and again where it is read,
        and a table with no key to group by never reads it: on a wide table the binding
        is time lost (docs/decisions/0028-wide-tables-skip-unneeded-planning.md)."""
        if not self._ruled_view:
            self.connection.execute(
                f"CREATE OR REPLACE VIEW ruled AS {self.ruled('cells')}"
            ).fetchall()
            self._ruled_view = True
        return "ruled"

    def repeated(self, keys: list[str], source: str = "cells") -> str:
        """A table of the records whose key another record has too: k, the key as g0, g1, …
        and `first`, the first record with that key. Records whose key parts are all NULL
        are left out. `keys` are SQL over `source` (a view of the records).

        Grouped once per key and source (docs/decisions/0022-one-grouping-per-key.md): a unique
        field, the primary key and a uniqueness expectation often name the same column.
        """
        wanted = (source, *keys)
        if wanted not in self._repeated:
            name = f"repeated_{len(self._repeated)}"
            values = ", ".join(f"{key} AS g{i}" for i, key in enumerate(keys))
            parts = ", ".join(f"g{i}" for i in range(len(keys)))
            same = " AND ".join(f"r.g{i} IS NOT DISTINCT FROM f.g{i}" for i in range(len(keys)))
            some = " OR ".join(f"{key} IS NOT NULL" for key in keys)
            self.connection.execute(
                f"""CREATE TEMP TABLE {name} AS
                WITH keyed AS MATERIALIZED (
                    SELECT k, {values} FROM {source} WHERE k > 1 AND ({some})
                )
                SELECT r.*, f.first FROM keyed r JOIN (
                    SELECT {parts}, min(k) AS first FROM keyed GROUP BY ALL HAVING count(*) > 1
                ) f ON {same}"""
            ).fetchall()
            self._repeated[wanted] = name
        return self._repeated[wanted]

    def close(self) -> None:
        self.connection.close()
        _remove(self.scratch)


def load_table(
    csv_path: Path, *, fields: int, rules: Rules, whole: set[int] | None = None
) -> LoadedTable:
    """Read the CSV into DuckDB as text; raise TableNotColumnar if it cannot be read exactly.

    The view `cells` (k, c1…cN, bad); `LoadedTable.ruled_view()` adds the rules' derived
    columns.
    `whole` names the columns (1 for c1) every row keeps, those a check reads on rows
    that are not `bad`: the others keep their cells on bad rows alone and are NULL
    elsewhere (storing a cell costs more than reading it:
    docs/decisions/0021-store-whole-only-cells-read-on-every-row.md). None keeps every
    column.
    """
    import duckdb

    header = read_header(csv_path)
    if not header:  # DuckDB would skip the empty line and read the next one as the header
        raise TableNotColumnar("the first row is empty")
    scratch = Path(tempfile.gettempdir()) / "cdx-duckdb"
    scratch.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix="cells-", dir=scratch))  # spills, and the database
    # A file larger than half the budget is loaded into a database file, not memory: its
    # cells are written out as they are read (in memory, a long file runs out of the
    # budget). A smaller one stays in memory, which is faster
    # (docs/decisions/0012-columnar-engine.md).
    on_disk = csv_path.stat().st_size > budget_bytes(MEMORY_LIMIT) // 2
    database = folder / "cells.duckdb" if on_disk else None
    connection = duckdb.connect(str(database or ":memory:"), config={"memory_limit": MEMORY_LIMIT})
    try:
        register_functions(connection)
        return _load(connection, folder, database, csv_path, header, fields, rules, whole)
    except BaseException:
        connection.close()
        _remove(folder)
        raise


def register_functions(connection: duckdb.DuckDBPyConnection) -> None:
    """The Python functions the rules' SQL calls (on cells DuckDB reads otherwise than
    Python): `cdx_ascii` (table/ascii_spelling.py), `cdx_pattern`
    (table/python_patterns.py)."""
    ascii_spelling.register(connection)
    python_patterns.register(connection)


def _load(
    connection: duckdb.DuckDBPyConnection,
    folder: Path,
    database: Path | None,
    csv_path: Path,
    header: list[str],
    fields: int,
    rules: Rules,
    whole: set[int] | None,
) -> LoadedTable:
    connection.execute(f"SET temp_directory = {sql_string(str(folder))}").fetchall()
    # DuckDB turns an IN list of more than a few values into a join, and a join in the
    # loading scan stores the rows out of the file's order (rowid would no longer number
    # the records): IN lists (enums, missing values) are evaluated row by row instead.
    # Two optimizers cost more than they save on these queries, whose SQL grows with the
    # columns: placing projections is most of a wide table's planning and gains nothing
    # measurable on a narrow one; eliminating common subexpressions costs a wide table
    # more than it saves, but saves a little on a narrow one, so it stays on there
    # (docs/decisions/0027-duckdb-optimizers-off.md).
    disabled = ["in_clause", "projection_placement"]
    if max(fields, len(header)) > MANY_COLUMNS:
        disabled.append("common_subexpressions")
    connection.execute(f"SET disabled_optimizers = '{','.join(disabled)}'").fetchall()
    # DuckDB lets go of Python while it reads: the byte scan for empty lines runs meanwhile
    with ThreadPoolExecutor(max_workers=1) as pool:
        scanned = pool.submit(_blank_lines, csv_path)
        for extra in (FEW_EXTRA_CELLS, EXTRA_CELLS):
            columns = max(fields, len(header)) + extra
            rejected = _read_cells(connection, csv_path, columns, rules, whole)
            if rejected != {"TOO MANY COLUMNS"}:
                break
        blank_lines, lines = scanned.result()
    if rejected:
        raise TableNotColumnar("some rows have many extra cells or broken quoting")
    records = max(scalar(connection, "SELECT count(*) FROM stored") - 1, 0)  # minus the header
    # every line is a record or an empty line unless a quoted cell spans lines
    if blank_lines and lines != records + 1 + len(blank_lines):
        raise TableNotColumnar("empty lines and cells spanning lines cannot be numbered")
    return LoadedTable(
        connection,
        header,
        columns,
        records,
        blank_lines,
        scratch=folder,
        database=database,
        derived=rules.derived,
        suspect=rules.suspect is not None,
        loading=rules.loading,
    )


def budget_bytes(text: str) -> int:
    """DuckDB's memory_limit text ("256MB", "1GiB", "2 GB") in bytes; 256 MB if unreadable."""
    units = {"": 1, "K": 10**3, "M": 10**6, "G": 10**9, "T": 10**12}
    binary = {"K": 2**10, "M": 2**20, "G": 2**30, "T": 2**40}
    found = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([KMGT]?)(i?)B?\s*", text, re.IGNORECASE)
    if not found:
        return 256 * 10**6
    number, unit, power_of_two = found.groups()
    scale = binary[unit.upper()] if power_of_two and unit else units[unit.upper()]
    return int(float(number) * scale)


def _remove(folder: Path | None) -> None:
    if folder is not None:
        shutil.rmtree(folder, ignore_errors=True)


def _read_cells(
    connection: duckdb.DuckDBPyConnection,
    csv_path: Path,
    columns: int,
    rules: Rules,
    whole: set[int] | None,
) -> set[str]:
    """Load the cells as `c1 … c{columns}`; return the kinds of rows DuckDB rejected."""
    import duckdb

    try:
        _read(connection, csv_path, columns, rules, whole, parallel=True)
    except duckdb.Error:
        # the parallel reader cannot pad short rows once a cell spans lines
        _read(connection, csv_path, columns, rules, whole, parallel=False)
    kinds = connection.execute("SELECT DISTINCT error_type FROM reject_errors").fetchall()
    return {str(kind) for (kind,) in kinds}


def _read(
    connection: duckdb.DuckDBPyConnection,
    csv_path: Path,
    columns: int,
    rules: Rules,
    whole: set[int] | None,
    *,
    parallel: bool,
) -> None:
    for table in ("stored", "reject_errors", "reject_scans"):  # left by an earlier attempt
        connection.execute(f"DROP TABLE IF EXISTS {table}").fetchall()
    numbers = range(1, columns + 1)
    cells = ", ".join(f"c{i}" for i in numbers)
    # The table keeps the file's order, so rowid numbers the records (no window needed).
    # The rules are computed in the same parallel scan; only their verdict is stored.
    source = csv_cells(csv_path, columns, parallel=parallel, rejects=True)
    ruled = f"""SELECT {cells}, ({rules.broken(columns)}) AS bad
        FROM ({with_derived(source, rules.loading or rules.derived)})"""
    read, verdicts, shown = "bad", "bad", "*"
    if rules.suspect is not None:
        # One column for both: a second one computed from `bad` (even NOT bad) makes DuckDB
        # evaluate the rules twice (docs/decisions/0035-suspect-rows-in-loading-scan.md).
        # A bad row counts as suspect.
        verdict = f"CASE WHEN bad THEN 2 WHEN {rules.suspect} THEN 1 ELSE 0 END"
        ruled = f"SELECT *, {verdict} AS verdict FROM ({ruled})"
        read, verdicts = "verdict > 0", "verdict"
        shown = f"{cells}, verdict = 2 AS bad, verdict > 0 AS suspect"
    kept = ", ".join(
        f"c{i}" if whole is None or i in whole else f"CASE WHEN {read} THEN c{i} END AS c{i}"
        for i in numbers
    )
    stored = f"CREATE TABLE stored AS SELECT {kept}, {verdicts} FROM ({ruled})"
    connection.execute(stored).fetchall()
    connection.execute(
        f"CREATE OR REPLACE VIEW cells AS SELECT rowid + 1 AS k, {shown} FROM stored"
    ).fetchall()


def with_derived(source: str, derived: list[tuple[str, str]], *, reading: str | None = None) -> str:
    """SQL for the rows of `source` with the derived columns.

    A column that reads another derived column (an integer's t1 is `v1 IS NOT NULL`)
    says that column's SQL again: DuckDB then evaluates a value only where the rules'
    ORs ask for it. (Computed in an outer SELECT instead, the SQL is shorter to plan, but
    every value is computed on every row: loading is slower, and flagging many bad rows
    of a wide table runs out of DuckDB's memory;
    docs/decisions/0029-derived-columns-said-again.md.)
    `reading` (SQL) keeps only the columns it reads and those they read.
    """
    if reading is not None:  # only the columns `reading` reads, and what they read
        derived = _read_by(derived, _references(reading))
    inner: dict[str, str] = {}
    columns: list[tuple[str, str]] = []
    for name, sql in derived:
        said = REFERENCE.sub(lambda found: _inlined(found, inner), sql)
        columns.append((name, said))
        inner[name] = said
    return f"SELECT *{_columns(columns)} FROM {source}"


# a text literal (kept as it is: a cell's value, not a column) or one of rule_columns' names
REFERENCE = re.compile(r"'(?:[^']|'')*'|\b([mtv][0-9]+)\b")


def _references(sql: str) -> set[str]:
    return {name for found in REFERENCE.finditer(sql) if (name := found.group(1))}


def _read_by(derived: list[tuple[str, str]], names: set[str]) -> list[tuple[str, str]]:
    """The derived columns named, and those they read (which come before them)."""
    kept: list[tuple[str, str]] = []
    for name, sql in reversed(derived):
        if name in names:
            kept.append((name, sql))
            names |= _references(sql)
    return kept[::-1]


def _inlined(found: re.Match[str], inner: dict[str, str]) -> str:
    name = found.group(1)
    return f"({inner[name]})" if name in inner else found.group(0)


def _columns(derived: list[tuple[str, str]]) -> str:
    return "".join(f", {sql} AS {name}" for name, sql in derived)


EMPTY_LINE = re.compile(rb"\n\r?(?=\n)")  # the newline before an empty line
BLOCK = 1 << 24  # read 16 MiB at a time: a mapped file would count in the RSS whole


def _blank_lines(csv_path: Path, block: int = BLOCK) -> tuple[list[int], int]:
    """Spreadsheet rows of the empty lines after the header, and the number of lines.

    By a scan of the bytes: a line is empty when a newline (or newline and carriage
    return) is followed by a newline; its row is the number of newlines up to it, plus one.
    The last line counts whether or not a newline ends it.
    """
    rows: list[int] = []
    lines = 0  # newlines before `data`
    carry = b""
    with csv_path.open("rb") as handle:
        while True:
            chunk = handle.read(block)
            data = carry + chunk
            # a match starting in the last two bytes may need the next block to be seen
            limit = len(data) if not chunk else len(data) - 2
            counted_to = 0
            for found in EMPTY_LINE.finditer(data):
                at = found.start()
                if at >= limit:
                    break
                lines += data.count(b"\n", counted_to, at + 1)
                counted_to = at + 1
                rows.append(lines + 1)
            if not chunk:
                lines += data.count(b"\n", counted_to)
                return rows, lines + (1 if data and not data.endswith(b"\n") else 0)
            lines += data.count(b"\n", counted_to, limit)
            carry = data[limit:]


def scalar(connection: duckdb.DuckDBPyConnection, sql: str) -> Any:
    """The one value a query returns (fetched to the end, as DuckDB requires)."""
    return connection.execute(sql).fetchall()[0][0]
