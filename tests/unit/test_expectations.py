"""Great Expectations suites run for real (GX 1.x, pandas) and read as findings."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from cdx.core.errors import SuiteInvalid
from cdx.core.findings import Finding, Origin, Severity
from cdx.validations.expectations.suites import TEXT, load_suite, read_frame, run_suite

EXAMPLE_SUITE = Path(__file__).parents[2] / "validations" / "suites" / "example-scorecard.json"
SCORECARD_SCHEMA = {
    "fields": [
        {"name": "response_id", "type": "string"},
        {"name": "facility_id", "type": "string"},
        {"name": "district", "type": "string"},
        {"name": "visit_date", "type": "date"},
        {"name": "respondent_age", "type": "integer"},
        {"name": "score", "type": "integer"},
        {"name": "comment", "type": "string"},
    ]
}
SCORECARD_CSV = """\
response_id,facility_id,district,visit_date,respondent_age,score,comment
R1,HF-001,Nairobi,2024-03-01,34,70,Clean and quick
R2,HF-002,Nairobi ,2024-03-02,150,80,
R2,HF-01,Kisumu,2024-03-03,28,60,Long wait but the nurses were very kind to us
,HF-001,Mombasa,2024-03-01,41,90,
R5,HF-003,Kisumu,2026-01-15,abc,50,
"""


def check(expectation: dict[str, Any], frame: pd.DataFrame) -> list[Finding]:
    """Run a one-expectation suite on the frame."""
    return run_suite({"name": "t", "expectations": [expectation]}, frame, resource="t.csv")


def people() -> pd.DataFrame:
    """A frame typed as read_frame types one (Python-backed text, whatever pandas' default)."""
    return pd.DataFrame(
        {
            "id": pd.array(["p1", "p2", "p2", "p4"], dtype=TEXT),
            "city": pd.array(["Nairobi", "Nairobi ", None, "Kisumu"], dtype=TEXT),
            "age": pd.array([34, 150, None, -1], dtype="Int64"),
            "visited": pd.to_datetime(["2024-05-01", "2026-02-01", None, "2024-06-30"]),
        }
    )


def where(findings: list[Finding]) -> list[tuple[int | None, str | None]]:
    return [(f.row, f.value) for f in findings]


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


# --- read_frame ------------------------------------------------------------------------


def test_read_frame_types_columns_from_the_table_schema(tmp_path: Path) -> None:
    csv_path = write(
        tmp_path / "t.csv", "n,x,ok,day,at,name\n1,2.5,true,2024-01-31,2024-01-31T10:00:00Z,a\n"
    )
    schema = {
        "fields": [
            {"name": "n", "type": "integer"},
            {"name": "x", "type": "number"},
            {"name": "ok", "type": "boolean"},
            {"name": "day", "type": "date"},
            {"name": "at", "type": "datetime"},
        ]
    }
    frame = read_frame(csv_path, schema)
    assert [str(frame[c].dtype) for c in ("n", "x", "ok", "name")] == [
        "Int64",
        "float64",
        "boolean",
        "string",
    ]
    assert frame["name"].dtype.storage == "python"
    assert frame["day"].dtype.kind == frame["at"].dtype.kind == "M"
    assert frame.loc[0, "day"] == pd.Timestamp("2024-01-31")
    assert frame.loc[0, "at"] == pd.Timestamp("2024-01-31 10:00:00")


def test_read_frame_turns_values_that_do_not_parse_into_missing(tmp_path: Path) -> None:
    csv_path = write(
        tmp_path / "t.csv", "n,x,ok,day\n1.5,abc,maybe,31/01/2024\n,,,\n7,1e3,0,2024-02-30\n"
    )
    schema = {
        "fields": [
            {"name": "n", "type": "integer"},
            {"name": "x", "type": "number"},
            {"name": "ok", "type": "boolean"},
            {"name": "day", "type": "date"},
        ]
    }
    frame = read_frame(csv_path, schema)
    assert frame.isna().sum().to_dict() == {"n": 2, "x": 2, "ok": 2, "day": 3}
    assert (frame.loc[2, "n"], frame.loc[2, "x"], frame.loc[2, "ok"]) == (7, 1000.0, False)


def test_read_frame_keeps_row_numbers_through_blank_short_and_long_rows(tmp_path: Path) -> None:
    csv_path = write(tmp_path / "t.csv", "\ufeffa,b\n1,x\n\n3\n4,y,extra\n5,z\n")
    frame = read_frame(csv_path, {"fields": [{"name": "a", "type": "integer"}]})
    assert list(frame.columns) == ["a", "b"]
    assert frame["a"].tolist()[0] == 1 and frame["a"].tolist()[2:] == [3, 4, 5]
    assert frame["b"].isna().tolist() == [False, True, True, False, False]


def test_read_frame_honours_missing_values_and_boolean_words(tmp_path: Path) -> None:
    csv_path = write(tmp_path / "t.csv", "ok,name\nyes,NA\nno,Ann\n")
    schema = {
        "missingValues": ["", "NA"],
        "fields": [{"name": "ok", "type": "boolean", "trueValues": ["yes"], "falseValues": ["no"]}],
    }
    frame = read_frame(csv_path, schema)
    assert frame["ok"].tolist() == [True, False]
    assert frame["name"].isna().tolist() == [True, False]


# --- each expectation --------------------------------------------------------------------


def test_not_null_reports_each_empty_cell_at_its_spreadsheet_row() -> None:
    findings = check(
        {"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "city"}}, people()
    )
    assert where(findings) == [(4, None)]
    only = findings[0]
    assert only.message == "is missing but this column must be filled in"
    assert (only.code, only.origin, only.field) == (
        "expect_column_values_to_not_be_null",
        Origin.EXPECTATION,
        "city",
    )
    assert (only.resource, only.severity) == ("t.csv", Severity.ERROR)


def test_between_names_the_value_and_the_bounds() -> None:
    spec = {
        "type": "expect_column_values_to_be_between",
        "kwargs": {"column": "age", "min_value": 0, "max_value": 120},
    }
    findings = check(spec, people())
    assert where(findings) == [(3, "150"), (5, "-1")]
    assert findings[0].message == "150 is not between 0 and 120"
    assert findings[0].rule == "between 0 and 120"


def test_between_with_one_strict_bound_says_more_than() -> None:
    spec = {
        "type": "expect_column_values_to_be_between",
        "kwargs": {"column": "age", "min_value": 0, "strict_min": True},
    }
    assert [f.message for f in check(spec, people())] == ["-1 is not more than 0"]


def test_between_on_a_date_column_takes_iso_dates_from_the_suite() -> None:
    spec = {
        "type": "expect_column_values_to_be_between",
        "kwargs": {"column": "visited", "min_value": "2024-01-01", "max_value": "2025-12-31"},
    }
    findings = check(spec, people())
    assert where(findings) == [(3, "2026-02-01")]
    assert findings[0].message == "2026-02-01 is not between 2024-01-01 and 2025-12-31"


def test_in_set_quotes_text_so_a_trailing_space_shows() -> None:
    spec = {
        "type": "expect_column_values_to_be_in_set",
        "kwargs": {"column": "city", "value_set": ["Nairobi", "Kisumu", "Mombasa"]},
    }
    findings = check(spec, people())
    assert where(findings) == [(3, "Nairobi ")]
    assert findings[0].message == "'Nairobi ' is not one of: Nairobi, Kisumu, Mombasa"


def test_match_regex_reports_values_of_the_wrong_shape() -> None:
    spec = {
        "type": "expect_column_values_to_match_regex",
        "kwargs": {"column": "id", "regex": "^p[0-3]$"},
    }
    findings = check(spec, people())
    assert where(findings) == [(5, "p4")]
    assert findings[0].message == "'p4' does not match ^p[0-3]$"


def test_unique_reports_every_row_holding_a_repeated_value() -> None:
    findings = check(
        {"type": "expect_column_values_to_be_unique", "kwargs": {"column": "id"}}, people()
    )
    assert where(findings) == [(3, "p2"), (4, "p2")]
    assert findings[0].message == "'p2' appears more than once but must be unique"


def test_value_lengths_say_how_long_the_value_is() -> None:
    spec = {
        "type": "expect_column_value_lengths_to_be_between",
        "kwargs": {"column": "city", "min_value": 1, "max_value": 7},
    }
    findings = check(spec, people())
    assert where(findings) == [(3, "Nairobi ")]
    assert (
        findings[0].message
        == "'Nairobi ' is 8 characters long, but it must be between 1 and 7 characters long"
    )


def test_every_unexpected_value_is_reported_even_past_the_200_gx_keeps() -> None:
    frame = pd.DataFrame({"age": pd.array(range(1000), dtype="Int64")})
    spec = {
        "type": "expect_column_values_to_be_between",
        "kwargs": {"column": "age", "max_value": 499},
    }
    findings = check(spec, frame)
    assert len(findings) == 500
    assert (findings[-1].row, findings[-1].value) == (1001, "999")


def test_row_count_is_one_finding_without_a_row() -> None:
    findings = check(
        {"type": "expect_table_row_count_to_be_between", "kwargs": {"min_value": 10}}, people()
    )
    assert where(findings) == [(None, "4")]
    assert findings[0].message == "the file has 4 rows, but it must have at least 10 rows"
    assert findings[0].field is None


def test_mean_reports_the_observed_average() -> None:
    spec = {
        "type": "expect_column_mean_to_be_between",
        "kwargs": {"column": "age", "max_value": 50},
    }
    findings = check(spec, people())
    assert where(findings) == [(None, "61")]  # (34 + 150 - 1) / 3; the missing age is left out
    assert findings[0].message == "the average is 61, but it must be at most 50"
    assert findings[0].field == "age"


def test_compound_uniqueness_is_one_finding_naming_the_rows() -> None:
    frame = pd.DataFrame({"site": ["A", "A", "B", "A"], "day": ["1", "2", "1", "1"]})
    spec = {
        "type": "expect_compound_columns_to_be_unique",
        "kwargs": {"column_list": ["site", "day"]},
    }
    findings = check(spec, frame)
    assert where(findings) == [(None, None)]
    assert (
        findings[0].message
        == "2 rows repeat a combination of site, day meant to be unique: rows 2, 5"
    )


def test_column_set_names_missing_and_unexpected_columns() -> None:
    spec = {
        "type": "expect_table_columns_to_match_set",
        "kwargs": {"column_set": ["id", "city", "age", "sex"]},
    }
    findings = check(spec, people())
    assert where(findings) == [(None, None)]
    assert (
        findings[0].message
        == "the columns do not match the suite: missing sex; not expected visited"
    )
    assert findings[0].rule == "exactly the columns id, city, age, sex"


def test_column_set_without_exact_match_ignores_extra_columns() -> None:
    spec = {
        "type": "expect_table_columns_to_match_set",
        "kwargs": {"column_set": ["id", "sex"], "exact_match": False},
    }
    assert [f.message for f in check(spec, people())] == [
        "the columns do not match the suite: missing sex"
    ]


def test_columns_in_another_order_are_one_finding_not_a_crash() -> None:
    """GX gives an ordered list's mismatches as positions, not names (it used to crash)."""
    spec = {
        "type": "expect_table_columns_to_match_ordered_list",
        "kwargs": {"column_list": ["city", "id", "age", "visited"]},
    }
    findings = check(spec, people())
    assert [(f.code, f.row, f.field) for f in findings] == [
        ("expect_table_columns_to_match_ordered_list", None, None)
    ]
    assert "found" in findings[0].message and "city" in findings[0].message


def test_other_gx_expectations_run_with_plain_generic_wording() -> None:
    spec = {"type": "expect_column_max_to_be_between", "kwargs": {"column": "age", "max_value": 99}}
    findings = check(spec, people())
    assert [(f.code, f.value, f.message) for f in findings] == [
        ("expect_column_max_to_be_between", "150", "found 150, but expected column max at most 99")
    ]


def test_a_passing_expectation_gives_no_findings() -> None:
    assert (
        check({"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "id"}}, people())
        == []
    )


# --- severity, descriptions, failures --------------------------------------------------


def test_meta_severity_warning_makes_warnings_and_the_default_is_error() -> None:
    spec = {"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "age"}}
    assert [f.severity for f in check(spec, people())] == [Severity.ERROR]
    warned = check({**spec, "meta": {"severity": "warning"}}, people())
    assert [f.severity for f in warned] == [Severity.WARNING]


def test_gx_native_severity_is_honoured_when_meta_says_nothing() -> None:
    spec = {
        "type": "expect_column_values_to_not_be_null",
        "kwargs": {"column": "age"},
        "severity": "info",
    }
    assert [f.severity for f in check(spec, people())] == [Severity.WARNING]


def test_a_description_in_meta_is_added_to_the_message() -> None:
    spec = {
        "type": "expect_column_values_to_not_be_null",
        "kwargs": {"column": "age"},
        "meta": {"description": "Every respondent gives an age."},
    }
    assert [f.message for f in check(spec, people())] == [
        "is missing but this column must be filled in. Every respondent gives an age."
    ]


def test_a_missing_column_gives_an_expectation_error_and_the_others_still_run() -> None:
    suite = {
        "expectations": [
            {
                "type": "expect_column_mean_to_be_between",
                "kwargs": {"column": "weight", "min_value": 1},
            },
            {"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "city"}},
        ]
    }
    findings = run_suite(suite, people(), resource="t.csv")
    assert [f.code for f in findings] == [
        "expectation-error",
        "expect_column_values_to_not_be_null",
    ]
    assert findings[0].message.startswith(
        "check 1 of the suite (expect_column_mean_to_be_between) could not run:"
        " the file has no column 'weight'"
    )
    assert (findings[0].field, findings[0].row, findings[0].severity) == (
        "weight",
        None,
        Severity.ERROR,
    )


def test_an_error_raised_inside_gx_becomes_an_expectation_error() -> None:
    spec = {"type": "expect_column_values_to_match_regex", "kwargs": {"column": "id", "regex": "("}}
    findings = check(spec, people())
    assert [f.code for f in findings] == ["expectation-error"]
    assert "could not run: missing ), unterminated subpattern" in findings[0].message


def test_findings_follow_the_order_of_the_suite() -> None:
    suite = {
        "expectations": [
            {"type": "expect_table_row_count_to_be_between", "kwargs": {"max_value": 1}},
            {"type": "expect_column_values_to_be_unique", "kwargs": {"column": "id"}},
            {"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "city"}},
        ]
    }
    findings = run_suite(suite, people(), resource="t.csv")
    assert [(f.code.removeprefix("expect_"), f.row) for f in findings] == [
        ("table_row_count_to_be_between", None),
        ("column_values_to_be_unique", 3),
        ("column_values_to_be_unique", 4),
        ("column_values_to_not_be_null", 4),
    ]


def test_the_example_scorecard_suite_on_a_scorecard_file(tmp_path: Path) -> None:
    frame = read_frame(write(tmp_path / "scorecard.csv", SCORECARD_CSV), SCORECARD_SCHEMA)
    findings = run_suite(load_suite(EXAMPLE_SUITE), frame, resource="scorecard.csv")
    assert [
        (f.code.removeprefix("expect_"), f.row, f.value, f.severity.value) for f in findings
    ] == [
        ("column_values_to_not_be_null", 5, None, "error"),
        ("column_values_to_be_unique", 3, "R2", "error"),
        ("column_values_to_be_unique", 4, "R2", "error"),
        ("column_values_to_match_regex", 4, "HF-01", "error"),
        ("column_values_to_be_in_set", 3, "Nairobi ", "error"),
        ("column_values_to_be_between", 3, "150", "error"),  # "abc" is a Table Schema finding
        ("column_values_to_be_between", 6, "2026-01-15", "error"),
        ("compound_columns_to_be_unique", None, None, "error"),
        (
            "column_value_lengths_to_be_between",
            4,
            "Long wait but the nurses were very kind to us",
            "warning",
        ),
    ]
    assert (
        findings[3].message
        == "'HF-01' does not match ^HF-[0-9]{3}$. Facility codes look like HF-012."
    )
    assert findings[7].message.endswith("rows 2, 5")
    assert findings[3].sentence().startswith("file `scorecard.csv`, row 4, column `facility_id`: ")


def test_running_a_suite_writes_nothing_to_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    run_suite(load_suite(EXAMPLE_SUITE), people(), resource="t.csv")
    assert list(tmp_path.iterdir()) == []


# --- load_suite --------------------------------------------------------------------------


def test_the_example_suite_loads() -> None:
    suite = load_suite(EXAMPLE_SUITE)
    assert suite["name"] == "example-scorecard"
    assert len(suite["expectations"]) == 11


def suite_file(tmp_path: Path, *expectations: Any) -> Path:
    return write(tmp_path / "s.json", json.dumps({"name": "s", "expectations": list(expectations)}))


def test_a_suite_that_is_not_json_is_invalid(tmp_path: Path) -> None:
    with pytest.raises(SuiteInvalid) as caught:
        load_suite(write(tmp_path / "s.json", '{"expectations": [}'))
    assert caught.value.code == "suite-invalid"
    assert caught.value.where == str(tmp_path / "s.json")
    assert "not readable JSON" in caught.value.message and caught.value.hint


def test_a_suite_without_an_expectations_list_is_invalid(tmp_path: Path) -> None:
    with pytest.raises(SuiteInvalid, match='"expectations" list'):
        load_suite(write(tmp_path / "s.json", "[]"))


def test_an_unknown_expectation_type_is_named_with_a_suggestion(tmp_path: Path) -> None:
    ok = {"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "a"}}
    typo = {"type": "expect_column_values_to_be_betwen", "kwargs": {"column": "a", "min_value": 1}}
    with pytest.raises(SuiteInvalid) as caught:
        load_suite(suite_file(tmp_path, ok, typo))
    assert caught.value.message == (
        "expectation 2 of 2 (index 1, expect_column_values_to_be_betwen)"
        " is not an expectation type GX knows"
    )
    assert caught.value.hint == "Did you mean `expect_column_values_to_be_between`?"


def test_kwargs_gx_rejects_are_named(tmp_path: Path) -> None:
    bad = {
        "type": "expect_column_values_to_be_between",
        "kwargs": {"column": "a", "min_value": "x", "colour": 1},
    }
    with pytest.raises(SuiteInvalid) as caught:
        load_suite(suite_file(tmp_path, bad))
    message = caught.value.message
    assert message.startswith(
        "expectation 1 of 1 (index 0, expect_column_values_to_be_between) has kwargs GX rejects"
    )
    assert "`min_value`: value is not a valid float" in message
    assert "`colour`: extra fields not permitted" in message


def test_a_missing_required_kwarg_is_named(tmp_path: Path) -> None:
    with pytest.raises(SuiteInvalid, match="`value_set`: field required"):
        load_suite(
            suite_file(
                tmp_path, {"type": "expect_column_values_to_be_in_set", "kwargs": {"column": "a"}}
            )
        )


@pytest.mark.parametrize(
    ("expectation", "complaint"),
    [
        (
            {"expectation_type": "expect_column_values_to_not_be_null", "kwargs": {"column": "a"}},
            "GX 0.x",
        ),
        (
            {
                "type": "expect_column_values_to_match_regex",
                "kwargs": {"column": "a", "regex": "("},
            },
            "regex",
        ),
        (
            {
                "type": "expect_column_values_to_not_be_null",
                "kwargs": {"column": "a"},
                "meta": {"severity": "fatal"},
            },
            '"severity"',
        ),
        ({"type": "expect_column_values_to_not_be_null", "kwargs": ["a"]}, '"kwargs"'),
        (  # GX refuses it only when it runs, and on a clean file it never runs
            {
                "type": "expect_column_values_to_be_between",
                "kwargs": {"column": "a", "min_value": 5, "max_value": 1},
            },
            "min_value 5 greater than max_value 1",
        ),
    ],
)
def test_other_broken_expectations_are_invalid(
    tmp_path: Path, expectation: Any, complaint: str
) -> None:
    with pytest.raises(SuiteInvalid, match=complaint):
        load_suite(suite_file(tmp_path, expectation))


def test_a_long_value_is_cut_in_the_finding_but_its_length_is_whole() -> None:
    suite = {
        "name": "s",
        "expectations": [
            {
                "type": "expect_column_value_lengths_to_be_between",
                "kwargs": {"column": "comment", "max_value": 40},
            }
        ],
    }
    (finding,) = run_suite(suite, pd.DataFrame({"comment": ["ok", "w" * 300]}), resource="t")
    assert finding.value == "w" * 100 + "…"
    assert finding.message.startswith(f"'{'w' * 100}…' is 300 characters long")
