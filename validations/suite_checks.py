"""Remember which suite files GX has already accepted, so a run need not import GX to know.

Checking a suite's expectations needs Great Expectations, whose import costs seconds and
hundreds of MiB. A scheduled publish reads the same suite file every time, and on clean
data the columnar engine never needs GX otherwise (validations/columnar_suite.py). So
once GX has accepted a suite, a marker named by the SHA-256 of the file's bytes and the
GX version is written under the user's cache directory; the same bytes with the same GX
are then accepted without importing it. Any change to the file, or another GX release,
is checked again. Only acceptances are remembered, never refusals.
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


def _marker(content: bytes) -> Path | None:
    try:
        gx = version("great-expectations")
    except PackageNotFoundError:
        return None
    digest = hashlib.sha256(content).hexdigest()
    return cache_dir() / "suites-accepted" / f"{digest}-gx{gx}"


def already_accepted(content: bytes) -> bool:
    marker = _marker(content)
    return marker is not None and marker.is_file()


def remember_accepted(content: bytes) -> None:
    """Best effort: a cache that cannot be written only costs the next run the GX import."""
    marker = _marker(content)
    if marker is None:
        return
    try:
        marker.parent.mkdir(parents=True, exist_ok=True)
        marker.touch()
    except OSError:
        pass
