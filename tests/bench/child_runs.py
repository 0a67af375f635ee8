"""A benchmark's measurement in a process of its own: fresh imports, its own peak RSS.

The script is run again with `--child` and the arguments; it prints its result as JSON
on its last line.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any


def in_child(
    script: str, *arguments: str, cwd: Path | None = None, env: dict[str, str] | None = None
) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, script, "--child", *arguments],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
    )
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(arguments[:1])} failed:\n{done.stderr[-3000:]}")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))
