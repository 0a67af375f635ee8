"""The columnar engine finds what frictionless-py and GX on a whole frame find, row for row."""

from __future__ import annotations

import copy
import csv
import json
import random
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from cdx.core.errors import SourceFormat
from cdx.core.findings import (
    FIRST_OF_EACH_RULE,
    CappedFindings,
    Finding,
    Origin,
    ValidationReport,
    rule_of,
)
from cdx.validations import package_check
from cdx.validations.expectations import columnar as columnar_suite
from cdx.validations.expectations import repeats as columnar_repeats
from cdx.validations.package_check import validate_table
from cdx.validations.table import checks as columnar_checks
from cdx.validations.table.checks import table_rules
from cdx.validations.table.field_sql import fields_sql
from cdx.validations.table.header import read_header
from cdx.validations.table.loaded import load_table
from tests import planted_table
from tests.planted_table import SCHEMA, SUITE, write_table

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures" / "validation"
CASES = sorted(path.stem for path in FIXTURES.glob("*.csv"))


def reference(
    csv_path: Path, schema: dict[str, Any], suite: dict[str, Any] | None
) -> tuple[list[Finding], int]:
    """Today's engines: frictionless-py for the schema, GX on read_frame's whole frame."""
    header = package_check.check_header(csv_path, resource="t")
    return package_check._validate_with_frictionless(csv_path, schema, suite, header, "t", 10**6)


def described(findings: list[Finding]) -> list[tuple[Any, ...]]:
    return [(f.row, f.field, f.code, f.value, f.message, f.severity) for f in findings]


@pytest.mark.parametrize("case", CASES)
def test_hand_written_invalid_files_give_frictionless_findings(case: str) -> None:
    csv_path = FIXTURES / f"{case}.csv"
    schema = json.loads((FIXTURES / f"{case}.schema.json").read_text())
    expected, expected_rows = reference(csv_path, schema, None)
    found, rows = validate_table(csv_path, schema, None, resource="t", cap=10**6)
    assert {(f.row, f.field, f.code) for f in found} == {(f.row, f.field, f.code) for f in expected}
    assert described(found) == described(expected)  # same words, values and order too
    assert rows == expected_rows


def test_every_planted_error_kind_gives_the_same_findings_from_both_engines(
    tmp_path: Path,
) -> None:
    suite = copy.deepcopy(SUITE)
    # make the whole-table expectations fail too: a mean bound and a small compound key
    suite["expectations"][8]["kwargs"]["max_value"] = 2.5
    suite["expectations"][7]["kwargs"]["column_list"] = ["region", "score"]
    csv_path = write_table(tmp_path / "survey.csv", 2_000, error_every=9)
    expected, expected_rows = reference(csv_path, SCHEMA, suite)
    found, rows = validate_table(csv_path, SCHEMA, suite, resource="t", cap=10**6)
    codes = {f.code for f in found}
    assert {"type-error", "constraint-maximum", "constraint-minimum", "constraint-enum"} <= codes
    assert {"missing-cell", "extra-cell", "constraint-required"} <= codes
    assert {"constraint-pattern", "constraint-required", "constraint-maxLength"} <= codes
    assert {"blank-row", "extra-cell", "missing-cell", "unique-error", "primary-key"} <= codes
    assert {"expect_column_mean_to_be_between", "expect_compound_columns_to_be_unique"} <= codes
    assert described(found) == described(expected)
    assert rows == expected_rows == 2_000


def test_a_self_referencing_foreign_key_names_the_missing_values(tmp_path: Path) -> None:
    schema = json.loads((FIXTURES / "foreign_keys.schema.json").read_text())
    found, _ = validate_table(FIXTURES / "foreign_keys.csv", schema, None, resource="t")
    orphans = [f for f in found if f.code == "foreign-key"]
    assert [f.row for f in orphans] == [4, 6]
    assert 'values "Z" not found' in orphans[0].message


def test_a_schema_the_columnar_engine_does_not_model_goes_to_frictionless(
    tmp_path: Path,
) -> None:
    csv_path = tmp_path / "t.csv"
    csv_path.write_text('place\n"1.5, 2"\nsomewhere\n')
    schema = {"fields": [{"name": "place", "type": "geopoint"}]}
    found, rows = validate_table(csv_path, schema, None, resource="t")
    assert [(f.row, f.code) for f in found] == [(3, "type-error")] and rows == 2


def test_counts_stay_exact_while_only_the_first_findings_are_built(tmp_path: Path) -> None:
    csv_path = write_table(tmp_path / "survey.csv", 6_000, error_every=1)
    found, _ = validate_table(csv_path, SCHEMA, None, resource="t", cap=50)
    assert isinstance(found, CappedFindings)
    assert len([f for f in found if f.code == "primary-key"]) == 50
    expected, _ = reference(csv_path, SCHEMA, None)
    report, full = ValidationReport("t"), ValidationReport("t")
    report.extend(found, cap=10)
    full.extend(expected)
    assert report.counts == full.counts and report.error_count == full.error_count
    # each column's count of each code too, with its first findings kept past the cap
    assert report.rule_counts == full.rule_counts and len(report.rule_counts) > len(report.counts)
    for code in report.counts:
        rules = [rule for rule in report.rule_counts if rule[2] == code]
        kept = [rule_of(f) for f in report.findings if f.code == code]
        assert 10 <= len(kept) <= 10 + FIRST_OF_EACH_RULE * len(rules)
        assert all(kept.count(r) >= min(3, report.rule_counts[r]) for r in rules)


def test_counts_stay_exact_past_the_cap_where_frictionless_checks_a_file_with_a_bad_label(
    tmp_path: Path,
) -> None:
    """A blank column name, and a type the columnar engine hands to frictionless: the
    type errors past the cap were dropped from the counts (a differential run found it)."""
    csv_path = tmp_path / "years.csv"
    csv_path.write_bytes(b" \nx\ny\nz\nw\n")
    schema = {"fields": [{"name": "a", "type": "year"}]}
    found, _ = validate_table(csv_path, schema, None, resource="t", cap=3)
    expected, _ = reference(csv_path, schema, None)
    report, full = ValidationReport("t"), ValidationReport("t")
    report.extend(found)
    full.extend(expected)
    assert full.rule_counts[("t", "a", "type-error")] == 4
    assert report.rule_counts == full.rule_counts and report.counts == full.counts


def test_a_clean_file_is_checked_without_importing_great_expectations_or_pandas(
    tmp_path: Path,
) -> None:
    csv_path = write_table(tmp_path / "survey.csv", 500, error_every=10**9)
    probe = (
        "import sys\n"
        "from pathlib import Path\n"
        "from tests.planted_table import SCHEMA, SUITE\n"
        "from cdx.validations.package_check import validate_table\n"
        f"found, rows = validate_table(Path({str(csv_path)!r}), SCHEMA, SUITE, resource='t')\n"
        "print(len(found), rows, 'great_expectations' in sys.modules, 'pandas' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=REPO, capture_output=True, text=True, check=True
    )
    assert result.stdout.split() == ["0", "500", "False", "False"]


def test_a_compound_key_with_a_date_finds_repeats_written_two_ways(tmp_path: Path) -> None:
    """Dates are compared as dates: 2024-1-5 repeats 2024-01-05 for GX, and for the engine,
    which keeps only the rows of repeated (household, date) pairs for GX to judge."""
    suite = {
        "name": "visits",
        "expectations": [
            {
                "type": "expect_compound_columns_to_be_unique",
                "kwargs": {"column_list": ["household_id", "survey_date"]},
            }
        ],
    }
    csv_path = write_table(tmp_path / "survey.csv", 300, error_every=10**6)
    lines = csv_path.read_text().splitlines()
    first, second, third = (line.split(",") for line in lines[1:4])
    second[1], second[4] = first[1], "-".join(str(int(p)) for p in first[4].split("-"))
    third[1], third[4] = first[1], "2025-12-31" if first[4] != "2025-12-31" else "2024-01-01"
    lines[2], lines[3] = ",".join(second), ",".join(third)
    csv_path.write_text("\n".join(lines) + "\n")
    expected, _ = reference(csv_path, SCHEMA, suite)
    found, _ = validate_table(csv_path, SCHEMA, suite, resource="t", cap=10**6)
    repeats = [f for f in found if f.code == "expect_compound_columns_to_be_unique"]
    assert [f.message.split(": ")[-1] for f in repeats] == ["rows 2, 3"]
    assert described(found) == described(expected)


