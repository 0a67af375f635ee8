"""Deployed publish runs on a real Prefect server and worker: a crash, and two at once.

Both tests stop a run at a known point mid-publish without any hook in the code under
test: the test process takes the local catalogue's own per-version lock (the `flock`
that connectors/local.py takes before it writes anything of that version), as another
publisher of that version would hold it. A run that reaches that catalogue waits there,
in its publish task, until the test lets go.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
import yaml
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId
from prefect.client.schemas.objects import ConcurrencyLimitStrategy
from prefect.deployments import run_deployment

from cdx.connectors.catalogue import PackageRef
from cdx.connectors.local.catalogue import LocalCatalogue
from cdx.connectors.local.files import TMP
from cdx.connectors.pull import pull_package
from cdx.core.keys import TrustStore
from cdx.verify.verification import verify_package
from infra.prefect.prefect_service import PrefectService
from tests.conftest import seal_example
from tests.services.prefect_server import (
    NEVER,
    TERMINAL,
    deploy,
    finished_run,
    flow_run_process,
    read_run,
    running_intervals,
    state_history,
    task_runs,
    wait_for,
)

pytestmark = pytest.mark.integration

SCORECARD = PackageRef("kenya-lnob", "health-scorecard", "1.0.0")
SURVEY = PackageRef("kenya-lnob", "youth-survey", "1.0.0")


@contextlib.contextmanager
def publisher_holding(catalogue_root: Path, ref: PackageRef) -> Iterator[None]:
    """Hold the catalogue's lock of one version, as a publisher of that version does."""
    with LocalCatalogue(catalogue_root)._lock(f"{ref.coalition}.{ref.dataset}.{ref.version}"):
        yield


def blocked_in_publish(flow_run_id: UUID, publishes_done: int) -> bool:
    """The run is Running and in its next publish task after `publishes_done` finished."""
    run = read_run(flow_run_id)
    if run.state is None or run.state.type.value != "RUNNING":
        return False
    publishes = task_runs(flow_run_id, "publish")
    done = [t for t in publishes if t.state and t.state.type.value == "COMPLETED"]
    running = [t for t in publishes if t.state and t.state.type.value == "RUNNING"]
    return len(done) == publishes_done and len(running) == 1


def publish_summary(flow_run_id: UUID) -> str:
    with get_client(sync_client=True) as client:
        artifacts = client.read_artifacts(
            artifact_filter=ArtifactFilter(flow_run_id=ArtifactFilterFlowRunId(any_=[flow_run_id]))
        )
    return next(str(a.data) for a in artifacts if a.key == "publish-kenya-lnob-health-scorecard")


def assert_exactly_one_committed_version(root: Path, ref: PackageRef, trust: TrustStore) -> str:
    """One committed, intact version of the dataset, nothing that looks committed beside it;
    returns its contentDigest."""
    catalogue = LocalCatalogue(root)
    folder = root / ref.coalition / ref.dataset
    assert sorted(p.name for p in folder.iterdir()) == [ref.version]
    assert catalogue.versions(ref.coalition, ref.dataset) == [ref.version]
    listed = [
        e for e in catalogue.entries() if (e.coalition, e.dataset) == (ref.coalition, ref.dataset)
    ]
    assert [e.version for e in listed] == [ref.version]
    # verify_package on the committed directory itself: every file listed, hashed and
    # signed, and no file the manifest does not list (a leftover would be file-unexpected).
    committed = verify_package(folder / ref.version, trust)
    assert committed.ok, committed.to_dict()
    staging = root / TMP
    assert not staging.exists() or not any(staging.iterdir()), list(staging.iterdir())
    manifest = json.loads((folder / ref.version / "manifest.json").read_text())
    return str(manifest["contentDigest"])


