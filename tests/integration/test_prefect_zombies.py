"""A publish run whose worker and process are both killed is set Crashed by the zombie
automation of flows/zombies.py; a run that keeps sending heartbeats meanwhile is not.

Prefect 3.8.8 alone leaves such a run Running forever (PrefectHQ/prefect#16746). The
server here is this module's own: flow runs send heartbeats every 30 s (the minimum),
the automation crashes a run after 60 s without one, and the test kills the worker.
Runs are stopped mid-publish as in test_prefect_runs.py, by holding the local
catalogue's lock of the version they publish.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterDeploymentId
from prefect.deployments import run_deployment
from prefect.events.filters import (
    EventFilter,
    EventNameFilter,
    EventOccurredFilter,
    EventResourceFilter,
)

from cdx.flows.zombies import ensure_zombie_automation, zombie_message
from infra.prefect.prefect_service import PrefectService
from tests.integration.test_prefect_runs import (
    SCORECARD,
    SURVEY,
    blocked_in_publish,
    publish_summary,
    publisher_holding,
)
from tests.services.prefect_server import (
    NEVER,
    REPO,
    deploy,
    finished_run,
    flow_run_process,
    prefect_on_postgres,
    read_run,
    state_history,
    wait_for,
)

pytestmark = pytest.mark.integration

HEARTBEAT_S = 30
WITHIN_S = 60


@pytest.fixture(scope="module")
def heartbeat_server() -> Iterator[PrefectService]:
    """A server of this module only: its worker gets killed, its flow runs send heartbeats."""
    with prefect_on_postgres({"PREFECT_FLOWS_HEARTBEAT_FREQUENCY": str(HEARTBEAT_S)}) as service:
        yield service


@pytest.fixture
def api(heartbeat_server: PrefectService) -> Iterator[PrefectService]:
    from prefect.settings import PREFECT_API_URL, temporary_settings

    with temporary_settings({PREFECT_API_URL: heartbeat_server.url}):
        yield heartbeat_server


def heartbeats(flow_run_id: UUID, since: dt.datetime) -> list[dt.datetime]:
    """When the run's heartbeats that the server has stored occurred, since `since`."""
    with get_client(sync_client=True) as client:
        page = client.read_events(
            filter=EventFilter(
                occurred=EventOccurredFilter(since=since, until=dt.datetime.now(dt.UTC)),
                event=EventNameFilter(name=["prefect.flow-run.heartbeat"]),
                resource=EventResourceFilter(id=[f"prefect.flow-run.{flow_run_id}"]),
            ),
            limit=50,
        )
    return sorted(event.occurred for event in page.events)


def run_without_deployment() -> Any:
    """The flow run that `cdx publish` runs in its own process (no deployment)."""
    with get_client(sync_client=True) as client:
        runs = client.read_flow_runs(
            flow_run_filter=FlowRunFilter(deployment_id=FlowRunFilterDeploymentId(is_null_=True))
        )
    return runs[0] if runs else None