def test_records_keep_the_files_order_in_a_file_read_in_parallel(tmp_path: Path) -> None:
    """12 MB is read by both threads in blocks; the table must still hold the file's order
    (record k is the k-th record), also with a schema whose checks have long IN lists
    (DuckDB would otherwise run them as a join, which stores rows out of order), here
    ten missing values, and an enum (checked after loading, as a join), and a suite whose
    rows to see are picked while loading (its value set, too, compared value by value)."""
    csv_path = write_table(tmp_path / "survey.csv", 150_000, error_every=1_000)
    missing = ["", "NA", "N/A", "n/a", "-", "null", "NULL", "none", "None", "?"]
    schema = {**SCHEMA, "missingValues": missing}
    fields = fields_sql(schema, read_header(csv_path))
    assert all("?')" in f.missing for f in fields)
    assert any(rule.name == "enum" for f in fields for rule in f.constraints)
    table = package_check.load_for_checks(csv_path, fields, schema, SUITE)
    assert table.suspect
    try:
        loaded = table.connection.execute("SELECT c1 FROM cells ORDER BY k").fetchall()
    finally:
        table.close()
    with csv_path.open(newline="", encoding="utf-8") as handle:
        in_file = [row[0] for row in csv.reader(handle) if row]  # DuckDB skips empty lines
    assert [cell for (cell,) in loaded] == in_file


def test_the_same_fields_load_twice_with_the_same_findings(tmp_path: Path) -> None:
    """table_rules names the fields' columns in place, once: a script that loads a second
    file (or the same one again) with the fields it already has gets the same checks."""
    from cdx.validations.table.checks import check_cells

    csv_path = write_table(tmp_path / "survey.csv", 2_000, error_every=9)
    fields = fields_sql(SCHEMA, read_header(csv_path))
    runs = []
    for _ in range(2):
        rules = table_rules(fields)
        table = load_table(csv_path, fields=len(fields), rules=rules)
        try:
            runs.append(
                (
                    rules.derived,
                    described(check_cells(table, fields, SCHEMA, resource="t", cap=10**6)),
                )
            )
        finally:
            table.close()
    assert runs[0] == runs[1]
    assert len(runs[0][1]) > 100


def test_the_flags_of_bad_rows_are_dropped_before_the_keys_are_grouped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every row bad: the table of flags (a row each) took the whole memory budget on a
    10M-row file, and grouping the unique ids after it ran out of memory."""
    csv_path = write_table(tmp_path / "survey.csv", 2_000, error_every=10**9)
    schema = copy.deepcopy(SCHEMA)
    schema["fields"][0]["constraints"]["pattern"] = "R[0-9]{6}"  # every id is 7 digits
    left: list[list[str]] = []
    key_checks = columnar_checks.key_checks

    def spy(table: Any, *args: Any) -> Any:
        listed = table.connection.execute("SELECT table_name FROM duckdb_tables()").fetchall()
        left.append(sorted(name for (name,) in listed))
        return key_checks(table, *args)

    monkeypatch.setattr(columnar_checks, "key_checks", spy)
    found, _ = validate_table(csv_path, schema, None, resource="t", cap=10)
    assert sum(1 for f in found if f.code == "constraint-pattern") == 10
    assert len(left) == 1 and "stored" in left[0]
    assert "broken" not in left[0]  # only the cells, and DuckDB's rejected rows, are left


def test_cells_no_check_reads_on_every_row_are_stored_on_bad_rows_alone(tmp_path: Path) -> None:
    """Storing a cell costs more than reading it: region, income or phone, which neither
    the key nor the suite read on every row, are kept only on the rows that break a rule,
    and district or comment, which only row-wise expectations read, only on those and the
    rows such an expectation could fail (`suspect`, picked while loading). The findings
    stay the reference's: the planted-kinds test above."""
    csv_path = write_table(tmp_path / "survey.csv", 2_000, error_every=9)
    fields = fields_sql(SCHEMA, labels := read_header(csv_path))
    whole = package_check._read_whole(fields, SCHEMA, SUITE, labels, picked=True)
    assert whole == {1, 2, 5, 6, 10}  # record_id (the key), the suite's keys and mean
    table = package_check.load_for_checks(csv_path, fields, SCHEMA, SUITE)
    try:
        query = """SELECT count(c3), count(c4), count_if(bad), count_if(bad OR suspect),
            count(c1), count(*) FROM cells WHERE k > 1"""
        region, district, bad, read, record_id, records = table.connection.execute(
            query
        ).fetchall()[0]
    finally:
        table.close()
    assert 0 < region <= district <= read < records / 5
    assert bad < read
    assert record_id == records > 1_900


def test_a_key_in_the_schema_and_the_suite_is_grouped_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """record_id is unique and the primary key in the schema, and unique in the suite:
    a million distinct keys take a grouping of 0.2 s, done once for all three."""
    from cdx.validations.table import loaded as columnar_table

    csv_path = write_table(tmp_path / "survey.csv", 2_000, error_every=9)
    grouped: list[tuple[str, ...]] = []
    close = columnar_table.LoadedTable.close

    def keep_groupings(table: columnar_table.LoadedTable) -> None:
        grouped.extend(table._repeated)
        close(table)

    monkeypatch.setattr(columnar_table.LoadedTable, "close", keep_groupings)
    found, _ = validate_table(csv_path, SCHEMA, SUITE, resource="t", cap=10**6)
    codes = {f.code for f in found}
    assert {"unique-error", "primary-key", "expect_column_values_to_be_unique"} <= codes
    on_record_id = [key for key in grouped if len(key) == 2 and "c1," in key[1]]
    assert len(on_record_id) == 1
    assert len(grouped) == 2  # and the compound key of the suite


def test_string_keys_without_empty_as_a_missing_value_keep_frictionless_findings(
    tmp_path: Path,
) -> None:
    """Where '' is not a missing value, an absent cell is no value to frictionless but ''
    to pandas: the schema's keys then group frictionless' values, apart from the suite's."""
    schema = {**SCHEMA, "missingValues": ["NA"], "primaryKey": ["record_id", "comment"]}
    csv_path = write_table(tmp_path / "survey.csv", 2_000, error_every=9)
    expected, _ = reference(csv_path, schema, SUITE)
    found, _ = validate_table(csv_path, schema, SUITE, resource="t", cap=10**6)
    assert {"primary-key", "unique-error", "missing-cell"} <= {f.code for f in found}
    assert described(found) == described(expected)


def test_a_row_condition_sees_the_columns_it_names(tmp_path: Path) -> None:
    """`region == "Coast"` names a column the kwargs do not: GX must get it (every row of
    it), not fail with "name 'region' is not defined"."""
    suite = {
        "name": "conditions",
        "expectations": [
            {
                "type": "expect_column_values_to_not_be_null",
                "kwargs": {
                    "column": "household_id",
                    "row_condition": 'region=="Coast"',
                    "condition_parser": "pandas",
                },
            },
            {
                "type": "expect_column_values_to_be_between",
                "kwargs": {
                    "column": "respondent_age",
                    "max_value": 100,
                    "row_condition": "phone.notnull()",
                    "condition_parser": "pandas",
                },
            },
        ],
    }
    csv_path = write_table(tmp_path / "survey.csv", 2_000, error_every=9)
    expected, _ = reference(csv_path, SCHEMA, suite)
    found, _ = validate_table(csv_path, SCHEMA, suite, resource="t", cap=10**6)
    codes = {f.code for f in found}
    assert "expectation-error" not in codes
    assert "expect_column_values_to_be_between" in codes
    assert described(found) == described(expected)


def _frames_gx_sees(monkeypatch: pytest.MonkeyPatch, module: Any) -> list[int]:
    """The rows of each frame the module hands to GX (run_expectations), as it runs."""
    seen: list[int] = []
    run = module.run_expectations

    def spy(suite: dict[str, Any], frame: Any, **kwargs: Any) -> Any:
        seen.append(len(frame))
        return run(suite, frame, **kwargs)

    monkeypatch.setattr(module, "run_expectations", spy)
    return seen


def _spec(kind: str, **kwargs: Any) -> dict[str, Any]:
    return {"type": kind, "kwargs": kwargs}


