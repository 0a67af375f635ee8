"""write_table_fast (DuckDB SQL) plants what write_table (Python) plants, where it plants it."""

from __future__ import annotations

import random
from collections import Counter
from pathlib import Path
from typing import Any

from cdx.validations.package_check import validate_table
from cdx.validations.table.header import read_header
from tests.planted_table import (
    PLANTS,
    SCHEMA,
    SUITE,
    good_row,
    record_id_width,
    schema_for,
    write_table,
    write_table_fast,
)

ROWS = 20_000


def findings(
    csv_path: Path, schema: dict[str, Any], suite: dict[str, Any] | None = SUITE
) -> tuple[list[tuple[int | None, str | None, str]], int]:
    found, rows = validate_table(csv_path, schema, suite, resource="t", cap=10**6)
    return [(f.row, f.field, f.code) for f in found], rows


def test_both_generators_plant_every_kind_at_the_same_rows(tmp_path: Path) -> None:
    slow = write_table(tmp_path / "slow.csv", ROWS, error_every=100)
    fast = write_table_fast(tmp_path / "fast.csv", ROWS, error_every=100)
    assert read_header(fast) == read_header(slow) == [f["name"] for f in SCHEMA["fields"]]
    assert len(fast.read_bytes().splitlines()) == len(slow.read_bytes().splitlines()) == ROWS + 1
    expected, expected_rows = findings(slow, SCHEMA)
    found, rows = findings(fast, schema_for(ROWS))
    assert rows == expected_rows == ROWS
    # every kind is planted 11 or 12 times in 200 planted rows, so each code counts; the
    # suite's checks on random values (compound key, mean score) find nothing in either file
    assert Counter((field, code) for _, field, code in found) == Counter(
        (field, code) for _, field, code in expected
    )
    assert sorted(found, key=str) == sorted(expected, key=str)  # and at the same rows
    codes = {code for _, _, code in found}
    assert {"type-error", "constraint-maximum", "constraint-minimum", "constraint-enum"} <= codes
    assert {"constraint-pattern", "constraint-required", "constraint-maxLength"} <= codes
    assert {"blank-row", "extra-cell", "missing-cell", "unique-error", "primary-key"} <= codes
    assert "expect_column_values_to_be_in_set" in codes  # the district plant
    assert len(PLANTS) == 18


def test_a_clean_fast_file_has_no_findings(tmp_path: Path) -> None:
    fast = write_table_fast(tmp_path / "clean.csv", ROWS, error_every=ROWS + 1)
    found, rows = findings(fast, schema_for(ROWS))
    assert found == [] and rows == ROWS
    lines = fast.read_text().splitlines()
    assert lines[1].startswith("R0000001,") and lines[-1].startswith(f"R00{ROWS},")


def test_the_record_id_pattern_widens_past_ten_million_rows(tmp_path: Path) -> None:
    assert record_id_width(9_999_999) == 7 and record_id_width(30_000_000) == 8
    assert schema_for(1_000_000) == SCHEMA
    assert SCHEMA["fields"][0]["constraints"]["pattern"] == "R[0-9]{7}"
    rng = random.Random(7)
    csv_path = tmp_path / "wide.csv"
    rows = []
    for n in (29_999_999, 30_000_000):
        row = good_row(n, rng)
        row[0] = f"R{n:0{record_id_width(30_000_000)}d}"
        rows.append(",".join(row[:-1]) + ",ok")
    csv_path.write_text(",".join(f["name"] for f in SCHEMA["fields"]) + "\n" + "\n".join(rows))
    assert rows[-1].startswith("R30000000,")
    found, count = findings(csv_path, schema_for(30_000_000), None)  # two rows: no suite
    assert found == [] and count == 2
    narrow, _ = findings(csv_path, SCHEMA, None)
    assert {(field, code) for _, field, code in narrow} == {("record_id", "constraint-pattern")}