def test_a_run_whose_machine_is_lost_is_crashed_and_one_sending_heartbeats_is_not(
    api: PrefectService, coalition_dir: Path, tmp_path: Path
) -> None:
    ensure_zombie_automation(HEARTBEAT_S, within_seconds=WITHIN_S)
    scorecard_id, scorecard = deploy(coalition_dir, "health-scorecard", cron=NEVER)
    local = coalition_dir.parent / "catalogue"
    started = dt.datetime.now(dt.UTC)
    publish_log = tmp_path / "cdx-publish.log"

    with publisher_holding(local, SCORECARD), publisher_holding(local, SURVEY):
        # `lost` runs on the worker; `alive` is a `cdx publish` against the same server,
        # in a process of its own that nobody kills.
        lost = run_deployment(name=scorecard, timeout=0)
        config = str(coalition_dir / "coalition.yaml")
        with publish_log.open("wb") as log:
            publishing = subprocess.Popen(
                [sys.executable, "-m", "cdx.cli.app", "publish", "youth-survey", "-c", config],
                cwd=REPO,
                env=api.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        try:
            alive = wait_for(run_without_deployment, timeout=120, what="the cdx publish run")
            wait_for(
                lambda: all(blocked_in_publish(r.id, publishes_done=0) for r in (lost, alive)),
                timeout=240,
                what="both runs waiting mid-publish",
                diagnose=lambda: api.log_tail("worker.log") + publish_log.read_text()[-3000:],
            )
            wait_for(
                lambda: heartbeats(lost.id, started) and heartbeats(alive.id, started),
                timeout=2 * HEARTBEAT_S,
                what="a heartbeat of each run",
            )
            # The machine of `lost` is gone: its worker and its flow-run process die at
            # once (SIGKILL), so nothing is left to report the run.
            process = flow_run_process(lost.id)
            api.kill_worker()
            os.kill(process, signal.SIGKILL)
            killed, killed_at = dt.datetime.now(dt.UTC), time.monotonic()

            # Its last heartbeat came at most 30 s before the kill; the automation acts
            # 60 s after that heartbeat, at its next evaluation (every 5 s or so).
            crashed = finished_run(lost.id, timeout=WITHIN_S + 120)
            waited = time.monotonic() - killed_at
            assert crashed.state.type.value == "CRASHED", crashed.state
            assert crashed.state.message == zombie_message(WITHIN_S)
            assert [s.type.value for s in state_history(lost.id)][-2:] == ["RUNNING", "CRASHED"]
            assert waited >= WITHIN_S - HEARTBEAT_S, f"crashed {waited:.0f} s after the kill"

            # `alive` has been waiting as long, sending heartbeats: it stays Running for
            # more than a full window after the kill.
            while time.monotonic() < killed_at + WITHIN_S + 20:
                state = read_run(alive.id).state
                assert state.type.value == "RUNNING", state
                time.sleep(2)
            assert heartbeats(alive.id, killed), "no heartbeat of the live run after the kill"
        except BaseException:
            publishing.kill()  # it would wait for the lock forever
            raise

    # Let go of the locks: the live run finishes.
    assert publishing.wait(timeout=240) == 0, publish_log.read_text()[-3000:]
    done = read_run(alive.id)
    assert done.state.type.value == "COMPLETED", done.state
    assert "CRASHED" not in {s.type.value for s in state_history(alive.id)}
    assert (local / SURVEY.key / "manifest.sig").is_file()

    # The machine comes back with a new worker. The next run of the crashed dataset starts
    # at once (the crash freed the deployment's concurrency slot) and publishes.
    api.start_worker()
    recovered = run_deployment(name=scorecard, timeout=300)
    assert recovered.state is not None
    assert recovered.state.type.value == "COMPLETED", (recovered.state, api.log_tail("worker.log"))
    assert not [s for s in state_history(recovered.id) if s.name == "AwaitingConcurrencySlot"]
    assert "- local: published" in publish_summary(recovered.id)
    with get_client(sync_client=True) as client:
        client.delete_deployment(UUID(scorecard_id))


def test_cdx_deploy_creates_the_zombie_automation_once(
    api: PrefectService, coalition_dir: Path
) -> None:
    from prefect.events.schemas.automations import EventTrigger, Posture
    from prefect.events.schemas.events import ResourceSpecification

    from cdx.flows.zombies import AUTOMATION_NAME, FLOWS

    config = str(coalition_dir / "coalition.yaml")
    for _ in range(2):  # a second `cdx deploy` replaces the automation instead of adding one
        result = api.run("cdx", "deploy", "-c", config)
        assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
        assert "marked Crashed when their heartbeats stop" in result.stdout, result.stdout
    with get_client(sync_client=True) as client:
        (automation,) = client.read_automations_by_name(AUTOMATION_NAME)
        for deployment in client.read_deployments():
            client.delete_deployment(deployment.id)
    trigger = automation.trigger
    assert isinstance(trigger, EventTrigger)
    assert trigger.posture == Posture.Proactive
    assert trigger.after == {"prefect.flow-run.heartbeat"}
    assert trigger.for_each == {"prefect.resource.id"}
    # three intervals of this server's flow runs' setting (PREFECT_FLOWS_HEARTBEAT_FREQUENCY)
    assert trigger.within == dt.timedelta(seconds=3 * HEARTBEAT_S)
    related = trigger.match_related
    assert isinstance(related, ResourceSpecification)
    assert sorted(related["prefect.resource.name"]) == sorted(FLOWS)
