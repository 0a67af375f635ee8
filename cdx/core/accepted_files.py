"""Remember which files a checker has already accepted, so a run need not import it to know.

Checking a GX suite needs Great Expectations and checking a Table Schema needs
frictionless-py, both slow to import (docs/decisions/0037-accepted-files-cache.md). A
scheduled publish reads the same files every time, and on clean data the columnar engine
needs neither library otherwise (cdx/validations/expectations/columnar.py). So once a checker has
accepted a file, a marker named by the SHA-256 of the file's bytes and the checker's
version is written under the user's cache directory; the same bytes with the same
release are then accepted without importing it. Any change to the file, or another
release, is checked again. Only acceptances are remembered, never refusals.
"""

from __future__ import annotations

import hashlib
import os
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path


def cache_dir() -> Path:
    """$CDX_CACHE_DIR, else $XDG_CACHE_HOME/cdx, else ~/.cache/cdx."""
    if explicit := os.environ.get("CDX_CACHE_DIR"):
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "cdx"


def _marker(content: bytes, checker: str, checks: int) -> Path | None:
    try:
        release = version(checker)
    except PackageNotFoundError:
        return None
    digest = hashlib.sha256(content).hexdigest()
    ours = f"-checks{checks}" if checks else ""
    return cache_dir() / f"accepted-by-{checker}" / f"{digest}-{release}{ours}"


def already_accepted(content: bytes, checker: str, checks: int = 0) -> bool:
    """Whether `checker` (a distribution name) accepted these bytes before, in its release,
    with cdx's own checks beside it at `checks` (a number cdx raises when it refuses more:
    a file accepted by fewer checks is checked again)."""
    marker = _marker(content, checker, checks)
    return marker is not None and marker.is_file()


def remember_accepted(content: bytes, checker: str, checks: int = 0) -> None:
    """Best effort: a cache that cannot be written only costs the next run the import."""
    marker = _marker(content, checker, checks)
    if marker is None:
        return
    try:
        marker.parent.mkdir(parents=True, exist_ok=True)
        marker.touch()
    except OSError:
        pass
