"""Scheduled publishing on a real Prefect server with a process worker."""

from __future__ import annotations

import dataclasses
import http.server
import json
import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar
from uuid import UUID

import pytest
from prefect.client.orchestration import get_client
from prefect.deployments import run_deployment

from infra.prefect.prefect_service import PrefectService
from tests.conftest import EXAMPLE, on_one_schedule
from tests.services.prefect_server import REPO, deploy, first_finished_run


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    from cdx.cli.scaffold import init_coalition

    target = tmp_path / "kenya-lnob"
    shutil.copytree(EXAMPLE, target, ignore=shutil.ignore_patterns("keys"))
    init_coalition(target)
    return target


class Webhook(http.server.BaseHTTPRequestHandler):
    received: ClassVar[list[dict[str, Any]]] = []

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", 0))
        Webhook.received.append(json.loads(self.rfile.read(length) or b"{}"))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        return


@pytest.fixture
def webhook() -> Iterator[str]:
    Webhook.received = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Webhook)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


def notify_steward(api: PrefectService, webhook: str) -> None:
    """As a steward sets it up: `cdx notify --webhook URL` against the server."""
    notified = api.run("cdx", "notify", "--webhook", webhook, timeout=120)
    assert notified.returncode == 0, notified.stdout[-3000:] + notified.stderr[-3000:]


def first_notification(timeout: float = 120) -> str:
    """The body of the first notification the webhook receives."""
    deadline = time.monotonic() + timeout
    while not Webhook.received and time.monotonic() < deadline:
        time.sleep(1)
    assert Webhook.received, "the automation sent no notification"
    return str(Webhook.received[0]["body"])


def test_a_scheduled_run_executes_on_the_worker_and_leaves_artifacts(
    api: PrefectService, workspace: Path
) -> None:
    deployment_id, _ = deploy(workspace, "health-scorecard", cron="* * * * *")
    try:
        run = first_finished_run(deployment_id)
    finally:
        with get_client(sync_client=True) as client:  # stop the every-minute schedule
            client.delete_deployment(UUID(deployment_id))
    assert run.state.type.value == "COMPLETED", api.log_tail("worker.log")
    assert run.name == "kenya-lnob/health-scorecard@1.0.0"
    committed = workspace.parent / "catalogue" / "kenya-lnob/health-scorecard/1.0.0"
    assert (committed / "manifest.sig").is_file()
    with get_client(sync_client=True) as client:
        from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId

        artifacts = client.read_artifacts(
            artifact_filter=ArtifactFilter(flow_run_id=ArtifactFilterFlowRunId(any_=[run.id]))
        )
    summary = next(a for a in artifacts if a.key == "publish-kenya-lnob-health-scorecard")
    assert "Verdict: valid" in str(summary.data)


def test_a_failed_publish_notifies_as_a_failure_of_the_data(
    api: PrefectService, workspace: Path, webhook: str
) -> None:
    notify_steward(api, webhook)
    data = workspace / "data" / "health-scorecard-2026q1.csv"
    data.write_text(data.read_text().replace(",3,", ",30,", 1))
    _, name = deploy(workspace, "health-scorecard", cron="0 0 1 1 *")
    run = run_deployment(name=name, timeout=300)
    assert run.state is not None and run.state.type.value == "FAILED"
    assert "[dataset-invalid]" in (run.state.message or "")
    body = first_notification()
    assert "Failure of the DATA" in body and "kenya-lnob/health-scorecard@1.0.0" in body
    assert "Failure of the SYSTEM" not in body


def test_prefect_deploy_all_registers_the_deployments_of_prefect_yaml(api: PrefectService) -> None:
    result = api.run("prefect", "--no-prompt", "deploy", "--all")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    with get_client(sync_client=True) as client:
        names = {d.name for d in client.read_deployments()}
        scorecard = client.read_deployment_by_name("publish_dataset/kenya-lnob-health-scorecard")
    assert {
        "kenya-lnob-health-scorecard",
        "kenya-lnob-youth-survey",
        "kenya-lnob-freshness",
    } <= names
    assert scorecard.work_pool_name == "cdx-process"
    assert scorecard.parameters == {
        "config_path": "examples/kenya-lnob/coalition.yaml",
        "dataset": "health-scorecard",
    }
    assert scorecard.schedules[0].schedule.cron == "0 6 5 1,4,7,10 *"  # type: ignore[union-attr]
    # prefect.yaml's `concurrency_limit: *one_at_a_time` gives what `cdx deploy` gives
    # (tests/integration/test_prefect_runs.py shows the runs taking turns).
    assert scorecard.global_concurrency_limit is not None
    assert scorecard.global_concurrency_limit.limit == 1
    assert scorecard.concurrency_options is not None
    assert scorecard.concurrency_options.collision_strategy.value == "ENQUEUE"


