"""A household-survey table with a typical constrained Table Schema, a 10-expectation suite,
and errors of every kind planted at known rates: the parity tests and the benchmark use it."""

from __future__ import annotations

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


def _quoted(cell: str) -> str:
    if any(mark in cell for mark in (",", '"', "\n")):
        return '"' + cell.replace('"', '""') + '"'
    return cell
