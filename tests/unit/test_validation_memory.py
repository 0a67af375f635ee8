"""The columnar engine's memory budget: too small a budget is a clear error, not a crash."""

from __future__ import annotations

from pathlib import Path

import pytest

import validations.columnar_table as columnar_table
from cdx.errors import ValidationMemory
from tests.planted_table import SCHEMA, write_table
from validations.package_check import validate_table


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
