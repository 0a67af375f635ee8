"""The Prefect flows on a real temporary API server."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from prefect import flow, task
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import (
    ArtifactFilter,
    ArtifactFilterFlowRunId,
    ArtifactFilterKey,
)

from cdx.core.coalition import load_coalition
from cdx.core.errors import DatasetInvalid, KeyMissing, Terminal, Transient
from cdx.flows.publish import publish_coalition, publish_dataset
from cdx.flows.pull import pull_package
from cdx.flows.retry import retry_only_transient
from cdx.flows.status import last_publish_runs


def artifacts(key: str, state: Any) -> list[Any]:
    """The artifacts with `key` that the flow run behind `state` created."""
    with get_client(sync_client=True) as client:
        return client.read_artifacts(
            artifact_filter=ArtifactFilter(
                key=ArtifactFilterKey(any_=[key]),
                flow_run_id=ArtifactFilterFlowRunId(any_=[state.state_details.flow_run_id]),
            )
        )


def test_a_valid_dataset_is_published_with_a_summary_artifact(coalition_dir: Path) -> None:
    config = str(coalition_dir / "coalition.yaml")
    state = publish_dataset(config, "health-scorecard", return_state=True)
    assert state.is_completed(), state.message
    result = state.result()
    assert result["published"][0]["status"] == "published"
    committed = coalition_dir.parent / "catalogue" / "kenya-lnob/health-scorecard/1.0.0"
    assert (committed / "manifest.sig").is_file()
    (summary,) = artifacts("publish-kenya-lnob-health-scorecard", state)
    assert "Verdict: valid" in summary.data
    assert "## Privacy decision" in summary.data and "accepted: True" in summary.data
    assert str(committed) in summary.data
    assert f"`{committed}/reports/validation.html`" in summary.data
    provenance = json.loads((committed / "provenance.jsonld").read_text())
    activity = next(n for n in provenance["@graph"] if n["@type"] == "prov:Activity")
    assert activity["cdx:orchestrator"] == "prefect"
    assert activity["cdx:flowRunName"] == "kenya-lnob/health-scorecard@1.0.0"


def test_an_invalid_dataset_fails_is_quarantined_and_not_published(coalition_dir: Path) -> None:
    data = coalition_dir / "data" / "health-scorecard-2026q1.csv"
    data.write_text(data.read_text().replace(",3,", ",30,", 1), encoding="utf-8")
    state = publish_dataset(
        str(coalition_dir / "coalition.yaml"), "health-scorecard", return_state=True
    )
    assert state.is_failed()
    error = state.result(raise_on_failure=False)
    assert isinstance(error, DatasetInvalid)
    assert not (coalition_dir.parent / "catalogue").exists()
    kept = list((coalition_dir / ".cdx" / "quarantine" / "health-scorecard" / "1.0.0").glob("*"))
    report = json.loads((kept[0] / "reports" / "validation.json").read_text())
    assert report["valid"] is False
    assert any(f["message"] == "30 is above the maximum 5" for f in report["findings"])
    table = artifacts("publish-kenya-lnob-health-scorecard-findings", state)
    assert table and "30 is above the maximum 5" in table[0].data
    (summary,) = artifacts("publish-kenya-lnob-health-scorecard", state)
    assert "accepted: not assessed: the data failed validation first" in summary.data


def test_a_dataset_refused_for_privacy_shows_the_decision_to_the_steward(
    coalition_dir: Path,
) -> None:
    data = coalition_dir / "data" / "health-scorecard-2026q1.csv"
    text = data.read_text().replace(
        "Short queue in the morning", "Call Mama Achieng 0712 345 678", 1
    )
    data.write_text(text, encoding="utf-8")
    state = publish_dataset(
        str(coalition_dir / "coalition.yaml"), "health-scorecard", return_state=True
    )
    assert isinstance(state.result(raise_on_failure=False), DatasetInvalid)
    assert not (coalition_dir.parent / "catalogue").exists()
    (summary,) = artifacts("publish-kenya-lnob-health-scorecard", state)
    assert "## Privacy decision" in summary.data and "- accepted: False" in summary.data
    assert "personal-data-phone" in summary.data
    (table,) = artifacts("publish-kenya-lnob-health-scorecard-findings", state)
    assert "personal-data-phone" in table.data
    assert "0712 345 678" not in summary.data + table.data


def test_a_missing_key_fails_before_any_work(coalition_dir: Path) -> None:
    (coalition_dir / "keys" / "kenya-lnob.key").unlink()
    state = publish_dataset(
        str(coalition_dir / "coalition.yaml"), "youth-survey", return_state=True
    )
    assert isinstance(state.result(raise_on_failure=False), KeyMissing)
    assert not (coalition_dir / ".cdx" / "runs").exists()
    assert not (coalition_dir.parent / "catalogue").exists()


def test_publish_coalition_fans_out_over_every_dataset(coalition_dir: Path, tmp_path: Path) -> None:
    results = publish_coalition(str(coalition_dir / "coalition.yaml"))
    assert sorted(results) == ["health-scorecard", "youth-survey"]
    pulled = pull_package(
        str(coalition_dir.parent / "catalogue"),
        "kenya-lnob/youth-survey",
        str(tmp_path / "pulled"),
        str(coalition_dir / "keys" / "kenya-lnob.pub.json"),
    )
    assert pulled["ok"] and pulled["ref"] == "kenya-lnob/youth-survey@1.0.0"


def test_only_transient_errors_are_retried() -> None:
    calls = {"transient": 0, "terminal": 0}

    @task(retries=2, retry_delay_seconds=0, retry_condition_fn=retry_only_transient)
    def flaky(kind: str) -> str:
        calls[kind] += 1
        if calls[kind] == 1:
            raise (Transient if kind == "transient" else Terminal)("boom")
        return "ok"

    @flow
    def both() -> tuple[bool, bool]:
        first = flaky("transient", return_state=True)
        second = flaky("terminal", return_state=True)
        return first.is_completed(), second.is_completed()

    assert both() == (True, False)
    assert calls == {"transient": 2, "terminal": 1}


def test_a_coalition_run_publishes_the_valid_datasets_and_names_the_failed_one(
    coalition_dir: Path,
) -> None:
    data = coalition_dir / "data" / "health-scorecard-2026q1.csv"
    data.write_text(data.read_text().replace(",3,", ",30,", 1), encoding="utf-8")
    config = str(coalition_dir / "coalition.yaml")
    state = publish_coalition(config, return_state=True)
    assert state.is_failed()
    assert "[datasets-failed] 1 of 2 datasets failed" in state.message
    assert "failure of the data (dataset-invalid): health-scorecard" in state.message
    assert "failure of the system" not in state.message
    catalogue = coalition_dir.parent / "catalogue" / "kenya-lnob"
    assert (catalogue / "youth-survey" / "1.0.0" / "manifest.sig").is_file()
    assert not (catalogue / "health-scorecard").exists()
    with get_client(sync_client=True) as client:
        names = {
            run.name: run.state.name
            for run in client.read_task_runs()
            if run.flow_run_id == state.state_details.flow_run_id and run.state is not None
        }
    assert names["kenya-lnob/youth-survey@1.0.0"] == "Completed"
    assert names["kenya-lnob/health-scorecard@1.0.0"] == "Failed"
    (summary,) = artifacts("publish-kenya-lnob-health-scorecard", state)
    assert "invalid: not published" in summary.data
    runs = last_publish_runs(load_coalition(Path(config)))
    assert runs["health-scorecard"]["last_run"] == "Failed"
    assert "dataset-invalid" in runs["health-scorecard"]["last_run_message"]
    # a steward reads the cause from the server: the first finding, the report, the fix
    assert Path(runs["health-scorecard"]["last_run_report"]).is_file()
    assert runs["health-scorecard"]["last_run_hint"].startswith("correct the data")
    (first, *_) = runs["health-scorecard"]["last_run_findings"]
    assert "column `score`" in first and first.endswith("[constraint-maximum]")
    assert runs["youth-survey"]["last_run"] == "Completed"
    assert runs["youth-survey"]["last_run_findings"] == []
