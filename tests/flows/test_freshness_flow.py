"""The freshness watch on a fixed clock, on a real temporary Prefect API."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from prefect.artifacts import Artifact
from prefect.variables import Variable

from connectors.catalogue import PackageRef
from connectors.local import LocalCatalogue
from flows.freshness import check_freshness
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
