"""The rows a package publishes are the rows validation checked (issue 25: a row one reader
skipped was published unchecked), asserted on every publish before sealing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cdx.core.errors import RowCountMismatch
from cdx.core.settings import Settings
from cdx.flows import pipeline
from cdx.flows.direct import publish_directly
from cdx.flows.row_counts import check_row_counts, data_rows
from cdx.protect.decision import PrivacyDecision, ResourceProtection

ROWS = 'id,comment\n1,"two\nlines"\n2,plain\n3,""\n'


def package(tmp_path: Path, text: str = ROWS) -> Path:
    (tmp_path / "data").mkdir(parents=True)
    (tmp_path / "data" / "scores.csv").write_text(text, encoding="utf-8")
    descriptor = {"resources": [{"name": "scores", "path": "data/scores.csv"}]}
    (tmp_path / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    return tmp_path


def decision(rows_in: int, rows_out: int | None) -> PrivacyDecision:
    table = ResourceProtection("scores", "microdata", rows_in, rows_out=rows_out)
    return PrivacyDecision("c/d", {}, accepted=True, resources=[table])


def test_records_are_counted_as_a_csv_reader_reads_them(tmp_path: Path) -> None:
    assert data_rows(package(tmp_path) / "data" / "scores.csv") == 3


def test_equal_counts_pass_and_suppressed_records_are_allowed_for(tmp_path: Path) -> None:
    check_row_counts(package(tmp_path), {"scores": 3}, decision(3, 3))
    check_row_counts(package(tmp_path / "k", "id\n1\n"), {"scores": 3}, decision(3, 1))


@pytest.mark.parametrize(
    ("checked", "rows_in", "rows_out"),
    [
        (2, 3, 3),  # validation skipped a row that the gate read and the file holds
        (3, 3, 2),  # the file holds a row the gate did not keep
        (3, 4, 3),  # the gate read a row validation never saw
        (None, 3, 3),  # a table validation never counted
        (3, 3, None),  # a table the gate never protected
    ],
)
def test_any_disagreement_refuses_naming_the_table_and_counts(
    tmp_path: Path, checked: int | None, rows_in: int, rows_out: int | None
) -> None:
    counted = {} if checked is None else {"scores": checked}
    with pytest.raises(RowCountMismatch) as refused:
        check_row_counts(package(tmp_path), counted, decision(rows_in, rows_out))
    assert "file `scores`" in str(refused.value) and "holds 3" in str(refused.value)
    assert "not in your data" in str(refused.value.hint)


def test_a_publish_whose_validation_skipped_a_row_publishes_nothing(
    coalition_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cdx.core.coalition import load_coalition

    checked = pipeline.validate

    def skipping_a_row(run):  # type: ignore[no-untyped-def]
        report = checked(run)
        report.rows_checked = {name: rows - 1 for name, rows in report.rows_checked.items()}
        return report

    monkeypatch.setattr(pipeline, "validate", skipping_a_row)
    coalition = load_coalition(coalition_dir / "coalition.yaml")
    with pytest.raises(RowCountMismatch):
        publish_directly(coalition, "health-scorecard", Settings(), wait=lambda _: None)
    catalogue = coalition_dir.parent / "catalogue" / "kenya-lnob"
    assert not (catalogue / "health-scorecard").exists()
    journal = (coalition_dir / ".cdx" / "runs.jsonl").read_text(encoding="utf-8")
    assert '"error_code": "row-count-mismatch"' in journal.splitlines()[-1]