def test_a_killed_publish_run_is_crashed_and_the_next_run_recovers_without_duplicates(
    api: PrefectService, coalition_dir: Path, tmp_path: Path
) -> None:
    # Two catalogues: the run commits to `local`, then waits at `mirror`, and dies there.
    config = coalition_dir / "coalition.yaml"
    document = yaml.safe_load(config.read_text(encoding="utf-8"))
    document["catalogues"] = {"local": "../catalogue", "mirror": "../mirror"}
    config.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    local, mirror = coalition_dir.parent / "catalogue", coalition_dir.parent / "mirror"
    deployment_id, name = deploy(coalition_dir, "health-scorecard", cron=NEVER)

    with publisher_holding(mirror, SCORECARD):
        crashed = run_deployment(name=name, timeout=0)
        wait_for(
            lambda: blocked_in_publish(crashed.id, publishes_done=1),
            timeout=240,
            what="the run to commit to `local` and wait at `mirror`",
            diagnose=lambda: api.log_tail("worker.log"),
        )
        assert (local / SCORECARD.key / "manifest.sig").is_file()
        # SIGKILL the flow-run process (the worker's child), as the OOM killer would; the
        # worker sees it die and reports the run. Killing the worker instead would not end
        # the run: Prefect 3.8 starts the flow-run process in a session of its own.
        os.kill(flow_run_process(crashed.id), signal.SIGKILL)
        crashed = finished_run(crashed.id, timeout=120)

    assert crashed.state.type.value == "CRASHED", (crashed.state, api.log_tail("worker.log"))
    assert "-9" in (crashed.state.message or ""), crashed.state.message
    assert [s.type.value for s in state_history(crashed.id)][-2:] == ["RUNNING", "CRASHED"]
    assert not (mirror / SCORECARD.coalition).exists(), "nothing reached the mirror"

    # The next run: the crash released the deployment's concurrency slot, so it starts
    # at once; `local` already holds this content (unchanged), `mirror` gets it.
    recovered = run_deployment(name=name, timeout=300)
    assert recovered.state is not None
    assert recovered.state.type.value == "COMPLETED", (recovered.state, api.log_tail("worker.log"))
    assert not [s for s in state_history(recovered.id) if s.name == "AwaitingConcurrencySlot"]
    summary = publish_summary(recovered.id)
    assert "- local: unchanged" in summary and "- mirror: published" in summary, summary

    trust = TrustStore.load(coalition_dir / "keys" / "kenya-lnob.pub.json")
    digests = {
        assert_exactly_one_committed_version(root, SCORECARD, trust) for root in (local, mirror)
    }
    expected = json.loads((seal_example(coalition_dir) / "manifest.json").read_text())
    assert digests == {expected["contentDigest"]}, "both catalogues hold the sources' content"
    for root in (local, mirror):
        target = tmp_path / "pulled" / root.name
        _, pulled = pull_package(LocalCatalogue(root), SCORECARD, target, trust)
        assert pulled.ok, pulled.to_dict()
        assert (target / "data" / "scores.csv").is_file()
    with get_client(sync_client=True) as client:
        client.delete_deployment(UUID(deployment_id))


def test_runs_of_one_dataset_take_turns_while_another_dataset_runs_alongside(
    api: PrefectService, coalition_dir: Path
) -> None:
    scorecard_id, _ = deploy(coalition_dir, "health-scorecard", cron=NEVER)
    survey_id, _ = deploy(coalition_dir, "youth-survey", cron=NEVER)
    with get_client(sync_client=True) as client:
        deployment = client.read_deployment(UUID(scorecard_id))
    assert deployment.global_concurrency_limit is not None
    assert deployment.global_concurrency_limit.limit == 1
    assert deployment.concurrency_options is not None
    assert deployment.concurrency_options.collision_strategy == ConcurrencyLimitStrategy.ENQUEUE

    local = coalition_dir.parent / "catalogue"
    # The scorecard run that gets the slot first waits mid-publish until the other runs
    # have shown what they do while it is Running.
    with publisher_holding(local, SCORECARD):
        with get_client(sync_client=True) as client:  # two firings of one dataset at once
            scorecards = [client.create_flow_run_from_deployment(UUID(scorecard_id)) for _ in "ab"]
            survey = client.create_flow_run_from_deployment(UUID(survey_id))

        def first_blocked_and_survey_done() -> Any:
            blocked = [r for r in scorecards if blocked_in_publish(r.id, publishes_done=0)]
            done = read_run(survey.id).state.type.value in TERMINAL
            return blocked[0] if blocked and done else None

        first = wait_for(
            first_blocked_and_survey_done,
            timeout=240,
            what="one scorecard run mid-publish and the survey run finished",
            diagnose=lambda: api.log_tail("worker.log"),
        )
        second = next(r for r in scorecards if r.id != first.id)
        waiting = state_history(second.id)
        assert "RUNNING" not in {s.type.value for s in waiting}, "the second run ran alongside"
        assert "AwaitingConcurrencySlot" in {s.name for s in waiting}, [s.name for s in waiting]

    runs = {"first": first.id, "second": second.id, "survey": survey.id}
    ended = {label: finished_run(run_id, timeout=240) for label, run_id in runs.items()}
    assert {label: r.state.type.value for label, r in ended.items()} == dict.fromkeys(
        runs, "COMPLETED"
    ), api.log_tail("worker.log")

    spans = {label: running_intervals(run_id) for label, run_id in runs.items()}
    assert all(len(s) == 1 and s[0][1] is not None for s in spans.values()), spans
    (first_start, first_end), (second_start, second_end) = spans["first"][0], spans["second"][0]
    (survey_start, survey_end) = spans["survey"][0]
    assert first_end is not None and second_end is not None and survey_end is not None
    assert first_end <= second_start, f"the scorecard runs overlap: {spans}"
    assert survey_start < first_end and first_start < survey_end, f"no overlap: {spans}"

    assert "- local: published" in publish_summary(first.id)
    assert "- local: unchanged" in publish_summary(second.id)  # same content, no new copy
    trust = TrustStore.load(coalition_dir / "keys" / "kenya-lnob.pub.json")
    assert_exactly_one_committed_version(local, SCORECARD, trust)
    assert_exactly_one_committed_version(local, SURVEY, trust)
    with get_client(sync_client=True) as client:
        for deployment_id in (scorecard_id, survey_id):
            client.delete_deployment(UUID(deployment_id))
