"""Garbage collection for the local catalogue: what killed publishers leave behind.

Each kind only when older than the given age (its newest file counts, so a copy still
being written is young):

- in `<root>/.cdx-tmp/`: staged copies, discarded versions and signature temporaries;
- temporaries of catalog.json and keys.json (`.catalog.json.<hex>`, `.keys.json.<hex>`),
  taken under the lock their writer holds, so a live writer's is never removed;
- an uncommitted version folder (no manifest.sig), removed under the version's lock
  and only if still uncommitted then, as a publisher would replace it;
- a signature temporary an earlier cdx left inside a committed version: exactly the
  name `.manifest.sig.<32 hex>`, nothing else in a committed version is touched.

The catalogue adds the committed versions catalog.json misses, and with `apply` indexes
them (`LocalCatalogue.reindex`). The lock files in `.cdx-locks` are never removed: a
lock file removed while held would let a second holder in.
"""

from __future__ import annotations

import datetime as dt
import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from cdx.connectors.local.files import (
    CATALOG,
    CATALOG_DOCUMENT,
    CATALOG_LOCK,
    DISCARD_PREFIX,
    SIG_PREFIX,
    TEMPORARY_JSON,
    TMP,
    coalition_folders,
    discard,
    keys_lock,
    lock,
    stray_signatures,
    version_lock,
)
from cdx.core.layout import SIGNATURE

GarbageKind = Literal[
    "staged copy",
    "discarded version",
    "signature temporary",
    "index temporary",
    "uncommitted version",
    "stray signature",
    "unindexed version",
]


@dataclass(frozen=True)
class Garbage:
    """One thing the collector found: what, where, how old, and whether it was dealt with."""

    kind: GarbageKind
    location: str
    age: dt.timedelta
    removed: bool

    @classmethod
    def unindexed(
        cls, root: Path, coalition: str, dataset: str, version: str, *, indexed: bool
    ) -> Garbage:
        """A committed version catalog.json does not list (yet, or `indexed` now)."""
        signature = root / coalition / dataset / version / SIGNATURE
        age = dt.timedelta(seconds=max(0.0, time.time() - signature.stat().st_mtime))
        return cls("unindexed version", f"{coalition}/{dataset}@{version}", age, indexed)

    @property
    def remedy(self) -> str:
        return "index" if self.kind == "unindexed version" else "remove"

    def describe(self) -> str:
        hours = self.age.total_seconds() / 3600
        return f"{self.kind}: {self.location} ({hours:.1f} h old)"

    def to_dict(self) -> dict[str, object]:
        return {
            "kind": self.kind,
            "location": self.location,
            "ageSeconds": round(self.age.total_seconds()),
            "remedy": self.remedy,
            "removed": self.removed,
        }


def collect_garbage(
    root: Path, older_than: dt.timedelta, *, apply: bool, coalitions: list[str] | None = None
) -> list[Garbage]:
    """Find (and with `apply`, remove) leftovers; `coalitions` limits the search to their
    folders (the catalogue-wide `.cdx-tmp` and catalog.json temporaries are then left)."""
    now = time.time()
    found: list[Garbage] = []
    if coalitions is None:
        found.extend(_temporaries(root / TMP, now, older_than, apply))
        found.extend(_json_temporaries(root, root, now, older_than, apply))
    for coalition in coalitions or coalition_folders(root):
        if (root / coalition).is_dir():
            found.extend(_json_temporaries(root, root / coalition, now, older_than, apply))
            found.extend(_versions(root, coalition, now, older_than, apply))
    return found


def _temporaries(folder: Path, now: float, older_than: dt.timedelta, apply: bool) -> list[Garbage]:
    if not folder.is_dir():
        return []
    found = []
    for leftover in sorted(folder.iterdir()):
        age = _age(leftover, now)
        if age is None or age <= older_than:
            continue
        kind: GarbageKind = (
            "discarded version"
            if leftover.name.startswith(DISCARD_PREFIX)
            else "signature temporary"
            if leftover.name.startswith(SIG_PREFIX)
            else "staged copy"
        )
        if apply:
            _remove(leftover)
        found.append(Garbage(kind, str(leftover), age, apply))
    return found


def _json_temporaries(
    root: Path, folder: Path, now: float, older_than: dt.timedelta, apply: bool
) -> list[Garbage]:
    found = []
    for leftover in sorted(folder.glob(".*.json*.*")):
        match = TEMPORARY_JSON.match(leftover.name)
        age = _age(leftover, now)
        if not match or age is None or age <= older_than:
            continue
        if apply:
            # Its writer holds this lock from writing the temporary until the rename.
            name = (
                CATALOG_LOCK
                if match["name"] in (CATALOG, CATALOG_DOCUMENT)
                else keys_lock(folder.name)
            )
            with lock(root, name):
                leftover.unlink(missing_ok=True)
        found.append(Garbage("index temporary", str(leftover), age, apply))
    return found


def _versions(
    root: Path, coalition: str, now: float, older_than: dt.timedelta, apply: bool
) -> list[Garbage]:
    found = []
    for dataset in sorted(p for p in (root / coalition).iterdir() if p.is_dir()):
        for folder in sorted(p for p in dataset.iterdir() if p.is_dir()):
            committed = (folder / SIGNATURE).is_file()
            for leftover in stray_signatures(folder) if committed else [folder]:
                age = _age(leftover, now)
                if age is None or age <= older_than:
                    continue
                removed = False
                if apply:
                    with lock(root, version_lock(coalition, dataset.name, folder.name)):
                        if committed:
                            leftover.unlink(missing_ok=True)
                            removed = True
                        # Committed meanwhile? Then the folder is a version, not garbage.
                        elif leftover.exists() and not (folder / SIGNATURE).exists():
                            discard(root, leftover)
                            removed = True
                kind: GarbageKind = "stray signature" if committed else "uncommitted version"
                found.append(Garbage(kind, str(leftover), age, removed))
    return found


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def _age(path: Path, now: float) -> dt.timedelta | None:
    """Time since anything in `path` last changed; None if it is gone already."""
    try:
        newest = path.lstat().st_mtime
        if path.is_dir() and not path.is_symlink():
            for inner in path.rglob("*"):
                newest = max(newest, inner.lstat().st_mtime)
    except FileNotFoundError:
        return None  # removed meanwhile (a publisher finished its discard)
    return dt.timedelta(seconds=max(0.0, now - newest))
