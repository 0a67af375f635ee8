"""Prefect's temporary API server, started by cdx and bound to the life of the process.

Without a configured server (PREFECT_API_URL), Prefect 3.8 starts one itself on first
use (`prefect.server.api.server.SubprocessASGIServer`) and stops it only from an
`atexit` hook: a `cdx publish` killed with SIGKILL (or OOM-killed) left it running,
~200 MB each (docs/decisions/0064-local-catalogue-crashes.md). cdx now starts the same
server itself, through a launcher that asks Linux to send it SIGTERM when its parent
dies (prctl PR_SET_PDEATHSIG, kept across exec), and points Prefect at it for the run.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator

# Runs in the server's process before it becomes the server: ask for SIGTERM when the
# parent dies, give up if the parent is already gone, then exec the server.
LAUNCHER = (
    "import ctypes, os, signal, sys\n"
    "if ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM) != 0:\n"  # PR_SET_PDEATHSIG
    "    sys.exit('cdx: prctl(PR_SET_PDEATHSIG) failed')\n"
    "if os.getppid() != int(sys.argv[1]):\n"
    "    sys.exit(0)\n"
    "os.execv(sys.executable, [sys.executable, *sys.argv[2:]])\n"
)
# Only the server's own process: nothing else in the command line carries this.
SERVER_APP = "prefect.server.api.server:create_app"


def needs_temporary_server() -> bool:
    """True when Prefect would start its own temporary server (none is configured)."""
    from prefect.settings import PREFECT_API_URL, PREFECT_SERVER_ALLOW_EPHEMERAL_MODE

    return (
        sys.platform.startswith("linux")
        and not PREFECT_API_URL.value()
        and bool(PREFECT_SERVER_ALLOW_EPHEMERAL_MODE.value())
    )


@contextlib.contextmanager
def temporary_server_for_this_process() -> Iterator[str | None]:
    """Run the block against a temporary server that dies with this process; its URL.

    Where Prefect has a configured server (or this is not Linux), nothing is started and
    Prefect behaves as before; the URL is then None.
    """
    if not needs_temporary_server():
        yield None
        return
    from prefect.settings import PREFECT_API_URL, temporary_settings

    process, url = _start()
    try:
        with temporary_settings({PREFECT_API_URL: url}):
            try:
                yield url
            finally:
                _drain_prefect_workers()
    finally:
        _stop(process)


def _drain_prefect_workers() -> None:
    """Send the logs and events still queued while the server is up.

    Prefect drains them at exit, before it stops its own server; stopping ours first left
    them retrying against a closed port until their timeouts (a minute per publish)."""
    from prefect.events.worker import EventsWorker
    from prefect.logging.handlers import APILogWorker

    for worker in (APILogWorker, EventsWorker):
        worker.drain_all(timeout=10)


def _start() -> tuple[subprocess.Popen[bytes], str]:
    from prefect.settings import PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS

    deadline = time.monotonic() + float(PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS.value())
    while True:
        port = _free_port()
        process = subprocess.Popen(_command(port), env=_environment())
        url = f"http://127.0.0.1:{port}/api"
        if _healthy(process, url, deadline):
            return process, url
        _stop(process)
        if process.returncode != 3 or time.monotonic() > deadline:  # 3: the port was taken
            raise RuntimeError(
                f"Prefect's temporary API server did not start (exit code {process.returncode})"
            )


def _command(port: int) -> list[str]:
    import prefect

    server = [
        "-m",
        "uvicorn",
        "--app-dir",
        str(prefect.__module_path__.parent),
        "--factory",
        SERVER_APP,
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--log-level",
        "error",
        "--lifespan",
        "on",
    ]
    return [sys.executable, "-c", LAUNCHER, str(os.getpid()), *server]


def _environment() -> dict[str, str]:
    """What Prefect gives its own temporary server (server.py, `_run_uvicorn_command`)."""
    from prefect.settings import get_current_settings

    return {
        **os.environ,
        "PREFECT_UI_ENABLED": "0",
        "PREFECT__SERVER_EPHEMERAL": "1",
        "PREFECT__SERVER_FINAL": "1",
        **get_current_settings().to_environment_variables(exclude_unset=True),
    }


def _healthy(process: subprocess.Popen[bytes], url: str, deadline: float) -> bool:
    import httpx

    with httpx.Client(timeout=5) as client:
        while time.monotonic() < deadline and process.poll() is None:
            with contextlib.suppress(httpx.HTTPError):
                if client.get(f"{url}/health").status_code == 200:
                    return True
            time.sleep(0.1)
    return False


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port
