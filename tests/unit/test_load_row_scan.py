"""load.row_scan on small CSV files with a real DuckDB: what breaks a check, what does not."""

from __future__ import annotations

from pathlib import Path

import pytest

from cdx.core.errors import LoadRowsBreakSchema
from cdx.load.naming import quoted
from cdx.load.row_scan import pattern_check, pattern_scannable, scan_rows
from cdx.load.target import LoadColumn, RowCheck, TableLoad


def _load(tmp_path: Path, cells: list[str], kind: str, check: str, broken: str) -> TableLoad:
    csv = tmp_path / "t.csv"
    csv.write_text("v\n" + "".join(f"{cell}\n" for cell in cells), encoding="utf-8")
    column = LoadColumn("v", kind, ("", "n/a"))  # type: ignore[arg-type]
    return TableLoad('"s"."t"', csv, (column,), (RowCheck(f"t.v {check}", "v", broken),))


def test_a_pattern_is_read_as_the_table_schema_reads_it(tmp_path: Path) -> None:
    # Python's \\d holds every script's digits, RE2's ASCII alone: ١٢٣ keeps the pattern.
    broken = pattern_check(quoted("v"), r"\d{3}")
    scan_rows(_load(tmp_path, ["123", "١٢٣", "", "n/a"], "text", "pattern", broken))
    with pytest.raises(LoadRowsBreakSchema, match=r"1 break t\.v pattern \(e\.g\. '12a'\)"):
        scan_rows(_load(tmp_path, ["123", "12a"], "text", "pattern", broken))


def test_bounds_compare_typed_values_and_an_unreadable_cell_breaks_them(tmp_path: Path) -> None:
    broken = "NOT (\"v\" <= DATE '2026-12-31')"
    scan_rows(_load(tmp_path, ["2026-04-03", "", "n/a"], "date", "maximum", broken))
    with pytest.raises(LoadRowsBreakSchema, match=r"2 break t\.v maximum"):
        scan_rows(
            _load(tmp_path, ["2027-01-01", "2026-04-03", "3 April 2026"], "date", "maximum", broken)
        )


def test_only_patterns_both_engines_read_are_scanned() -> None:
    assert pattern_scannable("SC-[0-9]{5}")
    assert not pattern_scannable("(?=SC-)[A-Z]{2}")  # RE2 has no look-ahead
    assert not pattern_scannable("[a-")
