"""Every row's CHECKs (enum, bounds, lengths, patterns) tested by DuckDB on the CSV itself.

PostgreSQL spends most of a load on its regular expressions; DuckDB scans the same file
many times faster. A target whose dialect says `checks_scanned_first` gets its CHECKs
`NOT VALID` (they guard every later insert and update) and runs this scan beside its bulk
copy, in the same transaction: a row breaking one refuses the load, nothing kept. Patterns
are read as the Table Schema reads them (Python's re, as cdx's validation does:
validations/table/python_patterns), cells as their column's type; a cell that is not a
value of its type as the Table Schema writes it breaks the column's checks too, so no
check is skipped by a cast the database would have read otherwise (decision 0073).
"""

from __future__ import annotations

import re

from cdx.core.errors import LoadRowsBreakSchema
from cdx.core.sql_text import sql_string
from cdx.load.naming import quoted
from cdx.load.target import TableLoad
from cdx.validations.table.python_patterns import pattern_broken, register

EXAMPLE_CHARS = 60


def pattern_scannable(pattern: str) -> bool:
    """Whether both RE2 (DuckDB) and Python's re take the pattern."""
    import duckdb

    try:
        re.compile(f"^{pattern}$")
        with duckdb.connect() as connection:
            connection.execute("SELECT regexp_full_match('', ?)", [pattern])
    except (re.error, duckdb.Error):
        return False
    return True


def pattern_check(column: str, pattern: str) -> str:
    re2_broken = f"NOT regexp_full_match({column}, {sql_string(pattern)})"
    return pattern_broken(column, pattern, re2_broken)


def _typed(load: TableLoad, column: str) -> tuple[str, str]:
    """The cell as its column's type (NULL when missing or not a value of it), and a test
    that it is a value that did not read as one."""
    from cdx.load.duckdb_target import TYPES

    spec = next(c for c in load.columns if c.name == column)
    name = quoted(column)
    nulls = ", ".join(map(sql_string, spec.missing))
    cell = f"(CASE WHEN {name} IN ({nulls}) THEN NULL ELSE {name} END)" if nulls else name
    if spec.kind == "text":
        return cell, "false"
    cast = f"TRY_CAST({cell} AS {TYPES[spec.kind]})"
    return cast, f"({cell} IS NOT NULL AND {cast} IS NULL)"


def scan_rows(load: TableLoad) -> None:
    """Raise LoadRowsBreakSchema when a row of `load.csv` breaks one of `load.checks`."""
    import duckdb

    from cdx.load.duckdb_target import read_csv_sql

    if not load.checks:
        return
    columns = sorted({check.column for check in load.checks})
    typed = {name: _typed(load, name) for name in columns}
    select = ", ".join(f"{typed[name][0]} AS {quoted(name)}" for name in columns)
    unread = ", ".join(f"{typed[name][1]} AS {quoted('cdx unread ' + name)}" for name in columns)
    text = read_csv_sql(load, read_as={c.name: "VARCHAR" for c in load.columns})
    aggregates = []
    for check in load.checks:
        broken = f"(coalesce({check.broken}, false) OR {quoted('cdx unread ' + check.column)})"
        aggregates.append(f"count(*) FILTER (WHERE {broken})")
        aggregates.append(
            f"any_value(CAST(raw_{columns.index(check.column)} AS VARCHAR)) FILTER (WHERE {broken})"
        )
    raw = ", ".join(f"{quoted(name)} AS raw_{i}" for i, name in enumerate(columns))
    sql = f"SELECT {', '.join(aggregates)} FROM (SELECT {select}, {unread}, {raw} FROM {text})"
    with duckdb.connect() as connection:
        connection.execute("SET TimeZone = 'UTC'")
        register(connection)
        row = connection.execute(sql).fetchone() or ()
    broken_checks = [
        (check, int(row[2 * i]), row[2 * i + 1])
        for i, check in enumerate(load.checks)
        if row and row[2 * i]
    ]
    if broken_checks:
        first = "; ".join(
            f"{count:,} break {check.where} (e.g. {str(example)[:EXAMPLE_CHARS]!r})"
            for check, count, example in broken_checks[:5]
        )
        raise LoadRowsBreakSchema(
            f"{load.csv.name}: rows break the package's own Table Schema, so nothing was "
            f"loaded: {first}",
            hint="tell the coalition: their signed package does not keep its own schema; "
            "they should validate it (`cdx validate`) and publish a corrected version",
        )
