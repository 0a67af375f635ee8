"""The local catalogue's own files beside the packages: temporaries, locks, discards.

Shared by the catalogue (which writes them) and its garbage collector (which removes
what a killed publisher left), so both agree on every name.
"""

from __future__ import annotations

import contextlib
import fcntl
import re
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

from cdx.core.errors import UnsafeName
from cdx.core.layout import SIGNATURE
from cdx.core.names import check_slug, is_version

CATALOG = "catalog.json"
CATALOG_DOCUMENT = "catalog.jsonld"  # the DCAT-AP catalogue (cdx/metadata)
KEYS = "keys.json"
TMP = ".cdx-tmp"
LOCKS = ".cdx-locks"
SIG_PREFIX = "signature-"  # a signature on its way into a version, in TMP
DISCARD_PREFIX = "discard-"  # an uncommitted version being removed, in TMP
# Where cdx used to write a signature's temporary, inside the version: only exactly this
# name is ever removed from a committed version.
STRAY_SIGNATURE = re.compile(rf"^\.{re.escape(SIGNATURE)}\.[0-9a-f]{{32}}$")
# catalog.json and keys.json are replaced through a temporary beside them.
TEMPORARY_JSON = re.compile(r"^\.(?P<name>catalog\.json|catalog\.jsonld|keys\.json)\.[0-9a-f]{32}$")


def temporary(root: Path, name: str) -> Path:
    """A path in the catalogue's temporary folder (same filesystem: renames work)."""
    folder = root / TMP
    folder.mkdir(parents=True, exist_ok=True)
    return folder / name


def discard(root: Path, path: Path) -> None:
    """Remove a directory: first out of sight (one rename), then its contents."""
    trash = temporary(root, f"{DISCARD_PREFIX}{uuid.uuid4().hex}")
    path.rename(trash)
    shutil.rmtree(trash, ignore_errors=True)


@contextlib.contextmanager
def lock(root: Path, name: str) -> Iterator[None]:
    """An exclusive `flock` named `name`; its file stays (removing it would let two in)."""
    folder = root / LOCKS
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / f"{name}.lock").open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def version_lock(coalition: str, dataset: str, version: str) -> str:
    """The name of the lock a version is published (and collected) under."""
    return f"{coalition}.{dataset}.{version}"


def keys_lock(coalition: str) -> str:
    return f"{coalition}.keys"


CATALOG_LOCK = "catalog"


def stray_signatures(version: Path) -> list[Path]:
    """Signature temporaries an earlier cdx, killed mid-commit, left inside `version`."""
    return [p for p in version.iterdir() if STRAY_SIGNATURE.match(p.name)]


def committed_versions(root: Path, coalition: str) -> Iterator[tuple[tuple[str, str], Path]]:
    """(dataset, version) and folder of each committed version of the coalition."""
    base = root / coalition
    if not base.is_dir():
        return
    for dataset in sorted(p for p in base.iterdir() if p.is_dir() and _is_slug(p.name)):
        for folder in sorted(dataset.iterdir()):
            if is_version(folder.name) and (folder / SIGNATURE).is_file():
                yield (dataset.name, folder.name), folder


def coalition_folders(root: Path) -> list[str]:
    """The coalitions' folders under `root` (not .cdx-tmp, .cdx-locks or anything else)."""
    if not root.is_dir():
        return []
    return [p.name for p in sorted(root.iterdir()) if p.is_dir() and _is_slug(p.name)]


def _is_slug(name: str) -> bool:
    try:
        check_slug(name, what="coalition id")
    except UnsafeName:
        return False
    return True