# row-wise, uniqueness (exact and not, with mostly), aggregates, shape, and absent columns
EVERY_PLAN = [
    _spec("expect_column_values_to_not_be_in_set", column="district", value_set=["Kibera"]),
    _spec(
        "expect_column_values_to_match_regex_list",
        column="household_id",
        regex_list=["^HH-1", "^HH-2"],
    ),
    _spec("expect_column_values_to_not_match_regex", column="record_id", regex="7$"),
    _spec("expect_column_value_lengths_to_equal", column="record_id", value=8),
    _spec("expect_column_pair_values_to_be_equal", column_A="region", column_B="district"),
    _spec(
        "expect_column_pair_values_a_to_be_greater_than_b",
        column_A="respondent_age",
        column_B="household_size",
    ),
    _spec("expect_multicolumn_sum_to_equal", column_list=["score", "household_size"], sum_total=8),
    _spec(
        "expect_select_column_values_to_be_unique_within_record", column_list=["region", "district"]
    ),
    _spec("expect_column_values_to_be_unique", column="household_id", mostly=0.5),
    _spec("expect_compound_columns_to_be_unique", column_list=["region", "score"], mostly=0.9),
    _spec("expect_column_max_to_be_between", column="respondent_age", max_value=100),
    _spec("expect_column_median_to_be_between", column="income", min_value=0, max_value=10),
    _spec("expect_table_columns_to_match_ordered_list", column_list=["record_id"]),
    _spec("expect_column_to_exist", column="missing_col"),
    _spec("expect_column_distinct_values_to_be_in_set", column="region", value_set=["Coast"]),
    _spec("expect_column_unique_value_count_to_be_between", column="district", max_value=3),
    _spec(
        "expect_column_values_to_match_strftime_format",
        column="survey_date",
        strftime_format="%Y-%m-%d",
    ),
    _spec("expect_column_values_to_be_in_set", column="consent", value_set=[True]),
    _spec(
        "expect_column_values_to_be_between",
        column="income",
        min_value=100,
        max_value=1e6,
        mostly=0.99,
    ),
    _spec("expect_column_values_to_be_null", column="phone"),
    _spec("expect_table_row_count_to_equal", value=5),
    _spec("expect_column_values_to_be_unique", column="score"),
    _spec("expect_column_values_to_be_unique", column="survey_date"),
    _spec("expect_compound_columns_to_be_unique", column_list=["household_id", "region"]),
    _spec("expect_column_values_to_not_be_null", column="consent"),  # a boolean column
]


def test_a_suite_over_every_plan_gives_the_whole_frame_findings(tmp_path: Path) -> None:
    suite = {"name": "every plan", "expectations": EVERY_PLAN}
    csv_path = write_table(tmp_path / "survey.csv", 1_500, error_every=7)
    expected, _ = reference(csv_path, SCHEMA, suite)
    found, _ = validate_table(csv_path, SCHEMA, suite, resource="t", cap=10**6)
    assert len({f.code for f in found if f.code.startswith("expect_")}) > 10
    assert described(found) == described(expected)


REGIONS = SCHEMA["fields"][2]["constraints"]["enum"]
# what the schema says again (vouched for: judged on bad rows), and near misses (every row)
SAID_AGAIN = [
    _spec("expect_column_values_to_not_be_null", column="household_id"),
    _spec("expect_column_values_to_not_be_null", column="phone"),  # not required
    _spec("expect_column_values_to_match_regex", column="household_id", regex="^HH-[0-9]{5}$"),
    _spec("expect_column_values_to_match_regex", column="record_id", regex="R[0-9]{7}"),
    _spec("expect_column_values_to_match_regex", column="phone", regex="^(?:0[0-9]{9})$"),
    _spec("expect_column_values_to_match_regex", column="phone", regex="^07"),
    _spec("expect_column_values_to_be_in_set", column="region", value_set=[*REGIONS, "Other"]),
    _spec("expect_column_values_to_be_in_set", column="region", value_set=REGIONS[:5]),
    _spec(
        "expect_column_values_to_be_between",
        column="survey_date",
        min_value="2024-01-01",
        max_value="2025-12-31",
    ),
    _spec("expect_column_values_to_be_between", column="respondent_age", min_value=0),
    _spec("expect_column_values_to_be_between", column="score", min_value=1, max_value=4),
    _spec("expect_column_values_to_be_between", column="household_size", min_value=0),
    _spec("expect_column_value_lengths_to_be_between", column="comment", max_value=60),
    _spec("expect_column_value_lengths_to_be_between", column="comment", max_value=40),
]


def test_expectations_the_schema_says_again_give_the_whole_frame_findings(
    tmp_path: Path,
) -> None:
    suite = {"name": "said again", "expectations": SAID_AGAIN}
    csv_path = write_table(tmp_path / "survey.csv", 1_500, error_every=5)
    expected, _ = reference(csv_path, SCHEMA, suite)
    found, _ = validate_table(csv_path, SCHEMA, suite, resource="t", cap=10**6)
    failed = {(f.field, f.rule) for f in found if f.code.startswith("expect_")}
    assert len(failed) >= 9, failed  # five the schema vouches for, four near misses
    assert described(found) == described(expected)


DISTRICTS = ["Kibera", "Mombasa", "Nakuru", "Kisumu", "Kakamega", "Nyeri", "Embu"]


@pytest.mark.parametrize(
    "value_set",
    [[], DISTRICTS, [*DISTRICTS, *(f"Ward {n}" for n in range(120))]],
    ids=["empty", "short", "long"],
)
def test_rows_picked_while_loading_give_the_whole_frame_findings(
    tmp_path: Path, value_set: list[str]
) -> None:
    """The suite's row-wise expectations see the rows picked in the loading scan: a value
    set is compared there value by value, an empty one fails every value, and a long one
    (a join would store the rows out of order) leaves the rows to be picked afterwards."""
    suite = {
        "name": "picked",
        "expectations": [
            _spec("expect_column_values_to_be_in_set", column="district", value_set=value_set),
            _spec("expect_column_value_lengths_to_be_between", column="comment", max_value=20),
            _spec("expect_column_values_to_be_between", column="respondent_age", max_value=90),
        ],
    }
    csv_path = write_table(tmp_path / "survey.csv", 1_500, error_every=7)
    picked = package_check.load_for_checks(
        csv_path, fields_sql(SCHEMA, read_header(csv_path)), SCHEMA, suite
    )
    picked.close()
    assert picked.suspect == (len(value_set) <= 100)
    expected, _ = reference(csv_path, SCHEMA, suite)
    found, _ = validate_table(csv_path, SCHEMA, suite, resource="t", cap=10**6)
    assert {f.code for f in found if f.code.startswith("expect_")} == {
        s["type"] for s in suite["expectations"]
    }
    assert described(found) == described(expected)


