"""A household-survey table with a typical constrained Table Schema, a 10-expectation suite,
and errors of every kind planted at known rates: the parity tests and the benchmark use it."""

from __future__ import annotations

import copy
import random
from pathlib import Path
from typing import Any

REGIONS = ["Nairobi", "Coast", "Rift Valley", "Nyanza", "Western", "Central", "Eastern"]
DISTRICTS = ["Kibera", "Mombasa", "Nakuru", "Kisumu", "Kakamega", "Nyeri", "Embu", "Garissa"]
SCHEMA: dict[str, Any] = {
    "fields": [
        {
            "name": "record_id",
            "type": "string",
            "constraints": {"required": True, "unique": True, "pattern": "R[0-9]{7}"},
        },
        {
            "name": "household_id",
            "type": "string",
            "constraints": {"required": True, "pattern": "HH-[0-9]{5}"},
        },
        {"name": "region", "type": "string", "constraints": {"required": True, "enum": REGIONS}},
        {"name": "district", "type": "string", "constraints": {"required": True}},
        {
            "name": "survey_date",
            "type": "date",
            "constraints": {"required": True, "minimum": "2024-01-01", "maximum": "2025-12-31"},
        },
        {
            "name": "respondent_age",
            "type": "integer",
            "constraints": {"required": True, "minimum": 0, "maximum": 120},
        },
        {"name": "household_size", "type": "integer", "constraints": {"minimum": 1, "maximum": 30}},
        {"name": "income", "type": "number", "constraints": {"minimum": 0}},
        {"name": "consent", "type": "boolean", "constraints": {"required": True}},
        {"name": "score", "type": "integer", "constraints": {"minimum": 1, "maximum": 5}},
        {"name": "phone", "type": "string", "constraints": {"pattern": "0[0-9]{9}"}},
        {"name": "comment", "type": "string", "constraints": {"maxLength": 60}},
    ],
    "primaryKey": ["record_id"],
    "missingValues": ["", "NA"],
}
SUITE: dict[str, Any] = {
    "name": "household-survey",
    "expectations": [
        {"type": "expect_table_row_count_to_be_between", "kwargs": {"min_value": 1}},
        {"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "household_id"}},
        {"type": "expect_column_values_to_be_unique", "kwargs": {"column": "record_id"}},
        {
            "type": "expect_column_values_to_match_regex",
            "kwargs": {"column": "household_id", "regex": "^HH-[0-9]{5}$"},
        },
        {
            "type": "expect_column_values_to_be_in_set",
            "kwargs": {"column": "district", "value_set": DISTRICTS},
        },
        {
            "type": "expect_column_values_to_be_between",
            "kwargs": {"column": "respondent_age", "min_value": 0, "max_value": 110},
            "meta": {"severity": "warning"},
        },
        {
            "type": "expect_column_values_to_be_between",
            "kwargs": {
                "column": "survey_date",
                "min_value": "2024-01-01",
                "max_value": "2025-12-31",
            },
        },
        {
            "type": "expect_compound_columns_to_be_unique",
            "kwargs": {"column_list": ["household_id", "survey_date", "respondent_age"]},
        },
        {
            "type": "expect_column_mean_to_be_between",
            "kwargs": {"column": "score", "min_value": 1, "max_value": 4},
        },
        {
            "type": "expect_column_value_lengths_to_be_between",
            "kwargs": {"column": "comment", "max_value": 40},
            "meta": {"severity": "warning"},
        },
    ],
}
HEADER = [field["name"] for field in SCHEMA["fields"]]
# one planted error per kind; each turns a good row into a bad one
PLANTS: list[tuple[str, Any]] = [
    ("type-integer", lambda r: r.__setitem__(5, "forty")),
    ("type-date", lambda r: r.__setitem__(4, "2024-02-30")),
    ("type-number", lambda r: r.__setitem__(7, "1,200")),
    ("type-boolean", lambda r: r.__setitem__(8, "maybe")),
    ("maximum", lambda r: r.__setitem__(5, "150")),
    ("minimum", lambda r: r.__setitem__(6, "0")),
    ("date-range", lambda r: r.__setitem__(4, "2023-12-31")),
    ("enum", lambda r: r.__setitem__(2, "Atlantis")),
    ("pattern", lambda r: r.__setitem__(1, "HH-12")),
    ("required", lambda r: r.__setitem__(3, "")),
    ("missing-value", lambda r: r.__setitem__(1, "NA")),
    ("max-length", lambda r: r.__setitem__(11, "a comment that goes on and on " * 3)),
    ("district", lambda r: r.__setitem__(3, "Atlantis City")),
    ("short-row", lambda r: r.__delitem__(slice(9, None))),
    ("long-row", lambda r: r.extend(["surplus", "cells"])),
    ("blank-row", lambda r: r.__setitem__(slice(None), [""] * len(HEADER))),
    ("empty-line", lambda r: r.clear()),
    ("duplicate-id", lambda r: r.__setitem__(0, "R0000007")),
]


def good_row(n: int, rng: random.Random) -> list[str]:
    return [
        f"R{n:07d}",
        f"HH-{rng.randrange(100000):05d}",
        rng.choice(REGIONS),
        rng.choice(DISTRICTS),
        f"{rng.choice((2024, 2025))}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
        str(rng.randint(18, 95)),
        str(rng.randint(1, 12)),
        f"{rng.uniform(0, 90000):.2f}",
        rng.choice(("true", "false")),
        str(rng.randint(1, 5)),
        f"07{rng.randrange(10**8):08d}" if rng.random() < 0.8 else "",
        rng.choice(("", "", "clinic too far", 'water point broken, "urgent"', "ok")),
    ]


def write_table(path: Path, rows: int, *, error_every: int, seed: int = 7) -> Path:
    """Write `rows` data rows; every `error_every`-th row carries the next planted error."""
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write(",".join(HEADER) + "\n")
        lines = []
        for n in range(1, rows + 1):
            row = good_row(n, rng)
            if n % error_every == 0:
                PLANTS[(n // error_every) % len(PLANTS)][1](row)
            lines.append(",".join(_quoted(cell) for cell in row) + "\n")
            if len(lines) == 10_000:
                handle.writelines(lines)
                lines = []
        handle.writelines(lines)
    return path


def record_id_width(rows: int) -> int:
    """Digits in a record id `R…`: 7 (SCHEMA's pattern) up to 9,999,999 rows, more above."""
    return max(7, len(str(rows)))


def schema_for(rows: int) -> dict[str, Any]:
    """SCHEMA, with the record_id pattern widened to fit `rows` ids (write_table_fast's)."""
    schema = copy.deepcopy(SCHEMA)
    schema["fields"][0]["constraints"]["pattern"] = f"R[0-9]{{{record_id_width(rows)}}}"
    return schema


COMMENTS = ("", "", "clinic too far", 'water point broken, "urgent"', "ok")


def write_table_fast(path: Path, rows: int, *, error_every: int, seed: int = 7) -> Path:
    """write_table's kind of table, written by DuckDB in SQL, with the same planted errors.

    About 50-60 MB/s on a 2-core machine where write_table writes ~7.5 MB/s: the 30M-row
    benchmark file (~2.6 GB) takes under a minute.

    The values follow good_row's distributions but are not the same values: each cell is
    a hash of (row, seed, column) taken modulo its range, so the file is deterministic for a
    DuckDB version. Record ids are `record_id_width(rows)` digits wide (validate with
    `schema_for(rows)`); the planted errors are PLANTS', at the same rows and in the same
    order as write_table's, and the duplicate id is row 7's. DuckDB streams the COPY, in
    order, within a 512MB memory limit.
    """
    import duckdb

    width = record_id_width(rows)
    # hash(i, seed, column) alone is one mix of (i, seed) XOR a per-column constant, which
    # ties the columns' low bits together; hashing it again makes the cells independent
    h = [f"hash(hash(i, {int(seed)}, {column}))" for column in range(len(HEADER))]
    cents = f"({h[7]} % 9000001)"
    phone = f"'07' || lpad((({h[10]} // 10) % 100000000)::VARCHAR, 8, '0')"
    cells = [
        f"'R' || lpad(i::VARCHAR, {width}, '0')",
        f"'HH-' || lpad(({h[1]} % 100000)::VARCHAR, 5, '0')",
        f"{_sql_list(REGIONS)}[({h[2]} % {len(REGIONS)})::BIGINT + 1]",
        f"{_sql_list(DISTRICTS)}[({h[3]} % {len(DISTRICTS)})::BIGINT + 1]",
        f"(2024 + {h[4]} % 2)::VARCHAR || '-' || lpad((1 + ({h[4]} // 2) % 12)::VARCHAR, 2, '0')"
        f" || '-' || lpad((1 + ({h[4]} // 24) % 28)::VARCHAR, 2, '0')",
        f"(18 + {h[5]} % 78)::VARCHAR",
        f"(1 + {h[6]} % 12)::VARCHAR",
        f"({cents} // 100)::VARCHAR || '.' || lpad(({cents} % 100)::VARCHAR, 2, '0')",
        f"CASE WHEN {h[8]} % 2 = 0 THEN 'true' ELSE 'false' END",
        f"(1 + {h[9]} % 5)::VARCHAR",
        f"CASE WHEN {h[10]} % 10 < 8 THEN {phone} ELSE '' END",
        f"{_sql_list([_quoted(c) for c in COMMENTS])}[({h[11]} % {len(COMMENTS)})::BIGINT + 1]",
    ]
    names = [f"c{column}" for column in range(len(HEADER))]
    planted = "".join(
        f" WHEN (i // {int(error_every)}) % {len(PLANTS)} = {kind} THEN {line}"
        for kind, line in enumerate(_planted_lines(names, width))
    )
    good = " || ',' || ".join(names)
    columns = ", ".join(f"{sql} AS {name}" for sql, name in zip(cells, names, strict=True))
    connection = duckdb.connect(config={"memory_limit": "512MB", "threads": 2})
    try:
        connection.execute("SET enable_progress_bar = false")
        # the column's name is the header line: COPY writes it, then each line, verbatim
        connection.execute(
            f"""COPY (
            SELECT CASE WHEN i % {int(error_every)} <> 0 THEN {good}{planted} END
                AS {_sql_name(",".join(HEADER))}
            FROM (SELECT i, {columns} FROM range(1, {int(rows) + 1}) AS t(i))
            ) TO {_sql_text(str(path))}
            (FORMAT csv, HEADER true, QUOTE '', ESCAPE '', DELIMITER '\x1f')"""
        )
    finally:
        connection.close()
    return path


def _planted_lines(names: list[str], width: int) -> list[str]:
    """One SQL line expression per PLANTS kind, in order, over the good cells `names`.

    Each plant is applied to a row of markers; a marker that survives is its good cell,
    anything else is the plant's own text (CSV-quoted as write_table writes it).
    """
    markers = [f"\0cell{column}\0" for column in range(len(names))]
    lines = []
    for _, plant in PLANTS:
        row = list(markers)
        plant(row)
        parts = []
        for position, cell in enumerate(row):
            if cell in markers:
                parts.append(names[markers.index(cell)])
            elif position == 0 and cell == "R0000007":  # the duplicate id: row 7's
                parts.append(_sql_text(f"R{7:0{width}d}"))
            else:
                parts.append(_sql_text(_quoted(cell)))
        lines.append(" || ',' || ".join(parts) if parts else "''")
    return lines


def _sql_text(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _sql_name(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _sql_list(texts: list[str] | tuple[str, ...]) -> str:
    return "[" + ", ".join(_sql_text(text) for text in texts) + "]"


def _quoted(cell: str) -> str:
    if any(mark in cell for mark in (",", '"', "\n")):
        return '"' + cell.replace('"', '""') + '"'
    return cell
