"""A killed `cdx publish` leaves no Prefect server behind (issue item 9).

Without PREFECT_API_URL, a publish runs its flows against a temporary Prefect API
server in a child process. The test starts `cdx publish` as a person would, waits for
that server to answer, SIGKILLs the publisher (no atexit, no finally) and looks for
the server among all processes by a mark in its environment.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SERVER_APP = "prefect.server.api.server:create_app"


def servers_marked(mark: str) -> list[int]:
    """Pids of Prefect API servers whose environment carries `mark`."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes()
            environment = (entry / "environ").read_bytes()
        except OSError:  # gone meanwhile, or not ours to read
            continue
        if SERVER_APP.encode() in command and f"CDX_TEST_MARK={mark}".encode() in environment:
            found.append(int(entry.name))
    return found


def wait_for(condition, timeout: float) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def test_a_killed_publish_leaves_no_prefect_server_running(tmp_path: Path) -> None:
    workspace = tmp_path / "kenya-lnob"
    example = REPO / "examples" / "kenya-lnob"
    shutil.copytree(example, workspace, ignore=shutil.ignore_patterns("keys"))
    mark = uuid.uuid4().hex
    env = {
        **os.environ,
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "NO_COLOR": "1",
        "CDX_TEST_MARK": mark,
        "PREFECT_HOME": str(tmp_path / "prefect-home"),
    }
    env.pop("PREFECT_API_URL", None)
    cdx = [sys.executable, "-m", "cdx.cli.app"]
    subprocess.run([*cdx, "init", "."], cwd=workspace, env=env, check=True, capture_output=True)
    publisher = subprocess.Popen(
        [*cdx, "publish", "--prefect"],
        cwd=workspace,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        assert wait_for(lambda: servers_marked(mark), timeout=120), "no server started"
        time.sleep(1.0)  # the publish is under way against it
    finally:
        publisher.send_signal(signal.SIGKILL)
        publisher.wait(timeout=30)
    try:
        assert wait_for(lambda: not servers_marked(mark), timeout=15), (
            f"orphaned Prefect servers: {servers_marked(mark)}"
        )
    finally:
        for pid in servers_marked(mark):  # only what this test started
            os.kill(pid, signal.SIGKILL)
