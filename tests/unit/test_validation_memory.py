"""The columnar engine's memory budget: too small a budget is a clear error, not a crash."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import cdx.validations.table.loaded as columnar_table
from cdx.core.errors import ValidationMemory
from cdx.validations import package_check
from cdx.validations.package_check import validate_table
from tests.planted_table import SCHEMA, write_table


def test_a_budget_too_small_for_the_file_says_what_to_change(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    table = write_table(tmp_path / "survey.csv", 20_000, error_every=1_000)
    monkeypatch.setattr(columnar_table, "MEMORY_LIMIT", "2MB")
    with pytest.raises(ValidationMemory) as caught:
        validate_table(table, SCHEMA, None, resource="survey.csv")
    assert caught.value.code == "validation-memory"
    assert caught.value.where == str(table)
    assert "memory budget of 2MB" in caught.value.message
    assert "CDX_VALIDATION_MEMORY" in (caught.value.hint or "")
    monkeypatch.setattr(columnar_table, "MEMORY_LIMIT", "64MB")
    _, rows = validate_table(table, SCHEMA, None, resource="survey.csv")
    assert rows == 20_000


def test_a_wide_table_duckdb_cannot_check_within_the_budget_goes_to_frictionless(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """DuckDB takes a block of memory for each column it stores: a wide table can outgrow
    the budget whatever its rows. frictionless' memory does not grow with the columns."""
    columns = 80
    csv_path = tmp_path / "kobo.csv"
    lines = [",".join(f"q{n}" for n in range(columns))]
    lines += [",".join(["9" if row % 7 == 0 else "3"] * columns) for row in range(3_000)]
    csv_path.write_text("\n".join(lines) + "\n")
    schema = {
        "fields": [
            {"name": f"q{n}", "type": "integer", "constraints": {"maximum": 5}}
            for n in range(columns)
        ]
    }
    monkeypatch.setattr(package_check, "SHORT", 0)  # the columnar engine is tried first
    expected, rows = validate_table(csv_path, schema, None, resource="kobo.csv")
    tried: list[str] = []
    load = package_check.load_for_checks

    def spy(*args: Any) -> columnar_table.LoadedTable:
        tried.append("columnar")
        return load(*args)

    monkeypatch.setattr(package_check, "load_for_checks", spy)
    monkeypatch.setattr(columnar_table, "MEMORY_LIMIT", "2MB")
    found, rows_again = validate_table(csv_path, schema, None, resource="kobo.csv")
    assert tried == ["columnar"]  # it ran out of memory, then frictionless read the table
    assert rows_again == rows == 3_000
    assert sum(found.left_out.values()) + len(found) == 429 * columns  # type: ignore[attr-defined]
    assert [f.to_dict() for f in found] == [f.to_dict() for f in expected]


def test_memory_budgets_read_as_duckdb_reads_them() -> None:
    assert columnar_table.budget_bytes("256MB") == 256_000_000
    assert columnar_table.budget_bytes("1GiB") == 2**30
    assert columnar_table.budget_bytes("1.5 gb") == 1_500_000_000
    assert columnar_table.budget_bytes("lots") == 256_000_000


def test_a_file_larger_than_half_the_budget_is_loaded_on_disk_with_the_same_findings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    table = write_table(tmp_path / "survey.csv", 20_000, error_every=500)
    in_memory, rows = validate_table(table, SCHEMA, None, resource="survey.csv")
    loaded: list[columnar_table.LoadedTable] = []
    load = columnar_table.load_table

    def spy(*args: Any, **kwargs: Any) -> columnar_table.LoadedTable:
        loaded.append(load(*args, **kwargs))
        return loaded[-1]

    monkeypatch.setattr(columnar_table, "budget_bytes", lambda text: 2 * 1_000_000)
    monkeypatch.setattr(columnar_table, "load_table", spy)
    on_disk, rows_on_disk = validate_table(table, SCHEMA, None, resource="survey.csv")
    (used,) = loaded
    assert used.database is not None and used.database.name == "cells.duckdb"
    assert used.scratch is not None and not used.scratch.exists(), "scratch files outlived it"
    assert rows_on_disk == rows == 20_000
    assert len(in_memory) > 30
    assert [f.to_dict() for f in on_disk] == [f.to_dict() for f in in_memory]


def test_empty_lines_are_found_across_block_boundaries(tmp_path: Path) -> None:
    """The scan reads blocks (a mapped file counted whole in the RSS: 2.6 GB at 30M rows)."""
    data = b"h\n\na\r\n\r\n\nb\n\n"  # lines: h, '', a, '\r', '', b, '' and the end
    path = tmp_path / "gaps.csv"
    path.write_bytes(data)
    for block in range(1, len(data) + 2):
        assert columnar_table._blank_lines(path, block) == ([2, 4, 5, 7], 7), block
    path.write_bytes(data + b"c")  # a last line without its newline counts too
    assert columnar_table._blank_lines(path, 3) == ([2, 4, 5, 7], 8)
    path.write_bytes(b"")
    assert columnar_table._blank_lines(path) == ([], 0)
