"""Benchmark: wide tables (survey exports of hundreds of columns), columnar against frictionless.

    .venv/bin/python tests/bench/wide_tables.py [--columns 100 300 600] [--rows 2000 5000 20000]
        [--survey] [--every-row-bad]

Writes one CSV per shape (integer answers 1-5, a Table Schema with minimum and maximum
on every column, a planted error in about one row in 500; with --survey, the columns of
a survey export in turn: a required select_one, a count, an amount, a date, free text;
with --every-row-bad, the second column is also `x` on every row, as when one column is
written otherwise throughout)
and validates it with each
engine, each run in its own process: the columnar engine (DuckDB; its planning grows
with the columns) and frictionless-py (a cost per cell). Prints seconds and peak RSS,
and frictionless' time over the columnar one: where it passes 1 is where
`package_check.SHORT` (the rows below which a table of more than `MANY_COLUMNS` columns
goes to frictionless) should lie. Imports are outside the times; both engines must find
the same number of errors.
A script, not a timed test: the figures depend on the machine.
"""

from __future__ import annotations

import argparse
import csv
import json
import platform
import random
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from tests.bench.child_runs import in_child  # noqa: E402

# A survey export's columns (KoboToolbox, ODK): select_one answers, counts, amounts,
# dates, free text, each (field, a valid cell from a random number 0-99)
SURVEY: list[tuple[dict[str, Any], Callable[[int], str]]] = [
    (
        {"type": "string", "constraints": {"required": True, "enum": ["yes", "no", "dont_know"]}},
        lambda n: ("yes", "no", "dont_know")[n % 3],
    ),
    ({"type": "integer", "constraints": {"minimum": 0, "maximum": 120}}, str),
    ({"type": "number", "constraints": {"minimum": 0}}, lambda n: f"{n * 37.5:.2f}"),
    (
        {"type": "date", "constraints": {"minimum": "2024-01-01", "maximum": "2025-12-31"}},
        lambda n: f"2024-{n % 12 + 1:02d}-{n % 28 + 1:02d}",
    ),
    ({"type": "string", "constraints": {"maxLength": 200}}, lambda n: f"answer {n} in words"),
]


def write_table(
    path: Path, columns: int, rows: int, survey: bool = False, every_row_bad: bool = False
) -> None:
    generator = random.Random(columns * rows)
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow([f"q{n}" for n in range(columns)])
        for row in range(rows):
            if survey:
                cells: list[object] = [
                    SURVEY[n % len(SURVEY)][1](generator.randrange(100)) for n in range(columns)
                ]
            else:
                cells = [generator.randint(1, 5) for _ in range(columns)]
            # a few planted errors: above the maximum (or not in the enum), not a number
            if row % 997 == 1:
                cells[row % columns] = 6 if not survey else "6/31/2024"
            if row % 1009 == 2:
                cells[(row + 1) % columns] = "x"
            if every_row_bad:
                cells[1] = "x"  # an integer in both kinds of table
            writer.writerow(cells)


def schema(columns: int, survey: bool = False) -> dict[str, object]:
    if survey:
        fields = [{"name": f"q{n}", **SURVEY[n % len(SURVEY)][0]} for n in range(columns)]
        return {"fields": fields}
    bounds = {"minimum": 1, "maximum": 5}
    return {
        "fields": [
            {"name": f"q{n}", "type": "integer", "constraints": bounds} for n in range(columns)
        ]
    }


def child(engine: str, path: Path, columns: int, survey: bool) -> dict[str, float]:
    import duckdb  # noqa: F401  (imports outside the time)
    import frictionless  # noqa: F401

    import cdx.validations.package_check as package_check
    from cdx.validations.table.header import check_header

    table_schema = schema(columns, survey)
    started = time.perf_counter()
    if engine == "frictionless":
        header = check_header(path, resource="t")
        findings, _ = package_check._validate_with_frictionless(
            path, table_schema, None, header, "t", package_check.CAP
        )
    else:
        package_check.SHORT = 0  # never hand it to frictionless
        findings, _ = package_check.validate_table(path, table_schema, None, resource="t")
    return {
        "seconds": time.perf_counter() - started,
        "findings": len(findings),
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def measure(engine: str, path: Path, columns: int, survey: bool) -> dict[str, Any]:
    return in_child(__file__, engine, str(path), str(columns), "survey" if survey else "")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--columns", type=int, nargs="+", default=[100, 300, 600])
    parser.add_argument("--rows", type=int, nargs="+", default=[2000, 5000, 20000])
    parser.add_argument(
        "--survey",
        action="store_true",
        help="columns of a survey export (enums, counts, amounts, dates, text), not integers",
    )
    parser.add_argument(
        "--every-row-bad", action="store_true", help="the second column is `x` on every row"
    )
    parser.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.child:
        engine, path, columns, survey = options.child
        print(json.dumps(child(engine, Path(path), int(columns), survey == "survey")))
        return
    from cdx.validations.package_check import SHORT
    from cdx.validations.table.loaded import MANY_COLUMNS

    kind = "a survey export's columns" if options.survey else "integer columns 1-5"
    if options.every_row_bad:
        kind += ", the second one bad on every row"
    print(f"Wide tables: columnar (DuckDB) against frictionless, {kind}")
    print(f"Machine: {platform.platform()}, Python {sys.version.split()[0]}")
    print(f"Now: more than {MANY_COLUMNS} columns and under {SHORT:,} rows go to frictionless\n")
    print(
        "| columns | rows | columnar s | frictionless s | frictionless / columnar "
        "| columnar RSS MiB | frictionless RSS MiB |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory(prefix="cdx-wide-") as scratch:
        for columns in options.columns:
            for rows in options.rows:
                path = Path(scratch) / f"wide-{columns}-{rows}.csv"
                write_table(path, columns, rows, options.survey, options.every_row_bad)
                columnar = measure("columnar", path, columns, options.survey)
                reference = measure("frictionless", path, columns, options.survey)
                assert columnar["findings"] == reference["findings"] > 0, (columnar, reference)
                ratio = reference["seconds"] / columnar["seconds"]
                print(
                    f"| {columns} | {rows:,} | {columnar['seconds']:.2f} | "
                    f"{reference['seconds']:.2f} | {ratio:.2f} | {columnar['peak_rss_mb']:,.0f} | "
                    f"{reference['peak_rss_mb']:,.0f} |",
                    flush=True,
                )


if __name__ == "__main__":
    main()
