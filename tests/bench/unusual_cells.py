"""Benchmark: how much cells written the unusual ways coalitions write them cost to check.

    .venv/bin/python tests/bench/unusual_cells.py [--rows 1000000]

Writes one two-column CSV per kind of cell (an id and the cell), each `--rows` rows, and
times cdx's Table Schema check (`validate_table`, no suite) on each, in this process,
best of three. Printed beside each: the ratio to the plain kind of the same type measured
in the same run (ASCII integers, ISO dates), which is the reference. The unusual kinds
are read as frictionless reads them (Bengali digits as numbers, a thousands separator as
a type error), so their cost is the cost of reading them right. A script, not a timed
test: the figures depend on the machine.
"""

from __future__ import annotations

import argparse
import csv
import platform
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

BENGALI = str.maketrans("0123456789", "০১২৩৪৫৬৭৮৯")
ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")

# kind: (field type, the reference kind, the n-th cell)
KINDS: dict[str, tuple[str, str, Callable[[int], str]]] = {
    "integer, ASCII digits": ("integer", "", lambda n: str(n % 99_991)),
    "integer, thousands separator (1,000)": (
        "integer",
        "integer, ASCII digits",
        lambda n: f"{n % 99},{n % 997:03d}",
    ),
    "integer, Bengali digits": (
        "integer",
        "integer, ASCII digits",
        lambda n: str(n % 99_991).translate(BENGALI),
    ),
    "integer, missing or words (N/A, none)": (
        "integer",
        "integer, ASCII digits",
        lambda n: ("N/A", "none", "")[n % 3],
    ),
    "date, ISO (2024-03-05)": ("date", "", lambda n: f"2024-{n % 12 + 1:02d}-{n % 28 + 1:02d}"),
    "date, Arabic-Indic digits (refused, as by Python)": (
        "date",
        "date, ISO (2024-03-05)",
        lambda n: f"2024-{n % 12 + 1:02d}-{n % 28 + 1:02d}".translate(ARABIC_INDIC),
    ),
    "date, day first (05/03/2024)": (
        "date",
        "date, ISO (2024-03-05)",
        lambda n: f"{n % 28 + 1:02d}/{n % 12 + 1:02d}/2024",
    ),
    "datetime, a date alone": (
        "datetime",
        "date, ISO (2024-03-05)",
        lambda n: f"2024-{n % 12 + 1:02d}-{n % 28 + 1:02d}",
    ),
}


def write(path: Path, rows: int, cell: Callable[[int], str]) -> None:
    with path.open("w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["id", "value"])
        writer.writerows((n, cell(n)) for n in range(1, rows + 1))


def measure(path: Path, kind: str) -> tuple[float, int]:
    from cdx.validations.package_check import validate_table

    schema = {"fields": [{"name": "id", "type": "integer"}, {"name": "value", "type": kind}]}
    best, found = float("inf"), 0
    for _ in range(3):
        started = time.perf_counter()
        findings, _ = validate_table(path, schema, None, resource="t")
        best = min(best, time.perf_counter() - started)
        found = len(findings) + sum(getattr(findings, "left_out", {}).values())
    return best, found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    rows = parser.parse_args().rows
    import duckdb

    print(f"Unusual cells: {rows:,} rows x 2 columns, Table Schema only, best of 3")
    versions = f"duckdb {duckdb.__version__}, Python {platform.python_version()}"
    print(f"Machine: {platform.platform()}; {versions}\n")
    print("| cells | type | seconds | findings | x the plain kind |")
    print("|---|---|---:|---:|---:|")
    seconds: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as scratch:
        for number, (name, (kind, reference, cell)) in enumerate(KINDS.items()):
            path = Path(scratch) / f"cells-{number}.csv"
            write(path, rows, cell)
            seconds[name], found = measure(path, kind)
            ratio = f"{seconds[name] / seconds[reference]:.2f}x" if reference else "reference"
            print(f"| {name} | {kind} | {seconds[name]:.2f} | {found:,} | {ratio} |")
            path.unlink()


if __name__ == "__main__":
    main()