def test_datasets_on_one_schedule_are_deployed_and_run_together_and_stale_ones_removed(
    api: PrefectService, workspace: Path
) -> None:
    from cdx.core.coalition import load_coalition
    from cdx.flows.deployments import apply_deployments, deployment_specs, remove_stale_deployments

    config = workspace / "coalition.yaml"
    apply_deployments(deployment_specs(load_coalition(config), str(config)), source=REPO)
    untagged_id, untagged = deploy(workspace, "youth-survey", cron="0 0 1 1 *")  # not cdx's
    on_one_schedule(config)
    specs = deployment_specs(load_coalition(config), str(config))
    ids = apply_deployments(specs, source=REPO)  # as `cdx deploy` does: apply, then remove
    remove_stale_deployments(specs)
    try:
        with get_client(sync_client=True) as client:
            names = {d.name for d in client.read_deployments()}
        assert "kenya-lnob-together-0-6-5-1-4-7-10-africa-nairobi" in names
        assert not {"kenya-lnob-health-scorecard", "kenya-lnob-youth-survey"} & names
        assert untagged.split("/", 1)[1] in names, "a deployment cdx did not make was removed"
        run = run_deployment(
            name="publish_coalition/kenya-lnob-together-0-6-5-1-4-7-10-africa-nairobi",
            timeout=300,
        )
    finally:
        with get_client(sync_client=True) as client:
            for deployment_id in [*ids, untagged_id]:
                client.delete_deployment(UUID(deployment_id))
    assert run.state is not None and run.state.type.value == "COMPLETED", api.log_tail("worker.log")
    assert run.name == "kenya-lnob: 2 datasets"
    for dataset in ("health-scorecard", "youth-survey"):
        committed = workspace.parent / "catalogue" / "kenya-lnob" / dataset / "1.0.0"
        assert (committed / "manifest.sig").is_file()
    with get_client(sync_client=True) as client:
        from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId

        artifacts = client.read_artifacts(
            artifact_filter=ArtifactFilter(flow_run_id=ArtifactFilterFlowRunId(any_=[run.id]))
        )
        tasks = {
            t.name: t.state.name if t.state else None
            for t in client.read_task_runs()
            if t.flow_run_id == run.id
        }
    assert {"publish-kenya-lnob-health-scorecard", "publish-kenya-lnob-youth-survey"} <= {
        a.key for a in artifacts
    }
    assert tasks["kenya-lnob/health-scorecard@1.0.0"] == "Completed"
    assert tasks["kenya-lnob/youth-survey@1.0.0"] == "Completed"


def test_a_failed_coalition_run_notifies_naming_data_and_system_failures(
    api: PrefectService, workspace: Path, webhook: str
) -> None:
    from cdx.core.coalition import load_coalition
    from cdx.flows.deployments import apply_deployments, deployment_specs

    notify_steward(api, webhook)
    data = workspace / "data" / "health-scorecard-2026q1.csv"
    data.write_text(data.read_text().replace(",3,", ",30,", 1))  # a failure of the data
    (workspace / "data" / "youth-survey-2026.xlsx").unlink()  # of the system, for cdx
    config = workspace / "coalition.yaml"
    on_one_schedule(config)
    (together,) = [
        spec
        for spec in deployment_specs(load_coalition(config), str(config))
        if spec.entrypoint.endswith(":publish_coalition")
    ]
    together = dataclasses.replace(together, name=f"{together.name}-{workspace.parent.name}"[:60])
    (deployment_id,) = apply_deployments([together], source=REPO)
    try:
        run = run_deployment(name=f"publish_coalition/{together.name}", timeout=300)
    finally:
        with get_client(sync_client=True) as client:
            client.delete_deployment(UUID(deployment_id))
    assert run.state is not None and run.state.type.value == "FAILED"
    assert "[datasets-failed] 2 of 2 datasets failed" in (run.state.message or "")
    body = first_notification()
    assert "kenya-lnob: 2 datasets" in body
    assert "Failure of the DATA" in body and "Failure of the SYSTEM" in body
    assert "failure of the data (dataset-invalid): health-scorecard" in body
    assert "failure of the system: youth-survey (" in body
