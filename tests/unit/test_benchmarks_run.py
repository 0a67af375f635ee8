"""The validation benchmarks still run, on a few thousand rows (figures are not checked).

They are scripts a person runs by hand, so nothing else would notice when a change to
the code they call breaks one: the DuckDB floor of tests/bench/validation.py failed
with a BinderException after the checks' SQL changed (blank_row, 3270c13), and the
README's figures could not be measured again until the next benchmark run.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[1] / "bench"


def _run(script: str, *arguments: str) -> str:
    done = subprocess.run(
        [sys.executable, str(BENCH / script), *arguments],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "Traceback" not in done.stderr, done.stderr[-3000:]
    return done.stdout


def _table(output: str) -> dict[str, list[str]]:
    """The rows of the printed Markdown table, by their first cell."""
    lines = [line.strip("| ") for line in output.splitlines() if line.startswith("| ")]
    rows = [[cell.strip() for cell in line.split(" | ")] for line in lines[1:]]
    return {cells[0]: cells[1:] for cells in rows}


def test_the_validation_benchmark_measures_every_engine(tmp_path: Path) -> None:
    output = _run("validation.py", "--rows", "3000", "--keep", str(tmp_path))
    table = _table(output)
    engines = ["frictionless", "pandas+gx", "duckdb-floor", "duckdb-floor+suite", "cdx"]
    assert list(table) == engines
    for engine in engines:
        seconds = re.match(r"[0-9.]+", table[engine][0])
        assert seconds and float(seconds.group()) > 0, (engine, table[engine])
    # the planted errors are found by every engine that checks the Table Schema
    for engine in ("frictionless", "duckdb-floor", "cdx"):
        assert int(table[engine][-1].replace(",", "")) > 0, (engine, table[engine])
    assert "cdx vs DuckDB floor with the suite" in output
    assert "`cdx validate` on a 1,000-row file" in output


def test_the_unusual_cells_benchmark_measures_every_kind() -> None:
    output = _run("unusual_cells.py", "--rows", "2000")
    table = _table(output)
    assert len(table) >= 8
    assert sum(cells[-1] == "reference" for cells in table.values()) == 2


def test_the_wide_tables_benchmark_runs_both_engines() -> None:
    for kind in ([], ["--survey"]):
        output = _run("wide_tables.py", "--columns", "70", "--rows", "600", *kind)
        (row,) = _table(output).values()
        assert row[0] == "600" and float(row[1]) > 0 and float(row[2]) > 0


def test_the_publish_speed_benchmark_compares_cdx_publish_with_the_direct_steps() -> None:
    output = _run("publish_speed.py", "--rows", "300", "--repeat", "1")
    (row,) = _table(output).values()
    assert all(float(cell.rstrip("×")) > 0 for cell in row), row
