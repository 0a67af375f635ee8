"""Session fixture: a real `prefect server start` with a process work pool and worker.

Also what the tests of deployed runs share: the `api` fixture (the client talks to that
server), `deploy` (a publish deployment on the worker's pool, made the way `cdx deploy`
makes them), and polling helpers that read runs, their state history and their process.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import secrets
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar
from uuid import UUID

import pytest

from infra.prefect.prefect_service import PrefectService, PrefectServiceError

REPO = Path(__file__).resolve().parents[2]
TERMINAL = {"COMPLETED", "FAILED", "CRASHED", "CANCELLED"}
NEVER = "0 0 1 1 *"  # a schedule that does not fire during a test: runs are made by hand
T = TypeVar("T")


def _psql(sql: str) -> None:
    subprocess.run(
        [
            "psql",
            "-h",
            "127.0.0.1",
            "-U",
            "postgres",
            "-d",
            "postgres",
            "-v",
            "ON_ERROR_STOP=1",
            "-qc",
            sql,
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )


@contextlib.contextmanager
def prefect_on_postgres(extra_env: dict[str, str] | None = None) -> Iterator[PrefectService]:
    """A Prefect server, pool and worker on a fresh database of the local PostgreSQL; fails
    the test (never skips) when PostgreSQL is missing or the server does not start."""
    database = f"cdx_prefect_{secrets.token_hex(4)}"
    try:
        _psql(f'CREATE DATABASE "{database}"')
    except (OSError, subprocess.CalledProcessError) as error:
        detail = getattr(error, "stderr", b"") or b""
        pytest.fail(
            f"PostgreSQL at 127.0.0.1:5432 is needed for the Prefect server tests: {error} "
            f"{detail.decode(errors='replace')}",
            pytrace=False,
        )
    url = f"postgresql+asyncpg://postgres@127.0.0.1:5432/{database}"
    service = PrefectService(workdir=REPO, database_url=url, extra_env=extra_env)
    try:
        service.start()
    except (PrefectServiceError, OSError) as error:
        service.stop()
        _psql(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        pytest.fail(f"The Prefect test server could not start: {error}", pytrace=False)
    try:
        yield service
    finally:
        service.stop()
        _psql(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


@pytest.fixture(scope="session")
def prefect_server() -> Iterator[PrefectService]:
    """Prefect on its production database, PostgreSQL (a fresh database in the local one)."""
    with prefect_on_postgres() as service:
        yield service


@pytest.fixture
def api(prefect_server: PrefectService) -> Iterator[PrefectService]:
    """The session's Prefect server, with this process's client pointed at it."""
    from prefect.settings import PREFECT_API_URL, temporary_settings

    with temporary_settings({PREFECT_API_URL: prefect_server.url}):
        yield prefect_server


def deploy(workspace: Path, dataset: str, cron: str) -> tuple[str, str]:
    """Deploy a publish of `dataset` on the worker's pool; returns (id, full name).

    Through `apply_deployments`, as `cdx deploy` does: concurrency limit 1, ENQUEUE.
    """
    from cdx.flows.deployments import DeploymentSpec, apply_deployments

    name = f"test-{dataset}-{workspace.parent.name}"[:60]
    spec = DeploymentSpec(
        name=name,
        entrypoint="flows/publish.py:publish_dataset",
        parameters={"config_path": str(workspace / "coalition.yaml"), "dataset": dataset},
        cron=cron,
        timezone="UTC",
        description="integration test",
    )
    (deployment_id,) = apply_deployments([spec], source=REPO)
    return deployment_id, f"publish_dataset/{name}"


def wait_for(
    check: Callable[[], T | None],
    *,
    timeout: float,
    what: str,
    diagnose: Callable[[], str] | None = None,
) -> T:
    """Poll `check` every second until it returns something truthy; fail after `timeout`
    with `what` and, if given, what `diagnose()` says then (a log tail)."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            detail = f"\n{diagnose()}" if diagnose else ""
            raise AssertionError(f"waited {timeout:.0f} s for {what}{detail}")
        time.sleep(1)


def first_finished_run(deployment_id: str, timeout: float = 240) -> Any:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import DeploymentFilter, DeploymentFilterId

    def finished() -> Any:
        with get_client(sync_client=True) as client:
            runs = client.read_flow_runs(
                deployment_filter=DeploymentFilter(id=DeploymentFilterId(any_=[deployment_id]))
            )
        done = [r for r in runs if r.state and r.state.type.value in TERMINAL]
        return done[0] if done else None

    return wait_for(finished, timeout=timeout, what=f"a run of deployment {deployment_id}")


def read_run(flow_run_id: UUID) -> Any:
    from prefect.client.orchestration import get_client

    with get_client(sync_client=True) as client:
        return client.read_flow_run(flow_run_id)


def finished_run(flow_run_id: UUID, timeout: float) -> Any:
    """The flow run once it is in a terminal state."""

    def final() -> Any:
        run = read_run(flow_run_id)
        return run if run.state and run.state.type.value in TERMINAL else None

    return wait_for(final, timeout=timeout, what=f"flow run {flow_run_id} to finish")


def state_history(flow_run_id: UUID) -> list[Any]:
    """Every state the run has been in, oldest first."""
    from prefect.client.orchestration import get_client

    with get_client(sync_client=True) as client:
        states = client.read_flow_run_states(flow_run_id)
    return sorted(states, key=lambda state: state.timestamp)


def running_intervals(flow_run_id: UUID) -> list[tuple[dt.datetime, dt.datetime | None]]:
    """[start, end) of each time the run was Running, from its state history."""
    history = state_history(flow_run_id)
    intervals: list[tuple[dt.datetime, dt.datetime | None]] = []
    for index, state in enumerate(history):
        if state.type.value == "RUNNING":
            following = history[index + 1].timestamp if index + 1 < len(history) else None
            intervals.append((state.timestamp, following))
    return intervals


def task_runs(flow_run_id: UUID, name: str) -> list[Any]:
    """The run's task runs whose name starts with `name` (Prefect adds a suffix)."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

    with get_client(sync_client=True) as client:
        runs = client.read_task_runs(
            flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[flow_run_id]))
        )
    return [r for r in runs if r.name.startswith(f"{name}-")]


def flow_run_process(flow_run_id: UUID) -> int:
    """The process id of the process executing the flow run (Linux).

    The worker records it as the run's infrastructure_pid; it is only trusted when that
    process's environment names this flow run, so a recycled pid is never signalled.
    """
    run = read_run(flow_run_id)
    assert run.infrastructure_pid, f"flow run {flow_run_id} has no infrastructure_pid"
    pid = int(str(run.infrastructure_pid).rsplit(":", 1)[-1])
    environ = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
    assert f"PREFECT__FLOW_RUN_ID={flow_run_id}".encode() in environ, (
        f"process {pid} is not the process of flow run {flow_run_id}"
    )
    return pid