def test_a_date_column_written_otherwise_on_every_row_sends_few_rows_to_gx(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every row is bad when a date column is written 16/08/2024 against YYYY-MM-DD: the
    suite's row-wise expectations see only the rows where one could fail, not all the bad
    ones. Such a date is missing to read_frame (pandas needs the format's `-`), and passes
    `between`; it fails not_null."""
    planted = write_table(tmp_path / "planted.csv", 2_000, error_every=9)
    csv_path = tmp_path / "survey.csv"
    with planted.open(newline="") as source, csv_path.open("w", newline="") as out:
        rows = csv.reader(source)
        writer = csv.writer(out)
        header = next(rows)
        writer.writerow(header)
        at = header.index("survey_date")
        for row in rows:
            if len(row) > at and len(row[at]) == 10 and row[at][4] == "-":
                year, month, day = row[at].split("-")
                row[at] = f"{day}/{month}/{year}"
            writer.writerow(row)
    suite = {
        "name": "dates",
        "expectations": [
            _spec(
                "expect_column_values_to_be_between",
                column="survey_date",
                min_value="2024-01-01",
                max_value="2025-12-31",
            ),
            _spec("expect_column_values_to_be_between", column="respondent_age", max_value=90),
            _spec(
                "expect_column_values_to_be_in_set",
                column="district",
                value_set=planted_table.DISTRICTS,
            ),
        ],
    }
    seen = _frames_gx_sees(monkeypatch, columnar_suite)
    expected, _ = reference(csv_path, SCHEMA, suite)
    found, rows = validate_table(csv_path, SCHEMA, suite, resource="t", cap=10**6)
    assert sum(f.code == "type-error" and f.field == "survey_date" for f in found) > 1_900
    assert "expect_column_values_to_be_in_set" in {f.code for f in found}
    assert described(found) == described(expected)
    assert seen and sum(seen) < rows // 4  # not every bad row


def _schema(changes: dict[str, Any], constraints: dict[str, dict[str, Any]]) -> dict[str, Any]:
    schema = copy.deepcopy(SCHEMA) | changes
    for field in schema["fields"]:
        field.setdefault("constraints", {}).update(constraints.get(field["name"], {}))
    return schema


KEYS = {  # unique fields and keys of every kind: grouped text, typed values, read order
    "unique household, key region+score": (
        {"primaryKey": ["region", "score"]},
        {"household_id": {"unique": True}},
    ),
    "key household+date": ({"primaryKey": ["household_id", "survey_date"]}, {}),
    "unique age, key comment": ({"primaryKey": ["comment"]}, {"respondent_age": {"unique": True}}),
    "missing '-', unique phone": ({"missingValues": ["", "NA", "-"]}, {"phone": {"unique": True}}),
    "missing 'NA' only, unique district": (
        {"missingValues": ["NA"]},
        {"district": {"unique": True}},
    ),
    "self-referencing key": (
        {
            "foreignKeys": [
                {"fields": ["household_id"], "reference": {"resource": "", "fields": ["record_id"]}}
            ]
        },
        {},
    ),
}


@pytest.mark.parametrize("case", sorted(KEYS))
def test_keys_of_every_kind_give_frictionless_findings(case: str, tmp_path: Path) -> None:
    schema = _schema(*KEYS[case])
    csv_path = write_table(tmp_path / "survey.csv", 1_500, error_every=7)
    expected, _ = reference(csv_path, schema, None)
    found, _ = validate_table(csv_path, schema, None, resource="t", cap=10**6)
    assert {f.code for f in found} & {"unique-error", "primary-key", "foreign-key"}
    assert described(found) == described(expected)


def test_text_columns_that_mostly_repeat_give_gx_a_bounded_frame_and_exact_counts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Unique expectations on text that repeats on almost every row: GX judges the first
    `cap` repeated rows (and one later partner of each value), the rest are counted, and
    the findings are the reference's: its first ones, and the combination's finding word
    for word (its count and its "and N more" are the whole table's)."""
    suite = {
        "name": "ids",
        "expectations": [
            {"type": "expect_column_values_to_be_unique", "kwargs": {"column": "record_id"}},
            {
                "type": "expect_compound_columns_to_be_unique",
                "kwargs": {"column_list": ["region", "district"]},
            },
            {  # an integer read as plain digits (and 'forty', which pandas reads as missing)
                "type": "expect_compound_columns_to_be_unique",
                "kwargs": {"column_list": ["region", "respondent_age"]},
            },
        ],
    }
    csv_path = write_table(tmp_path / "survey.csv", 3_000, error_every=97)
    lines = csv_path.read_text().splitlines()
    for n in range(1, len(lines), 1):  # 40 ids over 3,000 rows, a few rows left unique
        cells = lines[n].split(",")
        if len(cells) > 1 and n % 500:
            cells[0] = f"R{n % 40:07d}"
            lines[n] = ",".join(cells)
    csv_path.write_text("\n".join(lines) + "\n")
    seen = _frames_gx_sees(monkeypatch, columnar_repeats)
    expected, _ = reference(csv_path, SCHEMA, suite)
    found, _ = validate_table(csv_path, SCHEMA, suite, resource="t", cap=50)
    code = "expect_column_values_to_be_unique"
    wanted = [f for f in expected if f.code == code]
    assert len(wanted) > 2_500
    assert described([f for f in found if f.code == code]) == described(wanted[:50])
    assert isinstance(found, CappedFindings) and found.total(code) == len(wanted)
    report, full = ValidationReport("t"), ValidationReport("t")
    report.extend(found)
    full.extend(expected)
    assert report.rule_counts == full.rule_counts  # every column's count of every code
    compound = "expect_compound_columns_to_be_unique"
    combinations = [f for f in expected if f.code == compound]
    assert len(combinations) == 2 and "and 29" in combinations[0].message  # ~2,9xx rows
    assert described([f for f in found if f.code == compound]) == described(combinations)
    blank_rows = len([line for line in lines if not line])
    assert len(seen) == 1 and seen[0] <= 3 * 2 * 50 + blank_rows  # one GX run for the three


def test_a_long_enum_checked_after_loading_gives_frictionless_findings(tmp_path: Path) -> None:
    """Sub-counties as an enum of 150 values: looked up in a hash after loading."""
    allowed = [f"Sub-county {n}" for n in range(150)]
    rows = ["id,subcounty", *(f"{n},Sub-county {n * 7 % 170}" for n in range(1, 400))]
    rows[5] = "5,"  # missing: no enum error
    csv_path = tmp_path / "places.csv"
    csv_path.write_text("\n".join(rows) + "\n")
    schema = {
        "fields": [
            {"name": "id", "type": "integer"},
            {"name": "subcounty", "type": "string", "constraints": {"enum": allowed}},
        ]
    }
    fields = fields_sql(schema, read_header(csv_path))
    assert [rule.late for rule in fields[1].constraints] == [True]
    expected, _ = reference(csv_path, schema, None)
    found, _ = validate_table(csv_path, schema, None, resource="t", cap=10**6)
    assert len([f for f in expected if f.code == "constraint-enum"]) > 30
    assert described(found) == described(expected)


def test_datetimes_written_every_way_are_read_as_frictionless_reads_them(tmp_path: Path) -> None:
    """A date alone, no seconds, week dates, 24:00, any separator, offsets, impossible days."""
    days = ["2024-02-27", "2024-02-30", "2023-02-29", "0000-01-01", "9999-12-31", "2024-2-27"]
    days += ["2024-W09-2", "2023-W53-1", "2024-W54-1", "2024-W01-8", "9999-W52-6", "2024-w01-1"]
    times = ["", "10:00", "10:00:00", "23:59:59.5", "24:00:00", "24:00:01", "10:60:00"]
    times += ["10:00:00,25", "10:00:00.1234567", "1:00:00"]
    zones = ["", "Z", "z", "+03", "+0300", "+03:00", "+03:0", "+24:00", "-12:30", " UTC"]
    cells = [
        f"{day}{sep}{time}{zone}" if time else day
        for day in days
        for sep in ("T", " ", "t", "_")
        for time in times
        for zone in zones[: 1 if not time else None]
    ]
    csv_path = tmp_path / "visits.csv"
    with csv_path.open("w", newline="") as out:
        csv.writer(out).writerows([["id", "seen_at"], *enumerate(cells, 1)])
    fields = [{"name": "id", "type": "integer"}, {"name": "seen_at", "type": "datetime"}]
    schema = {"fields": fields}
    expected, _ = reference(csv_path, schema, None)
    found, _ = validate_table(csv_path, schema, None, resource="t", cap=10**6)
    assert len(cells) > 2000 and 300 < len(expected) < len(cells)  # both kinds, many ways
    assert described(found) == described(expected)


@pytest.mark.parametrize("form", ["default", "%d/%m/%Y", "%d %b %Y"])
def test_dates_written_every_way_are_read_as_frictionless_reads_them(
    form: str, tmp_path: Path
) -> None:
    """Unicode digits (Bengali, Arabic-Indic), year 0, two-digit years, Unicode spaces."""
    bengali, arabic = str.maketrans("0123456789", "০১২৩৪৫৬৭৮৯"), str.maketrans("0123", "٠١٢٣")
    days = ["2024-02-29", "2023-02-29", "0000-01-05", "0001-01-05", "24-01-05", "2024-1-5"]
    days += ["2024-01-05".translate(bengali), "2024-01-05".translate(arabic), "२०२४-०१-०५"]
    days += ["29/02/2024", "5/1/2024", "05/01/24", "05/01/0000", "০৫/০১/২০২৪", "05/01/2024 "]
    days += ["05 Jan 2024", "5 jan 2024", "05\u00a0Jan\u00a02024", "05 JAN 24", "٠٥ Jan ٢٠٢٤"]
    csv_path = tmp_path / "visits.csv"
    with csv_path.open("w", newline="") as out:
        csv.writer(out).writerows([["id", "day"], *enumerate(days, 1)])
    schema = {"fields": [{"name": "id", "type": "integer"}, {"name": "day", "type": "date"}]}
    schema["fields"][1]["format"] = form
    expected, _ = reference(csv_path, schema, None)
    found, _ = validate_table(csv_path, schema, None, resource="t", cap=10**6)
    assert 2 < len(expected) < len(days) - 1  # some read, most not: each format its own
    assert described(found) == described(expected)


def test_numbers_with_unicode_digits_and_separators_give_frictionless_findings(
    tmp_path: Path,
) -> None:
    """Thousands separators, Bengali and Devanagari digits, digits of two scripts (ASCII
    and Arabic-Indic; Bengali and Devanagari; Arabic-Indic and Persian), Thai digits."""
    cells = [
        "১२",
        "٣۴",
        "๑๒",
        "1,000",
        "১২৩",
        "१२३",
        "١٢٣",
        "１２",
        "1_000",
        " ৭ ",
        "1\u00a0",
        "١2",
        "১০০০০০০",
        "N/A",
    ]
    csv_path = tmp_path / "counts.csv"
    with csv_path.open("w", newline="") as out:
        csv.writer(out).writerows(
            [["id", "count", "share"], *((n, c, c) for n, c in enumerate(cells))]
        )
    schema = {
        "fields": [
            {"name": "id", "type": "integer"},
            {"name": "count", "type": "integer", "constraints": {"maximum": 500}},
            {"name": "share", "type": "number"},
        ]
    }
    expected, _ = reference(csv_path, schema, None)
    found, _ = validate_table(csv_path, schema, None, resource="t", cap=10**6)
    assert described(found) == described(expected)


def test_a_number_in_the_enum_of_a_text_field_matches_no_cell(tmp_path: Path) -> None:
    """frictionless compares a text cell with the enum's values as they are: "1" is not 1."""
    csv_path = tmp_path / "codes.csv"
    csv_path.write_text("id,code,label\n1,1,1\n2,a,a\n3,2,2\n")
    enum = {"enum": ["a", 1, 2.0]}
    schema = {
        "fields": [
            {"name": "id", "type": "integer"},
            {"name": "code", "type": "any", "constraints": enum},
            {"name": "label", "type": "string", "constraints": enum},
        ]
    }
    expected, _ = reference(csv_path, schema, None)
    found, _ = validate_table(csv_path, schema, None, resource="t", cap=10**6)
    assert len(expected) == 4
    assert described(found) == described(expected)


@pytest.mark.parametrize(
    ("kind", "cells"),
    [
        ("number", ["1.5", "1.50", "15e-1", "nan", "NaN", "inf", "Infinity", "-0.0", "0", "২.৫"]),
        ("boolean", ["true", "1", "false", "FALSE", "0", "True"]),
    ],
)
def test_repeated_numbers_and_booleans_are_found_and_printed_as_frictionless_does(
    kind: str, cells: list[str], tmp_path: Path
) -> None:
    """Decimal's equality (1.5 = 1.50, NaN equals nothing) and printing (1.50, True)."""
    csv_path = tmp_path / "values.csv"
    with csv_path.open("w", newline="") as out:
        csv.writer(out).writerows([["id", "value"], *enumerate(cells * 2, 1)])
    fields = [{"name": "id", "type": "integer"}, {"name": "value", "type": kind}]
    schema = {"fields": fields}
    fields[1]["constraints"] = {"unique": True}
    expected, _ = reference(csv_path, schema, None)
    found, _ = validate_table(csv_path, schema, None, resource="t", cap=10**6)
    assert len([f for f in expected if f.code == "unique-error"]) > len(cells) // 2
    assert described(found) == described(expected)


def test_a_title_above_the_table_is_said_once(tmp_path: Path) -> None:
    """Spreadsheets made to be printed start with a title row: one finding says what to
    delete, not one blank column name per column."""
    csv_path = tmp_path / "scorecard.csv"
    csv_path.write_text(
        "Community scorecard results 2024,,\n,,\ndistrict,score,comment\nKisumu,3,ok\n",
        encoding="utf-8",
    )
    found, _ = validate_table(csv_path, {"fields": []}, None, resource="t")
    titles = [f for f in found if f.row == 1]
    assert len(titles) == 1
    assert "looks like a title" in titles[0].message
    assert "'Community scorecard results 2024'" in titles[0].message


def test_an_empty_first_row_is_said_once_and_its_rows_numbered_as_frictionless_does(
    tmp_path: Path,
) -> None:
    """frictionless reads an empty first line as a header of no names, and the column
    names as the first row of data; DuckDB skipped the line (a differential run)."""
    csv_path = tmp_path / "scorecard.csv"
    csv_path.write_text("\ndistrict,score\nKisumu,x\n", encoding="utf-8")
    schema = {"fields": [{"name": "district", "type": "string"}, _integer("score")]}
    expected, expected_rows = reference(csv_path, schema, None)
    found, rows = validate_table(csv_path, schema, None, resource="t", cap=10**6)
    assert described(found) == described(expected) and rows == expected_rows == 2
    assert [f.row for f in found if f.code == "type-error"] == [2, 3]
    assert "the first row is empty" in found[0].message


def test_a_wide_short_table_goes_to_frictionless_and_a_wide_long_one_does_not(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Planning the checks of 600 columns took DuckDB 36 s and 2.2 GB on 1,000 rows;
    frictionless reads them in 1 s. A long table keeps the columnar engine."""
    header = ",".join(f"q{n}" for n in range(70))
    short = tmp_path / "kobo.csv"
    short.write_text(header + "\n" + "\n".join(",".join(["3"] * 70) for _ in range(30)) + "\n")
    schema = {"fields": [{"name": f"q{n}", "type": "integer"} for n in range(70)]}
    with short.open("a") as handle:
        handle.write(",".join(["3"] * 69 + ["three"]) + "\n")
    read = []
    monkeypatch.setattr(
        package_check, "load_for_checks", lambda *a: read.append("columnar") or 1 / 0
    )
    found, rows = validate_table(short, schema, None, resource="t")
    assert read == [] and rows == 31
    assert [(f.code, f.row, f.field) for f in found] == [("type-error", 32, "q69")]
    long = tmp_path / "kobo-long.csv"
    long.write_text(header + "\n" + "\n".join(",".join(["3"] * 70) for _ in range(25_000)))
    assert package_check._wide_and_short(short, 70)
    assert not package_check._wide_and_short(long, 70)
    assert not package_check._wide_and_short(short, 12)


def test_numbers_are_read_as_pythons_decimal_reads_them(tmp_path: Path) -> None:
    """C's Decimal drops every `_` (not only between digits) once the ends are stripped,
    reads NaN with a payload ('nan9') and signalling NaN; frictionless orders a cell's
    bound errors minimum first, whatever the schema's order. Found by a differential run
    of random cells."""
    cells = ["_1_", "1__0.5", "n_an", "nan9", "1e_5", "_ 1", "1 _", " _1\t", "_", "1_."]
    cells += ["snan", "-snan", "sNaN12", "Infinity9", "in_f", "NaN"]
    csv_path = tmp_path / "shares.csv"
    with csv_path.open("w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["id", "share", "bounded"])
        for n, cell in enumerate(cells):
            writer.writerow([n, cell, cell if "s" not in cell.lower() else "1"])
    bounds = {"maximum": 100, "minimum": 0}  # the schema's order is not the findings'
    schema = {
        "fields": [
            {"name": "id", "type": "integer"},
            {"name": "share", "type": "number"},
            {"name": "bounded", "type": "number", "constraints": bounds},
        ]
    }
    expected, _ = reference(csv_path, schema, None)
    found, _ = validate_table(csv_path, schema, None, resource="t", cap=10**6)
    assert {f.code for f in expected} == {"type-error", "constraint-minimum", "constraint-maximum"}
    assert described(found) == described(expected)


def test_a_signalling_nan_beside_a_bound_is_said_by_both_engines(tmp_path: Path) -> None:
    """frictionless cannot compare Decimal('sNaN') with a bound (InvalidOperation): cdx says
    so with a code; the columnar engine reads it as NaN, which breaks both bounds."""
    csv_path = tmp_path / "shares.csv"
    csv_path.write_text("id,share\n1,0.5\n2,sNaN\n", encoding="utf-8")
    bounds = {"minimum": 0, "maximum": 1}
    schema = {
        "fields": [
            {"name": "id", "type": "integer"},
            {"name": "share", "type": "number", "constraints": bounds},
        ]
    }
    with pytest.raises(SourceFormat) as caught:
        reference(csv_path, schema, None)
    assert "signalling NaN" in caught.value.message and caught.value.code == "source-format"
    found, _ = validate_table(csv_path, schema, None, resource="t", cap=10**6)
    assert [(f.row, f.code) for f in found] == [
        (3, "constraint-minimum"),
        (3, "constraint-maximum"),
    ]


# Pieces cells are made of in the differential run: digits of several scripts, signs,
# points, exponents, underscores, NaN and Infinity words, ASCII and Unicode spaces
PIECES = ["1", "2", "0", "9", "-", "+", ".", "e", "E", "_", " ", "\u00a0", "\u2003", "\t"]
PIECES += ["১", "२", "٣", "۴", "๕", "７", "𝟖", ",", "a", "nan", "inf", "NaN", "x", "/", ":"]
PIECES += ["T", "2024-01-05", "١٢", "05", "2024", "\u3000", "\u200b"]


def _random_table(
    folder: Path,
    schema: dict[str, Any],
    pools: list[list[str]],
    generator: random.Random,
    *,
    rows: int,
    most: int,
) -> Path:
    """A CSV whose cells are each one to `most` pieces drawn from its column's pool."""
    csv_path = folder / "random.csv"
    with csv_path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow([field["name"] for field in schema["fields"]])
        for _ in range(rows):
            writer.writerow(
                "".join(generator.choice(pool) for _ in range(generator.randint(1, most)))
                for pool in pools
            )
    return csv_path


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_cells_give_frictionless_findings(tmp_path: Path, seed: int) -> None:
    """Cells of one to four random pieces, in integer, number, date and patterned fields."""
    generator = random.Random(seed)
    schema = {
        "fields": [
            {"name": "i", "type": "integer", "constraints": {"minimum": 0, "maximum": 5000}},
            {"name": "n", "type": "number", "constraints": {"maximum": 100}},
            {"name": "d", "type": "date"},
            {"name": "dm", "type": "date", "format": "%d/%m/%Y"},
            {"name": "s", "type": "string", "constraints": {"pattern": "[0-9]+"}},
        ]
    }
    csv_path = _random_table(tmp_path, schema, [PIECES] * 5, generator, rows=400, most=4)
    expected, _ = reference(csv_path, schema, None)
    found, _ = validate_table(csv_path, schema, None, resource="t", cap=10**6)
    assert len(expected) > 1000  # most random cells break something
    assert described(found) == described(expected)


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("long_form", [True, False])
def test_random_cells_in_a_wide_table_give_frictionless_findings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, seed: int, long_form: bool
) -> None:
    """A table of more than MANY_COLUMNS columns is loaded reading plain digits alone
    (table/field_sql.py, `loading_columns`): a row with any other spelling is loaded as bad and
    checked with the whole rule, so a valid Bengali digit or `1_0` still gives nothing.
    Its numbers and dates are checked in long form (table/readings.py), or field by
    field when many rows are bad."""
    generator = random.Random(seed)
    kinds: list[tuple[dict[str, Any], Callable[[int], str]]] = [
        ({"type": "integer", "constraints": {"minimum": 1, "maximum": 7}}, str),
        ({"type": "number", "constraints": {"maximum": 8}}, str),
        ({"type": "date", "constraints": {"minimum": "2024-01-02"}}, lambda d: f"2024-01-0{d}"),
        ({"type": "date", "format": "%d/%m/%Y"}, lambda d: f"0{d}/01/2024"),
        ({"type": "datetime"}, lambda d: f"2024-01-0{d}T10:00:00"),
        ({"type": "boolean"}, lambda d: "true" if d % 2 else "false"),
        (
            {"type": "string", "constraints": {"enum": ["a", "b"], "required": True}},
            lambda d: "ab"[d % 2],
        ),
    ]
    columns = [kinds[n % len(kinds)] for n in range(70)]
    fields = [{"name": f"q{n}", **kind} for n, (kind, _) in enumerate(columns)]
    schema = {"fields": fields, "missingValues": ["", "NA"]}
    csv_path = tmp_path / "wide.csv"
    with csv_path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow([field["name"] for field in schema["fields"]])
        for _ in range(1_000):  # plain values, and in one row of three, one random cell
            row = [plain(generator.randint(1, 9)) for _, plain in columns]
            if generator.random() < 0.3:
                pieces = generator.choices([*PIECES, "NA", ""], k=generator.randint(1, 3))
                row[generator.randrange(len(row))] = "".join(pieces)
            if generator.random() < 0.02:  # a short row (absent cells) or a long one
                row = row[: generator.randrange(1, len(row))] if row[0] < "5" else [*row, "1"]
            writer.writerow(row)
    fields_read = fields_sql(schema, read_header(csv_path))
    assert table_rules(fields_read).loading is not None  # the quick loading scan is used
    monkeypatch.setattr(package_check, "SHORT", 0)  # a short table would go to frictionless
    monkeypatch.setattr(columnar_checks, "LONG_FORM_CELLS", 10**9 if long_form else 0)
    expected, _ = reference(csv_path, schema, None)
    found, _ = validate_table(csv_path, schema, None, resource="t", cap=10**6)
    codes = {f.code for f in expected}
    assert {"type-error", "constraint-maximum", "constraint-minimum", "constraint-enum"} <= codes
    assert {"missing-cell", "extra-cell", "constraint-required"} <= codes
    assert described(found) == described(expected)


@pytest.mark.parametrize("seed", [1, 2])
def test_random_cells_of_other_types_give_frictionless_findings(tmp_path: Path, seed: int) -> None:
    """Datetimes, booleans (default and declared words), a string with lengths and an enum,
    exclusive bounds (version 2 constraints, as a cdx package reads them), a required
    integer enum."""
    generator = random.Random(seed)
    moments = ["2024-01-05", "2024-W01-1", "T", " ", "12:30:00", "24:00:00", "23:59:60", "Z"]
    moments += ["z", "+05:45", "+0545", "-03", ".5", ",25", "1", "0", ":", "-", "০", "x"]
    truth = ["true", "false", "True", "FALSE", "1", "0", "yes", " ", "t", "T", "rue"]
    words = ["a", "b", "ä", "ঢা", "1", " ", "-", "_", ".", "\u00a0", "A", "é"]
    numbers = ["1", "2", "9", "-", ".", "e", "_", " ", "nan", "inf", "১", "0", ""]
    schema = {
        "fields": [
            {"name": "dt", "type": "datetime"},
            {"name": "b", "type": "boolean"},
            {"name": "b2", "type": "boolean", "trueValues": ["yes", "Y"], "falseValues": ["no"]},
            {
                "name": "s",
                "type": "string",
                "constraints": {"minLength": 2, "maxLength": 4, "enum": ["ab", "aä", "ঢা1"]},
            },
            {"name": "n", "type": "number", "constraints": {"minimum": -1, "exclusiveMaximum": 10}},
            {"name": "i", "type": "integer", "constraints": {"enum": [1, 2, 3], "required": True}},
        ]
    }
    pools = [moments, truth, [*truth, "no", "Y", "y"], words, numbers, numbers]
    csv_path = _random_table(tmp_path, schema, pools, generator, rows=300, most=3)
    expected, _ = reference(csv_path, schema, None)
    found, _ = validate_table(csv_path, schema, None, resource="t", cap=10**6)
    assert "constraint-exclusiveMaximum" in {f.code for f in expected}
    assert described(found) == described(expected)


def test_random_cells_give_the_suites_findings_too(tmp_path: Path) -> None:
    """Random cells (missing words, Unicode digits, short rows) under a schema and an
    eleven-expectation suite: the same findings as frictionless and GX on the whole frame."""
    generator = random.Random(1)
    schema = {
        "fields": [
            {"name": "id", "type": "integer"},
            {
                "name": "hh",
                "type": "string",
                "constraints": {"required": True, "pattern": "HH-[0-9]+"},
            },
            {"name": "age", "type": "integer", "constraints": {"minimum": 0}},
            {"name": "day", "type": "date"},
            {
                "name": "district",
                "type": "string",
                "constraints": {"enum": ["Kisumu", "Embu", "Nakuru"]},
            },
            {"name": "note", "type": "string"},
            {"name": "score", "type": "number"},
        ],
        "missingValues": ["", "NA"],
    }

    def expect(kind: str, **kwargs: Any) -> dict[str, Any]:
        return {"type": f"expect_{kind}", "kwargs": kwargs}

    suite = {
        "name": "s",
        "expectations": [
            expect("column_values_to_not_be_null", column="hh"),
            expect("column_values_to_not_be_null", column="note"),
            expect("column_values_to_be_unique", column="id"),
            expect("column_values_to_match_regex", column="hh", regex="^HH-[0-9]{3}$"),
            expect("column_values_to_be_in_set", column="district", value_set=["Kisumu", "Embu"]),
            expect("column_values_to_be_between", column="age", min_value=0, max_value=110),
            expect("column_values_to_be_between", column="day", min_value="2024-01-01"),
            expect("compound_columns_to_be_unique", column_list=["hh", "day"]),
            expect("column_mean_to_be_between", column="score", min_value=1, max_value=4),
            expect("column_value_lengths_to_be_between", column="note", max_value=5),
            expect("column_values_to_not_match_regex", column="note", regex="x"),
        ],
    }
    pools = [
        ["1", "2", "3", "", "NA", "x", "১"],
        ["HH-001", "HH-002", "HH-1", "", "NA", "hh-001", "HH-০০১"],
        ["5", "-1", "200", "", "NA", "x", "৫"],
        ["2024-01-05", "2023-12-31", "", "NA", "x", "2024-02-30"],
        ["Kisumu", "Embu", "Nakuru", "", "NA", "kisumu"],
        ["ok", "fine ok", "x", "", "NA", "ঢাকা"],
        ["1", "2.5", "5", "", "NA", "nan", "x"],
    ]
    csv_path = tmp_path / "random.csv"
    with csv_path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow([field["name"] for field in schema["fields"]])
        for _ in range(80):
            row = [generator.choice(pool) for pool in pools]
            writer.writerow(row[: generator.randint(1, 6)] if generator.random() < 0.04 else row)
    expected, _ = reference(csv_path, schema, suite)
    found, _ = validate_table(csv_path, schema, suite, resource="t", cap=10**6)
    assert {Origin.TABLE_SCHEMA, Origin.EXPECTATION} <= {f.origin for f in expected}
    assert described(found) == described(expected)


@pytest.mark.parametrize("case", ["clean", "empty line", "long enum"])
def test_findings_that_no_row_loaded_as_bad_holds(tmp_path: Path, case: str) -> None:
    """With no row loaded as bad the flags are not computed (all counts 0); an empty line
    and a long enum (checked after loading) still find theirs."""
    codes = [f"D{n:03}" for n in range(120)]  # over LONG_ENUM: checked after loading
    lines = ["id,district", "1,D001", "2,D002", "3,D003"]
    if case == "empty line":
        lines.insert(2, "")
    if case == "long enum":
        lines.append("4,Nowhere")
    csv_path = tmp_path / "districts.csv"
    csv_path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    district: dict[str, Any] = {"name": "district", "type": "string"}
    if case == "long enum":
        district["constraints"] = {"enum": codes}
    schema = {"fields": [{"name": "id", "type": "integer"}, district]}
    expected, _ = reference(csv_path, schema, None)
    found, _ = validate_table(csv_path, schema, None, resource="t", cap=10**6)
    assert len(expected) == (0 if case == "clean" else 1)
    assert described(found) == described(expected)


def test_date_bounds_and_enums_are_read_in_the_fields_format(tmp_path: Path) -> None:
    """frictionless reads a constraint as it reads the field's cells: "01 Jan 2020" with
    the format "%d %b %Y". The columnar engine read every date constraint as YYYY-MM-DD, so
    such a minimum was NULL and never broken."""
    csv_path = tmp_path / "visits.csv"
    csv_path.write_text(
        "id,visited,reported\n1,05 Jan 2019,05.01.2024\n2,05 Jan 2024,06.01.2024\n",
        encoding="utf-8",
    )
    schema = {
        "fields": [
            {"name": "id", "type": "integer"},
            {
                "name": "visited",
                "type": "date",
                "format": "%d %b %Y",
                "constraints": {"minimum": "01 Jan 2020"},
            },
            {
                "name": "reported",
                "type": "date",
                "format": "%d.%m.%Y",
                "constraints": {"enum": ["05.01.2024", "2024-01-06"]},
            },
        ]
    }
    expected, _ = reference(csv_path, schema, None)
    found, _ = validate_table(csv_path, schema, None, resource="t", cap=10**6)
    assert [(f.row, f.code) for f in expected] == [
        (2, "constraint-minimum"),
        (3, "constraint-enum"),
    ]
    assert described(found) == described(expected)


def _integer(name: str, **constraints: Any) -> dict[str, Any]:
    return {"name": name, "type": "integer", "constraints": constraints}


# Found by a differential run of both engines over random tables (2026-12-07): the
# columnar engine read these otherwise than frictionless, or stopped with DuckDB's error.
# Each: the CSV, the schema, and whether the columnar engine checks it (or hands it over).
DIFFERENTIAL_CASES: dict[str, tuple[str, dict[str, Any], bool]] = {
    # `IN ()` of no values is NULL in SQL: with "missingValues": [] no check ever broke
    "no missing values": (
        "id,n\n1,\n2,x\n3,9\n",
        {"fields": [_integer("id"), _integer("n", maximum=5)], "missingValues": []},
        True,
    ),
    "missing values as objects": (
        "n,m\nNA,1\n2,NA\n",
        {
            "fields": [_integer("n"), _integer("m")],
            "missingValues": [
                {"value": "", "label": "blank"},
                {"value": "NA", "label": "not asked"},
            ],
        },
        True,
    ),
    "an enum of values the type cannot read": (
        "n,b\n1,true\n",
        {
            "fields": [
                _integer("n", enum=["-"]),
                {"name": "b", "type": "boolean", "constraints": {"enum": ["yes", 1]}},
            ]
        },
        True,
    ),
    "an enum read as frictionless reads JSON": (
        "n,x\n2,1\n5,NaN\n",
        {
            "fields": [
                _integer("n", enum=[2.0, 5]),
                {"name": "x", "type": "number", "constraints": {"enum": [True, "NaN", "inf"]}},
            ]
        },
        True,
    ),
    "an infinite bound": (
        "x\n1\ninf\n",
        {"fields": [{"name": "x", "type": "number", "constraints": {"maximum": "Infinity"}}]},
        True,
    ),
    "Python's classes read every script": (
        "id,name,code\n১২৩,ä b,X1\n12,a\u00a0b,X১\n",
        {
            "fields": [
                {"name": "id", "type": "string", "constraints": {"pattern": "\\d+"}},
                {"name": "name", "type": "string", "constraints": {"pattern": "\\w+\\s\\w+"}},
                {"name": "code", "type": "string", "constraints": {"pattern": "X\\D"}},
            ]
        },
        True,
    ),
    "a datetime in a format, held to its shape": (
        "t\n05/01/2024 10:00\n05/01/24 10:00\n05/01/2024 10:00 \n",
        {"fields": [{"name": "t", "type": "datetime", "format": "%d/%m/%Y %H:%M"}]},
        True,
    ),
    "labels with spaces around them": (
        "id , name,n\n1,a,2\n",
        {"fields": [_integer("id"), {"name": "name", "type": "string"}, _integer("m")]},
        True,
    ),
    "a column beyond the schema": (
        "a,extra\n,NA\n1,\n",
        {"fields": [_integer("a")], "missingValues": ["", "NA"]},
        True,
    ),
    "repeated datetimes": (
        "d,f\n2024-01-05T10:00:00,2024-01-05 10:00:00.5\n2024-01-05T10:00:00,2024-01-05 "
        "10:00:00.5\n2024-01-05T10:00:00Z,x\n2024-01-05T15:45:00+05:45,x\n",
        {
            "fields": [
                {"name": "d", "type": "datetime", "constraints": {"unique": True}},
                {
                    "name": "f",
                    "type": "datetime",
                    "format": "%Y-%m-%d %H:%M:%S.%f",
                    "constraints": {"unique": True},
                },
            ]
        },
        True,
    ),
    "values a foreign key does not find": (
        "id,n,b,t,parent,pn,pb,pt\n1,1,true,2024-01-05T10:00:00,1,1,true,2024-01-05T10:00:00\n"
        "2,2,false,x,9,1.50,false,2024-01-05T10:00:00Z\n",
        {
            "fields": [
                _integer("id"),
                {"name": "n", "type": "number"},
                {"name": "b", "type": "boolean"},
                {"name": "t", "type": "datetime"},
                _integer("parent"),
                {"name": "pn", "type": "number"},
                {"name": "pb", "type": "boolean"},
                {"name": "pt", "type": "datetime"},
            ],
            "foreignKeys": [
                {"fields": ["parent"], "reference": {"resource": "", "fields": ["id"]}},
                {"fields": ["pn", "pb"], "reference": {"resource": "", "fields": ["n", "b"]}},
                {"fields": ["pt"], "reference": {"resource": "", "fields": ["t"]}},
            ],
        },
        True,
    ),
    "a byte-order mark and cells ending in a newline": (
        '\ufeffid,code\n1,"abc\n"\n2,"ab1\n"\n',
        {
            "fields": [
                _integer("id"),
                {"name": "code", "type": "string", "constraints": {"pattern": "[a-z]+"}},
            ]
        },
        True,
    ),
    "lines ending two ways": ("a\r\n1\n2\r\nx\n", {"fields": [_integer("a")]}, False),
    "a pattern RE2 refuses or reads otherwise": (
        "s,t\naaa,a\n",
        {
            "fields": [
                {"name": "s", "type": "string", "constraints": {"pattern": "a*+"}},
                {"name": "t", "type": "string", "constraints": {"pattern": "[[:alpha:]]"}},
            ]
        },
        False,
    ),
    "a date with a time zone": (
        "d\n2024-01-05 23:00 -0500\n",
        {
            "fields": [
                {
                    "name": "d",
                    "type": "date",
                    "format": "%Y-%m-%d %H:%M %z",
                    "constraints": {"maximum": "2024-01-05 00:00 +0000"},
                }
            ]
        },
        False,
    ),
    "a foreign key between types": (
        "a,b\n2024-12-31,x\n",
        {
            "fields": [{"name": "a", "type": "date"}, {"name": "b", "type": "string"}],
            "foreignKeys": [{"fields": ["a"], "reference": {"resource": "", "fields": ["b"]}}],
        },
        False,
    ),
    "a foreign key from numbers to text": (  # '1' is not 1 to Python: DuckDB found it
        "a,b\n1,1\n",
        {
            "fields": [{"name": "a", "type": "string"}, _integer("b")],
            "foreignKeys": [{"fields": ["b"], "reference": {"resource": "", "fields": ["a"]}}],
        },
        False,
    ),
    "a foreign key to a field the file has no column for": (  # it was not checked
        "a\n1\n",
        {
            "fields": [_integer("a"), _integer("b")],
            "foreignKeys": [{"fields": ["a"], "reference": {"resource": "", "fields": ["b"]}}],
        },
        False,
    ),
    "NaN in a foreign key": (  # Decimal's NaN equals nothing; DuckDB's equals NaN
        "a,b\nnan,1\n1,nan\n",
        {
            "fields": [{"name": "a", "type": "number"}, {"name": "b", "type": "number"}],
            "foreignKeys": [
                {"fields": ["a"], "reference": {"resource": "", "fields": ["a"]}},
                {"fields": ["a", "b"], "reference": {"resource": "", "fields": ["b", "a"]}},
            ],
        },
        True,
    ),
    "NaN in a compound primary key": (  # no key with NaN repeats, nor one missing there
        "a,b\n1,nan\n1,nan\n1,\n1,\n2,x\n2,nan\n",
        {
            "fields": [_integer("a"), {"name": "b", "type": "number"}],
            "primaryKey": ["a", "b"],
        },
        True,
    ),
    # frictionless guessed the dialect from the first rows: now declared (csv_dialect)
    "rows longer than the header": (  # a later row was taken for the header
        "a\n1,x,y,z\n2,x,y,z\n",
        {"fields": [_integer("a")]},
        True,
    ),
    "a space after a quoted cell": (  # csv.Sniffer turned on skipinitialspace
        'a,b\n"1", x\n',
        {
            "fields": [
                _integer("a"),
                {"name": "b", "type": "string", "constraints": {"enum": ["x"]}},
            ]
        },
        True,
    ),
    "a foreign key's cells are read before the rest of the row": (
        "a,b,c\n1,x,x\n",
        {
            "fields": [_integer("a"), _integer("b"), _integer("c")],
            "foreignKeys": [{"fields": ["c"], "reference": {"resource": "", "fields": ["a"]}}],
        },
        True,
    ),
    "a foreign key between integers and booleans": (  # True == 1 to Python
        "a,b\n1,true\n0,true\n",
        {
            "fields": [_integer("a"), {"name": "b", "type": "boolean"}],
            "foreignKeys": [{"fields": ["a"], "reference": {"resource": "", "fields": ["b"]}}],
        },
        True,
    ),
}


@pytest.mark.parametrize("case", sorted(DIFFERENTIAL_CASES))
@pytest.mark.filterwarnings("ignore:Possible nested set:FutureWarning")  # [[:alpha:]] to re
def test_cases_a_differential_run_found_give_frictionless_findings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, case: str
) -> None:
    text, schema, columnar = DIFFERENTIAL_CASES[case]
    csv_path = tmp_path / "case.csv"
    csv_path.write_bytes(text.encode("utf-8"))
    expected, _ = reference(csv_path, schema, None)
    handed: list[str] = []
    frictionless = package_check._validate_with_frictionless

    def hand_over(*args: Any) -> Any:
        handed.append(case)
        return frictionless(*args)

    monkeypatch.setattr(package_check, "_validate_with_frictionless", hand_over)
    found, _ = validate_table(csv_path, schema, None, resource="t", cap=10**6)
    assert described(found) == described(expected)
    assert handed == ([] if columnar else [case])  # checked by the engine it was meant for


def _suite(*expectations: dict[str, Any]) -> dict[str, Any]:
    return {"name": "s", "expectations": list(expectations)}


def _compound(*columns: str) -> dict[str, Any]:
    return {"type": "expect_compound_columns_to_be_unique", "kwargs": {"column_list": [*columns]}}


# The same for suites (2026-12-07): the columnar path let GX see too few rows
SUITE_CASES: dict[str, tuple[str, dict[str, Any], dict[str, Any]]] = {
    "a date in another format, between": (
        "d\n2024-01-05\n05/01/2024\n",
        {"fields": [{"name": "d", "type": "date", "format": "%Y-%d-%m"}]},
        _suite(_spec("expect_column_values_to_be_between", column="d", max_value="2024-03-01")),
    ),
    "a date in another format, not null": (
        "d\n2024-01-05\n05/01/2024\n",
        {"fields": [{"name": "d", "type": "date", "format": "%d/%m/%Y"}]},
        _suite(_spec("expect_column_values_to_not_be_null", column="d")),
    ),
    "compound keys pandas reads as missing": (
        "s,d,n,i,j\nx,2024-01-05 ,1_000,0x10, 1\nx,,,,\n",
        {
            "fields": [
                {"name": "s", "type": "string"},
                {"name": "d", "type": "date"},
                {"name": "n", "type": "number"},
                _integer("i"),
                _integer("j"),
            ]
        },
        _suite(_compound("s", "d"), _compound("s", "n"), _compound("s", "i"), _compound("s", "j")),
    ),
    "a compound key with values written two ways": (
        "s,n\nx,1e3\nx,1000\ny,5\ny,5\n",  # 1e3 has no plain key: GX sees every row
        {"fields": [{"name": "s", "type": "string"}, {"name": "n", "type": "number"}]},
        _suite(_compound("s", "n")),
    ),
    "a schema pattern with alternatives vouches for no whole match": (
        "a\nax\nb\n",
        {"fields": [{"name": "a", "type": "string", "constraints": {"pattern": "a|b"}}]},
        _suite(_spec("expect_column_values_to_match_regex", column="a", regex="^(?:a|b)$")),
    ),
    "a byte-order mark": (
        "\ufeffa,b\n1,x\n5,y\n",
        {"fields": [_integer("a"), {"name": "b", "type": "string"}]},
        _suite(_spec("expect_column_values_to_be_between", column="a", max_value=3)),
    ),
    "a day the month does not have, not null": (  # a date pandas reads as missing
        "d,r\n2024-02-30,2023-02-29\n2024-02-28,2024-02-29\n",
        {
            "fields": [
                {"name": "d", "type": "date"},
                {"name": "r", "type": "date", "constraints": {"required": True}},
            ]
        },
        _suite(
            _spec("expect_column_values_to_not_be_null", column="d"),
            _spec("expect_column_values_to_not_be_null", column="r"),
        ),
    ),
}


@pytest.mark.parametrize("case", sorted(SUITE_CASES))
def test_suite_cases_a_differential_run_found_give_the_whole_frame_findings(
    tmp_path: Path, case: str
) -> None:
    text, schema, suite = SUITE_CASES[case]
    csv_path = tmp_path / "case.csv"
    csv_path.write_bytes(text.encode("utf-8"))
    expected, _ = reference(csv_path, schema, suite)
    found, _ = validate_table(csv_path, schema, suite, resource="t", cap=10**6)
    assert Origin.EXPECTATION in {f.origin for f in expected}
    assert "expectation-error" not in {f.code for f in expected}  # GX ran every check
    assert described(found) == described(expected)
