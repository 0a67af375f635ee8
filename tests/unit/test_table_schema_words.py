"""Findings say what to change: a number written with a comma, a date day first; and a
long cell is cut. Both engines word them alike."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from cdx.core.findings import Finding
from cdx.validations.package_check import validate_table
from cdx.validations.table.spelling_hints import spelling_hint as _spelling_hint
from cdx.validations.table.table_schema import check_table

SCHEMA = {
    "fields": [
        {"name": "households", "type": "integer"},
        {"name": "income", "type": "number"},
        {"name": "score", "type": "number"},
        {"name": "spend", "type": "number", "decimalChar": ","},
    ]
}
ROWS = "households,income,score,spend\n" + "\n".join(
    ['"1,200","12,500.75","3,5","7,25"', "12,300.5,abc,1", "n/a,3.5,4,2"]
)


def _found(engine: str, table: Path, schema: dict[str, Any]) -> list[Finding]:
    if engine == "columnar":
        return validate_table(table, schema, None, resource="t")[0]
    return check_table(table, schema, resource="t")[0]


@pytest.mark.parametrize("engine", ["columnar", "frictionless"])
def test_a_comma_in_a_number_says_which_separator_to_declare(tmp_path: Path, engine: str) -> None:
    table = tmp_path / "scorecard.csv"
    table.write_text(ROWS + "\n", encoding="utf-8")
    found = _found(engine, table, SCHEMA)
    said = {(f.row, f.field): f.message for f in found}
    assert said == {
        (2, "households"): "'1,200' is not a whole number (write it without the comma, 1200)",
        (2, "income"): "'12,500.75' is not a number (if the comma separates thousands, set "
        '"groupChar": "," on this field in the Table Schema; if it is the decimal mark, set '
        '"decimalChar": ",")',
        (2, "score"): "'3,5' is not a number (if the comma is the decimal mark, set "
        '"decimalChar": "," on this field)',
        (3, "score"): "'abc' is not a number",
        (4, "households"): "'n/a' is not a whole number (if it means there is no value, "
        'leave the cell empty, or add "n/a" to "missingValues" in the Table Schema)',
    }


@pytest.mark.parametrize("engine", ["columnar", "frictionless"])
def test_a_long_cell_is_cut_in_the_finding(tmp_path: Path, engine: str) -> None:
    """A 200,000-character cell (a pasted report) is named by its first 100 characters."""
    table = tmp_path / "scorecard.csv"
    table.write_text(f"comment\n{'x' * 200_000}\nok\n", encoding="utf-8")
    schema = {"fields": [{"name": "comment", "type": "string", "constraints": {"maxLength": 60}}]}
    found = _found(engine, table, schema)
    (finding,) = found
    assert finding.value == "x" * 100 + "…"
    assert finding.message == f"'{'x' * 100}…' is longer than 60 characters"


@pytest.mark.parametrize("engine", ["columnar", "frictionless"])
def test_a_date_written_day_first_says_which_format_to_declare(tmp_path: Path, engine: str) -> None:
    table = tmp_path / "visits.csv"
    table.write_text("visited,noted\n05/03/2024,5.3.2024\n2024-13-01,x\n", encoding="utf-8")
    schema = {"fields": [{"name": "visited", "type": "date"}, {"name": "noted", "type": "date"}]}
    found = _found(engine, table, schema)
    said = {(f.row, f.field): f.message for f in found}
    assert said == {
        (2, "visited"): "'05/03/2024' is not a date written YYYY-MM-DD (if the column's dates "
        'are written like this, set "format": "%d/%m/%Y" on this field in the Table Schema, '
        'or "%m/%d/%Y" if the month comes first)',
        (2, "noted"): "'5.3.2024' is not a date written YYYY-MM-DD (if the column's dates are "
        'written like this, set "format": "%d.%m.%Y" on this field in the Table Schema, or '
        '"%m.%d.%Y" if the month comes first)',
        (3, "visited"): "'2024-13-01' is not a date written YYYY-MM-DD",
        (3, "noted"): "'x' is not a date written YYYY-MM-DD",
    }


@pytest.mark.parametrize("engine", ["columnar", "frictionless"])
def test_yes_no_percentages_and_times_say_what_to_change(tmp_path: Path, engine: str) -> None:
    """Survey exports write consent as Yes/No, shares as 25%, dates with a midnight time."""
    table = tmp_path / "survey.csv"
    table.write_text(
        "consent,share,count,visited,agreed\n"
        "Yes,25%,40%,2024-01-05 00:00:00,yes\n"
        "N,12.5 %,3,2024-01-06T09:30,maybe\n",
        encoding="utf-8",
    )
    schema = {
        "fields": [
            {"name": "consent", "type": "boolean"},
            {"name": "share", "type": "number"},
            {"name": "count", "type": "integer"},
            {"name": "visited", "type": "date"},
            {"name": "agreed", "type": "boolean", "trueValues": ["true"]},
        ]
    }
    said = {(f.row, f.field): f.message for f in _found(engine, table, schema)}
    assert said == {
        (2, "consent"): "'Yes' is not true or false (if the column says Yes and No, set "
        '"trueValues": ["Yes"] and "falseValues": ["No"] on this field in the Table Schema)',
        (2, "share"): "'25%' is not a number (write it without the % sign, 25, or as a "
        "fraction, 0.25)",
        (2, "count"): "'40%' is not a whole number (write it without the % sign, 40)",
        (2, "visited"): "'2024-01-05 00:00:00' is not a date written YYYY-MM-DD (it has a "
        'time of day: write the date alone, 2024-01-05, or make the field "type": '
        '"datetime" in the Table Schema)',
        (2, "agreed"): "'yes' is not true or false",
        (3, "consent"): "'N' is not true or false (if the column says Y and N, set "
        '"trueValues": ["Y"] and "falseValues": ["N"] on this field in the Table Schema)',
        (3, "share"): "'12.5 %' is not a number (write it without the % sign, 12.5, or as a "
        "fraction, 0.125)",
        (3, "visited"): "'2024-01-06T09:30' is not a date written YYYY-MM-DD (it has a time "
        'of day: write the date alone, 2024-01-06, or make the field "type": "datetime" in '
        "the Table Schema)",
        (3, "agreed"): "'maybe' is not true or false",
    }


@pytest.mark.parametrize("cell", ["N/A", "n.a.", "-", "..", "…", "None", "null", "#N/A", "?"])
def test_every_way_of_writing_no_value_gets_the_hint(cell: str) -> None:
    hint = _spelling_hint(cell, {"name": "visits", "type": "integer"})
    assert hint.startswith(" (if it means there is no value, leave the cell empty")
    assert _spelling_hint(cell, {"name": "note", "type": "string"}) == ""
