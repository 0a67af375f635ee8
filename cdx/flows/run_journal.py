"""The coalition's run history without a server: one JSON line per run event.

`<work dir>/runs.jsonl` (default `.cdx/runs.jsonl` beside coalition.yaml) gets a
`Running` line when a publish starts and a `Completed` or `Failed` line when it ends.
A run whose last line is `Running` and whose process is gone was killed: it reads as
`Crashed`. `cdx status --runs` reads this file when no Prefect server is configured.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import fcntl
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cdx.core.i18n import tr

JOURNAL = "runs.jsonl"


@dataclass(frozen=True)
class RunEvent:
    """One line of the journal: a run started, or how it ended."""

    run_id: str
    coalition: str
    dataset: str
    version: str
    state: str  # Running, Completed, Failed
    started: str
    ended: str = ""
    error_code: str = ""
    message: str = ""
    where: str = ""  # a refused run: its quarantined report
    hint: str = ""  # how to fix it, as the error said
    findings: list[str] = field(default_factory=list)  # a refused run's first, values masked
    catalogues: dict[str, str] = field(default_factory=dict)  # name → status
    pid: int = field(default_factory=os.getpid)

    def ending(self, state: str, **changes: Any) -> RunEvent:
        """The line that ends this run."""
        return dataclasses.replace(self, state=state, ended=now(), **changes)


def now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def record(work_dir: Path, event: RunEvent) -> None:
    """Append one line; a lock keeps lines of concurrent publishers whole."""
    work_dir.mkdir(parents=True, exist_ok=True)
    line = json.dumps(dataclasses.asdict(event), ensure_ascii=False) + "\n"
    with (work_dir / JOURNAL).open("a", encoding="utf-8") as journal:
        fcntl.flock(journal, fcntl.LOCK_EX)
        journal.write(line)


def events(work_dir: Path) -> list[RunEvent]:
    """Every readable line, oldest first (a line cut by a kill is skipped)."""
    path = work_dir / JOURNAL
    if not path.exists():
        return []
    found = []
    names = {f.name for f in dataclasses.fields(RunEvent)}
    for line in path.read_text(encoding="utf-8").splitlines():
        with contextlib.suppress(ValueError, TypeError):
            data = json.loads(line)
            found.append(RunEvent(**{k: v for k, v in data.items() if k in names}))
    return found


def last_runs(work_dir: Path, coalition: str) -> dict[str, dict[str, Any]]:
    """Each dataset's latest run, as `cdx status --runs` shows it."""
    latest: dict[str, RunEvent] = {}
    for event in events(work_dir):
        if event.coalition == coalition:
            latest[event.dataset] = event
    return {name: _as_row(event) for name, event in latest.items()}


def _as_row(event: RunEvent) -> dict[str, Any]:
    state, message = event.state, event.message
    hint = event.hint
    if state == "Running" and not _alive(event.pid):
        state, message = "Crashed", tr("the publishing process stopped before the run ended")
        hint = tr(
            "publish the dataset again; `cdx catalogue gc` removes what the stopped run "
            "left in the catalogue"
        )
    if event.error_code and not message.startswith(f"[{event.error_code}]"):
        message = f"[{event.error_code}] {message}"
    return {
        "last_run": state,
        "last_run_at": event.ended or event.started,
        "last_run_message": message if len(message) <= 200 else message[:200],
        "last_run_report": event.where,
        "last_run_hint": hint,
        "last_run_findings": event.findings,
    }


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
