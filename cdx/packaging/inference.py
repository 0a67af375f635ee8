"""Infer a Table Schema from a whole CSV file, not a sample.

Inference is conservative: a column is an integer only if every value is one, and a
value with a leading zero ("0012", a district or household code) keeps the column a
string, because turning codes into numbers loses information.

The values are read in one parallel DuckDB scan that asks, per column and kind, whether
some value does not fit (`_kinds_columnar`, with `_fits` written in SQL); a file DuckDB
cannot read as Python's csv module reads it goes through `_fits` row by row
(`_kinds_row_by_row`, the reference; tests/unit/test_inference.py holds the two to the
same answer on awkward values). Row by row, inferring a large file took longer than
validating it (docs/decisions/0011-infer-schema-columnar.md).
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

from cdx.packaging.tabular import csv_rows

INTEGER = re.compile(r"^-?(?:0|[1-9]\d*)$")
NUMBER = re.compile(r"^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$|^-?\.\d+$")
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
BOOLEANS = {"true", "false", "True", "False", "TRUE", "FALSE"}
ORDER = ("integer", "number", "boolean", "date", "string")

# _fits in SQL over a cell {c} (RE2): Python's \d is any Unicode decimal digit and its $
# also matches before a final newline (a quoted cell may end with one); fromisoformat
# reads ASCII digits alone, from year 1. "string" fits every value.
FITS_SQL = {
    "integer": r"regexp_full_match({c}, '-?(?:0|[1-9]\p{{Nd}}*)\n?')",
    "number": (
        r"regexp_full_match({c}, '(?:-?(?:0|[1-9]\p{{Nd}}*)(?:\.\p{{Nd}}+)?"
        r"(?:[eE][+-]?\p{{Nd}}+)?|-?\.\p{{Nd}}+)\n?')"
    ),
    "boolean": "{c} IN (" + ", ".join(f"'{word}'" for word in sorted(BOOLEANS)) + ")",
    # CASE, not AND: DuckDB would cast every value (docs/decisions/0011-infer-schema-columnar.md)
    "date": (
        "(CASE WHEN regexp_full_match({c}, '[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}') "
        "THEN coalesce(TRY_CAST({c} AS DATE) >= DATE '0001-01-01', false) ELSE false END)"
    ),
}


def _fits(kind: str, value: str) -> bool:
    if kind == "integer":
        return bool(INTEGER.match(value))
    if kind == "number":
        return bool(NUMBER.match(value))
    if kind == "boolean":
        return value in BOOLEANS
    if kind == "date":
        if not DATE.match(value):
            return False
        try:
            dt.date.fromisoformat(value)
        except ValueError:
            return False
        return True
    return True


def infer_schema(path: Path) -> dict[str, Any]:
    """Table Schema for a UTF-8 CSV with a header row, from every value in it."""
    with path.open(encoding="utf-8", newline="") as handle:
        header = next(csv_rows(handle), [])
    kinds = (_kinds_columnar(path, len(header)) if header else None) or _kinds_row_by_row(
        path, len(header)
    )
    fields = []
    names: set[str] = set()
    for index, label in enumerate(header):
        # A blank or repeated label is reported by the header check; the schema still
        # needs distinct names for the other checks to run.
        name = label if label.strip() and label not in names else f"field{index + 1}"
        names.add(name)
        fields.append({"name": name, "type": kinds[index]})
    return {"fields": fields, "missingValues": [""]}


def _kinds_row_by_row(path: Path, columns: int) -> list[str]:
    """Each column's kind: the first of ORDER that every value fits (string if none is
    present); every row read with Python's csv module."""
    candidates = [set(ORDER) for _ in range(columns)]
    seen = [False] * columns
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv_rows(handle)
        next(reader, [])
        for row in reader:
            for index, value in enumerate(row[:columns]):
                if value == "":
                    continue
                seen[index] = True
                remaining = candidates[index]
                if len(remaining) > 1:
                    remaining.difference_update(
                        [kind for kind in remaining if not _fits(kind, value)]
                    )
    return [
        next(kind for kind in ORDER if kind in remaining) if present else "string"
        for remaining, present in zip(candidates, seen, strict=True)
    ]


def _kinds_columnar(path: Path, columns: int) -> list[str] | None:
    """As _kinds_row_by_row, in one DuckDB scan; None where DuckDB would not read the
    file as Python's csv module does (it rejects rows: many extra cells, broken quoting)."""
    import duckdb

    from cdx.packaging.csv_cells import FEW_EXTRA_CELLS, csv_cells

    # one value per row: four questions in all, not four per column (on a wide file,
    # planning aggregates per column took longer than reading the values;
    # docs/decisions/0011-infer-schema-columnar.md)
    names = ", ".join(f"c{i}" for i in range(1, columns + 1))
    misfits = ", ".join(f"bool_or(NOT {FITS_SQL[kind].format(c='v')})" for kind in ORDER[:-1])
    connection = duckdb.connect(config={"memory_limit": "256MB"})
    try:
        connection.execute("SET enable_progress_bar = false").fetchall()
        answers = None
        # the parallel reader cannot pad short rows once a cell spans lines
        for parallel in (True, False):
            source = csv_cells(
                path, columns + FEW_EXTRA_CELLS, parallel=parallel, rejects=True, header=True
            )
            for table in ("reject_errors", "reject_scans"):  # left by the parallel attempt
                connection.execute(f"DROP TABLE IF EXISTS {table}").fetchall()
            try:
                query = f"""SELECT name, {misfits} FROM (UNPIVOT (SELECT {names} FROM {source})
                    ON {names} INTO NAME name VALUE v) WHERE v <> '' GROUP BY name"""
                answers = connection.execute(query).fetchall()  # no row: no value present
                break
            except duckdb.Error:
                continue
        rejected = connection.execute("SELECT count(*) FROM reject_errors").fetchall()[0][0]
    except duckdb.Error:
        return None
    finally:
        connection.close()
    if answers is None or rejected:
        return None
    kinds = ["string"] * columns
    for name, *broken in answers:
        fitting = [kind for kind, no in zip(ORDER, [*broken, False], strict=True) if not no]
        kinds[int(name[1:]) - 1] = fitting[0]
    return kinds
