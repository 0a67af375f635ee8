"""Structure and Table Schema findings say row, column, rule and value in plain words."""

from __future__ import annotations

import json
from pathlib import Path

from cdx.core.findings import Origin, ValidationReport
from cdx.reports.validation_report import render_html
from cdx.validations.package_check import validate_table

SCHEMA = json.loads(
    (
        Path(__file__).resolve().parents[2] / "schemas/table-schemas/community-scorecard.json"
    ).read_text()
)
HEADER = "scorecard_id,area,facility_code,group,indicator,score,participants,session_date,comment\n"
GOOD = "SC-{n:05d},Kisumu,0031,women,staff-attitude,3,12,2026-03-02,ok\n"


def run(tmp_path: Path, body: str, header: str = HEADER) -> ValidationReport:
    path = tmp_path / "scores.csv"
    path.write_text(header + body, encoding="utf-8")
    findings, rows = validate_table(path, SCHEMA, None, resource="scores")
    report = ValidationReport("test")
    report.extend(findings)
    report.rows_checked["scores"] = rows
    return report


def test_a_value_above_the_maximum_names_row_column_and_limit(tmp_path: Path) -> None:
    body = "".join(GOOD.format(n=n) for n in range(1, 1203))
    body += "SC-01203,Kisumu,0031,women,staff-attitude,7,12,2026-03-02,ok\n"
    report = run(tmp_path, body)
    (finding,) = report.findings
    assert (
        finding.sentence() == "file `scores`, row 1,204, column `score`: 7 is above the maximum 5"
    )
    assert (finding.code, finding.rule, finding.value) == ("constraint-maximum", "maximum 5", "7")
    assert finding.origin is Origin.TABLE_SCHEMA


def test_type_enum_pattern_required_and_unique_errors(tmp_path: Path) -> None:
    body = (
        GOOD.format(n=1)
        + "SC-00002,Kisumu,0031 Kisumu,men,staff-attitude,three,12,02/03/2026,ok\n"
        + "SC-00001,,0031,women,staff-attitude,3,12,2026-03-02,ok\n"
    )
    report = run(tmp_path, body)
    got = {(f.row, f.field, f.code) for f in report.findings}
    assert got == {
        (3, "facility_code", "constraint-pattern"),
        (3, "group", "constraint-enum"),
        (3, "score", "type-error"),
        (3, "session_date", "type-error"),
        (4, "area", "constraint-required"),
        (4, "scorecard_id", "unique-error"),
        (4, None, "primary-key"),
    }
    messages = {f.code: f.message for f in report.findings}
    assert "'men' is not one of the allowed values: women, youth" in messages["constraint-enum"]
    assert "must be filled in" in messages["constraint-required"]


def test_ragged_and_blank_rows_are_structural_errors(tmp_path: Path) -> None:
    body = (
        GOOD.format(n=1)
        + "SC-00002,Kisumu,0031,women,staff-attitude,3,12,2026-03-02,ok,EXTRA\n"
        + ",,,,,,,,\n"
        + "SC-00004,Kisumu,0031\n"
    )
    report = run(tmp_path, body)
    by_code = {f.code: f for f in report.findings if f.origin is Origin.STRUCTURE}
    assert by_code["extra-cell"].row == 3 and "stray comma" in by_code["extra-cell"].message
    assert by_code["blank-row"].row == 4
    assert by_code["missing-cell"].row == 5
    assert not report.valid


def test_duplicate_and_blank_headers_are_named_once(tmp_path: Path) -> None:
    header = "scorecard_id,area,facility_code,group,indicator,score,score,,comment\n"
    report = run(tmp_path, GOOD.format(n=1), header=header)
    labels = [(f.code, f.row) for f in report.findings if f.code.endswith("label")]
    assert labels == [("duplicate-label", 1), ("blank-label", 1)]


def test_exact_counts_survive_the_cap_on_stored_findings(tmp_path: Path) -> None:
    body = "".join(
        f"SC-{n:05d},Kisumu,0031,women,staff-attitude,9,12,2026-03-02,ok\n" for n in range(1, 1501)
    )
    path = tmp_path / "scores.csv"
    path.write_text(HEADER + body)
    findings, _ = validate_table(path, SCHEMA, None, resource="scores")
    report = ValidationReport("test")
    report.extend(findings, cap=100)
    assert len(report.findings) == 100
    assert report.counts["constraint-maximum"] == 1500
    assert report.to_dict()["summary"]["errors"] == 1500


def test_a_column_bad_on_every_row_does_not_hide_another_columns_error(tmp_path: Path) -> None:
    """Dates written day first on every row fill the cap of type errors; the one bad
    score and the one bad participants count further down are still kept, counted by
    column, and shown before the dates' other rows."""
    rows = [
        f"SC-{n:05d},Kisumu,0031,women,staff-attitude,3,12,{n % 28 + 1:02d}/03/2026,ok\n"
        for n in range(1, 3001)
    ]
    rows[2500] = rows[2500].replace(",3,12,", ",three,12,")
    rows[2700] = rows[2700].replace(",3,12,", ",3,twelve,")
    path = tmp_path / "scores.csv"
    path.write_text(HEADER + "".join(rows))
    findings, _ = validate_table(path, SCHEMA, None, resource="scores", cap=1000)
    report = ValidationReport("test")
    report.extend(findings, cap=100)

    assert report.counts == {"type-error": 3002}
    assert report.rule_counts == {
        ("scores", "session_date", "type-error"): 3000,
        ("scores", "score", "type-error"): 1,
        ("scores", "participants", "type-error"): 1,
    }
    kept = {(f.field, f.row) for f in report.findings if f.field != "session_date"}
    assert kept == {("score", 2502), ("participants", 2702)}
    shown = report.shown(4)
    assert [(f.field, f.row) for f in shown] == [
        ("session_date", 2),
        ("session_date", 3),
        ("score", 2502),
        ("participants", 2702),
    ]
    page = render_html(report)
    assert "<td>3,000</td><td>scores</td><td>session_date</td><td>type-error</td>" in page
    assert "By column and problem" not in render_html(ValidationReport("clean"))
    summary = ValidationReport.from_dict(json.loads(json.dumps(report.to_dict())))
    assert summary.rule_counts == report.rule_counts
    assert report.to_dict()["summary"]["by_rule"][0] == {
        "resource": "scores",
        "field": "session_date",
        "code": "type-error",
        "count": 3000,
    }


def test_a_report_written_before_rules_were_counted_still_reads(tmp_path: Path) -> None:
    """A package pulled from a catalogue may carry a validation.json without by_rule."""
    report = run(tmp_path, "SC-00001,Kisumu,0031,woman,staff-attitude,3,12,2026-03-02,ok\n")
    older = report.to_dict()
    del older["summary"]["by_rule"]
    read = ValidationReport.from_dict(older)
    assert read.counts == {"constraint-enum": 1} and read.rule_counts == {}
    assert read.shown(5) == report.findings and read.error_count == 1
