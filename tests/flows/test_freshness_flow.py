"""The freshness watch on a fixed clock, on a real temporary Prefect API."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from prefect.artifacts import Artifact
from prefect.variables import Variable

from cdx.connectors.catalogue import PackageRef
from cdx.connectors.local.catalogue import LocalCatalogue
from cdx.flows.freshness import check_freshness
from tests.conftest import seal_example


def test_datasets_age_from_fresh_to_overdue_and_transitions_are_recorded(
    coalition_dir: Path,
) -> None:
    package = seal_example(coalition_dir, "health-scorecard")
    catalogue = LocalCatalogue(coalition_dir.parent / "catalogue")
    catalogue.publish(package, PackageRef("kenya-lnob", "health-scorecard", "1.0.0"))
    committed = dt.datetime.fromisoformat(catalogue.entries()[0].committed)
    config = str(coalition_dir / "coalition.yaml")

    def states(days: int) -> dict[str, str]:
        moment = (committed + dt.timedelta(days=days)).isoformat()
        return {row["dataset"]: row["freshness"] for row in check_freshness(config, now=moment)}

    assert states(10) == {"health-scorecard": "fresh", "youth-survey": "never-published"}
    assert states(95)["health-scorecard"] == "due"  # quarterly: due from 90 days
    assert states(125)["health-scorecard"] == "overdue"  # overdue from 120
    stored = json.loads(str(Variable.get("cdx-freshness-kenya-lnob")))
    assert stored == {"health-scorecard": "overdue", "youth-survey": "never-published"}
    artifact = Artifact.get("freshness-kenya-lnob")
    assert artifact is not None and "overdue" in str(artifact.data)


def test_status_shows_each_datasets_last_publish_run(coalition_dir: Path) -> None:
    from cdx.core.coalition import load_coalition
    from cdx.flows.publish import publish_dataset
    from cdx.flows.status import last_publish_runs

    config = str(coalition_dir / "coalition.yaml")
    assert publish_dataset(config, "youth-survey", return_state=True).is_completed()
    data = coalition_dir / "data" / "health-scorecard-2026q1.csv"
    data.write_text(data.read_text().replace(",3,", ",30,", 1))
    assert publish_dataset(config, "health-scorecard", return_state=True).is_failed()
    runs = last_publish_runs(load_coalition(coalition_dir / "coalition.yaml"))
    assert runs["youth-survey"]["last_run"] == "Completed"
    assert runs["health-scorecard"]["last_run"] == "Failed"
    assert "dataset-invalid" in runs["health-scorecard"]["last_run_message"]
