"""Pull: fetch a committed package into a fresh directory and verify it there.

The package appears under its final name only after every file and the signature have
checked out, so an interrupted or refused pull never leaves a directory that looks
complete.
"""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path

from cdx.connectors.catalogue import Catalogue, PackageRef
from cdx.core.errors import CatalogueError
from cdx.core.keys import TrustStore, public_key_from_entry
from cdx.verify.verification import Problem, Verification, verify_package


def pull_package(
    catalogue: Catalogue,
    ref: PackageRef,
    to: Path,
    trust: TrustStore | None,
    *,
    accept_catalogue_keys: bool = False,
) -> tuple[PackageRef, Verification]:
    """Fetch `ref` into `to` and verify it; a refused package is removed, not kept.

    A package signed by a key that only the catalogue vouches for is refused unless
    `accept_catalogue_keys`: the catalogue is not a source of trust.
    """
    if to.exists() and any(to.iterdir()):
        raise CatalogueError(
            f"{to} already exists and is not empty",
            hint="choose a new directory with --to, or remove the old one first",
        )
    resolved = catalogue.resolve(ref)
    _remove_abandoned_partials(to)
    partial = to.parent / f".{to.name}.partial-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    partial.mkdir(parents=True)
    try:
        catalogue.fetch(resolved, partial)
        convenience = _convenience_keys(catalogue, resolved.coalition)
        verification = verify_package(partial, trust, convenience_keys=convenience)
        expected = {
            "coalition": resolved.coalition,
            "dataset": resolved.dataset,
            "version": resolved.version,
        }
        if verification.package and verification.package != expected:
            # A validly signed package, but not the one asked for (e.g. an older version
            # served as a newer one): refuse it.
            verification.problems.append(
                Problem(
                    "package-mismatch",
                    f"asked for {resolved} but the catalogue served "
                    f"{verification.package.get('coalition')}/"
                    f"{verification.package.get('dataset')}@{verification.package.get('version')}",
                )
            )
        if not (verification.ok or (verification.intact and accept_catalogue_keys)):
            return resolved, verification
        if to.exists():
            to.rmdir()
        partial.rename(to)
        verification.directory = to
        return resolved, verification
    finally:
        if partial.exists():
            shutil.rmtree(partial, ignore_errors=True)


def _remove_abandoned_partials(to: Path) -> None:
    """Remove partial copies of `to` left by pulls that were killed (their process is gone)."""
    if not to.parent.is_dir():
        return
    for leftover in to.parent.glob(f".{to.name}.partial-*"):
        owner = leftover.name.rsplit(".partial-", 1)[1].split("-")[0]
        if owner.isdigit() and not _alive(int(owner)):
            shutil.rmtree(leftover, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process
    return True


def _convenience_keys(catalogue: Catalogue, coalition: str) -> TrustStore:
    published = catalogue.published_keys(coalition)
    keys = {
        key_id: public_key_from_entry(key_id, entry, source=catalogue.location)
        for key_id, entry in published.items()
    }
    return TrustStore(keys, f"keys published in {catalogue.location}")
