"""A real Prefect server, a process work pool and a worker, on loopback.

`PrefectService` runs `prefect server start` (SQLite under a temporary PREFECT_HOME by
default; PostgreSQL when `database_url` is given), creates the `cdx-process` work pool
and starts `prefect worker start` on it. The scheduler and the worker poll every few
seconds instead of Prefect's production intervals, so a scheduled run starts within a
minute. Used by the integration tests and by infra/prefect/up.sh.

Run `python infra/prefect/prefect_service.py` to start one by hand; it prints the API
URL and runs until Ctrl-C.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType

POOL = "cdx-process"
STARTUP_TIMEOUT_S = 120.0


class PrefectServiceError(RuntimeError):
    """The Prefect server or worker could not start."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class PrefectService:
    def __init__(
        self,
        *,
        home: Path | None = None,
        database_url: str | None = None,
        prefect: str | None = None,
        workdir: Path | None = None,
        extra_env: Mapping[str, str] | None = None,
    ):
        self._tmp = tempfile.TemporaryDirectory(prefix="cdx-prefect-")
        self.home = home or Path(self._tmp.name) / "home"
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/api"
        self.database_url = database_url
        self.prefect = prefect or str(Path(sys.executable).with_name("prefect"))
        self.workdir = workdir or Path.cwd()
        self.log_dir = Path(self._tmp.name)
        self.extra_env = dict(extra_env or {})  # e.g. settings for the worker's flow runs
        self._server: subprocess.Popen[bytes] | None = None
        self._worker: subprocess.Popen[bytes] | None = None

    @property
    def env(self) -> dict[str, str]:
        """Environment for anything that should talk to this server."""
        env = {
            **os.environ,
            "PREFECT_HOME": str(self.home),
            "PREFECT_API_URL": self.url,
            "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
            "PREFECT_SERVER_SERVICES_SCHEDULER_LOOP_SECONDS": "2",
            "PREFECT_WORKER_QUERY_SECONDS": "2",
            "PREFECT_WORKER_PREFETCH_SECONDS": "60",
            "PREFECT_UI_ENABLED": "false",
            "CDX_HOME": str(self.workdir),
        }
        if self.database_url:
            env["PREFECT_API_DATABASE_CONNECTION_URL"] = self.database_url
        return {**env, **self.extra_env}

    def start(self) -> PrefectService:
        self.home.mkdir(parents=True, exist_ok=True)
        self._server = self._spawn(
            [self.prefect, "server", "start", "--host", "127.0.0.1", "--port", str(self.port)],
            "server.log",
        )
        self._wait_healthy()
        subprocess.run(
            [self.prefect, "work-pool", "create", POOL, "--type", "process", "--overwrite"],
            env=self.env,
            check=True,
            capture_output=True,
            timeout=120,
        )
        self.start_worker()
        return self

    def start_worker(self) -> None:
        self._worker = self._spawn(
            [self.prefect, "worker", "start", "--pool", POOL, "--type", "process"], "worker.log"
        )

    def kill_worker(self) -> None:
        """SIGKILL the worker's process group (a crash, not a shutdown).

        This does not kill the flow runs it started: Prefect 3.8's process worker starts
        each flow-run process in its own session, so they run on without it, and a run
        whose process dies too stays Running (docs/architecture.md, crash recovery).
        """
        if self._worker and self._worker.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self._worker.pid, signal.SIGKILL)
            self._worker.wait(timeout=30)

    def stop(self) -> None:
        for process in (self._worker, self._server):
            if process is None or process.poll() is not None:
                continue
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)
        self._tmp.cleanup()

    def run(self, *command: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
        """Run a command (`prefect …`, `cdx …`) against this server from the working
        directory; never raises on failure, the caller reads returncode and output."""
        program = {"prefect": [self.prefect], "cdx": [sys.executable, "-m", "cdx.cli.app"]}
        argv = program.get(command[0], [command[0]]) + list(command[1:])
        return subprocess.run(
            argv,
            cwd=self.workdir,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )

    def log_tail(self, name: str, lines: int = 40) -> str:
        path = self.log_dir / name
        return (
            "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
            if path.exists()
            else ""
        )

    def __enter__(self) -> PrefectService:
        return self.start()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def _spawn(self, command: list[str], log_name: str) -> subprocess.Popen[bytes]:
        log = (self.log_dir / log_name).open("ab")
        return subprocess.Popen(
            command,
            env=self.env,
            cwd=self.workdir,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: stop() ends the children too
        )

    def _wait_healthy(self) -> None:
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while time.monotonic() < deadline:
            if self._server is not None and self._server.poll() is not None:
                raise PrefectServiceError(
                    "prefect server start exited early:\n" + self.log_tail("server.log")
                )
            try:
                with urllib.request.urlopen(f"{self.url}/health", timeout=2) as answer:
                    if answer.status == 200:
                        return
            except OSError:
                time.sleep(0.5)
        raise PrefectServiceError(
            f"Prefect API not healthy after {STARTUP_TIMEOUT_S:.0f} s:\n"
            + self.log_tail("server.log")
        )


if __name__ == "__main__":
    with PrefectService(workdir=Path(__file__).resolve().parents[2]) as service:
        print(f"PREFECT_API_URL={service.url}")
        print(f"work pool {POOL} with a process worker; logs in {service.log_dir}")
        print(f"export PREFECT_API_URL={service.url} CDX_HOME={service.workdir}")
        with contextlib.suppress(KeyboardInterrupt):
            while True:
                time.sleep(3600)
