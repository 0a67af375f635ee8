"""Pull: fetch a committed package into a fresh directory and verify it there.

The catalogue is treated as hostile (docs/decisions/0067-hostile-catalogue.md): the signed
manifest is read first, capped, and its signature checked against the office's trust
store before a single data file is fetched; then only the files it lists are fetched,
each confined to the new directory, stopped at its declared size and hashed as it
streams (connectors/fetching.py). The package appears under its final name only after
everything has checked out, so an interrupted or refused pull never leaves a directory
that looks complete.
"""

from __future__ import annotations

import json
import os
import shutil
import uuid
from pathlib import Path

from cdx.connectors.abilities import ReadsPackages
from cdx.connectors.catalogue import Catalogue, PackageRef
from cdx.connectors.fetching import fetch_frame, fetch_members, listed_files
from cdx.core.errors import CatalogueError, CdxError, PackageRefused, UnsafePath
from cdx.core.json_documents import parse_json
from cdx.core.keys import TrustStore, public_key_from_entry
from cdx.core.layout import MANIFEST, SIGNATURE
from cdx.core.package_limits import PackageLimits
from cdx.verify.verification import (
    Problem,
    Verification,
    verify_package,
    verify_signed_manifest,
)


def pull_package(
    catalogue: Catalogue,
    ref: PackageRef,
    to: Path,
    trust: TrustStore | None,
    *,
    accept_catalogue_keys: bool = False,
    limits: PackageLimits | None = None,
) -> tuple[PackageRef, Verification]:
    """Fetch `ref` into `to` and verify it; a refused package is removed, not kept.

    A package signed by a key that only the catalogue vouches for is refused unless
    `accept_catalogue_keys`: the catalogue is not a source of trust, and never speaks
    for a coalition the trust store already holds a key for.
    """
    limits = limits or PackageLimits()
    if to.exists() and (not to.is_dir() or any(to.iterdir())):
        raise CatalogueError(
            f"{to} already exists and is not an empty directory",
            hint="choose a new directory with --to, or remove the old one first",
        )
    resolved = catalogue.resolve(ref)
    _remove_abandoned_partials(to)
    partial = to.parent / f".{to.name}.partial-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    partial.mkdir(parents=True)
    try:
        verification = _fetch_and_verify(
            catalogue, resolved, partial, trust, accept_catalogue_keys, limits
        )
        if not _accepted(verification, accept_catalogue_keys):
            return resolved, verification
        if to.exists():
            to.rmdir()
        partial.rename(to)
        verification.directory = to
        return resolved, verification
    finally:
        if partial.exists():
            shutil.rmtree(partial, ignore_errors=True)


def _fetch_and_verify(
    catalogue: Catalogue,
    resolved: PackageRef,
    partial: Path,
    trust: TrustStore | None,
    accept_catalogue_keys: bool,
    limits: PackageLimits,
) -> Verification:
    if not isinstance(catalogue, ReadsPackages):
        # A plug-in without a reader fetches everything itself; checked afterwards.
        catalogue.fetch(resolved, partial)
        convenience, pinned = _convenience_keys(catalogue, resolved.coalition, partial, trust)
        return _checked(partial, trust, convenience, pinned, resolved, limits, whole=True)
    reader = catalogue.reader(resolved)
    try:
        fetch_frame(reader, partial, limits)
    except PackageRefused as refusal:
        return _refused(partial, refusal)
    convenience, pinned = _convenience_keys(catalogue, resolved.coalition, partial, trust)
    verification = _checked(partial, trust, convenience, pinned, resolved, limits, whole=False)
    if not _accepted(verification, accept_catalogue_keys):
        return verification  # not one data file fetched
    manifest = json.loads((partial / MANIFEST).read_bytes())
    try:
        fetch_members(reader, partial, listed_files(manifest, limits, where=reader.where))
    except (PackageRefused, UnsafePath) as refusal:
        return _refused(partial, refusal)
    return _checked(partial, trust, convenience, pinned, resolved, limits, whole=True)


def _checked(
    partial: Path,
    trust: TrustStore | None,
    convenience: TrustStore | None,
    pinned: str | None,
    resolved: PackageRef,
    limits: PackageLimits,
    *,
    whole: bool,
) -> Verification:
    """Verify the manifest (`whole`: and every file), and that it is the package asked for."""
    check = verify_package if whole else verify_signed_manifest
    verification = check(partial, trust, convenience_keys=convenience, limits=limits)
    if pinned:
        verification.problems = [
            Problem("key-untrusted", pinned, SIGNATURE) if p.code == "key-untrusted" else p
            for p in verification.problems
        ]
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
    return verification


def _refused(partial: Path, refusal: CdxError) -> Verification:
    """A fetch the catalogue's content stopped, as a verification problem."""
    return Verification(partial, [Problem(refusal.code, refusal.message, refusal.where)])


def _accepted(verification: Verification, accept_catalogue_keys: bool) -> bool:
    return verification.ok or (verification.intact and accept_catalogue_keys)


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


def _convenience_keys(
    catalogue: Catalogue, coalition: str, partial: Path, trust: TrustStore | None
) -> tuple[TrustStore | None, str | None]:
    """The catalogue's key for the signature, if the trust store lacks it, and why not if
    the trust store already pins the key's coalition to other keys.

    Convenience only: a catalogue's keys that are missing, damaged or unreadable are
    no keys, never an error that blocks a package the trust store accepts."""
    key_id = _signing_key_id(partial)
    if key_id is None or (trust is not None and key_id in trust.keys):
        return None, None
    try:
        entry = catalogue.published_keys(coalition).get(key_id)
        key = public_key_from_entry(key_id, entry, source=catalogue.location)
    except (CdxError, AttributeError, TypeError, ValueError):
        return None, None
    if trust is not None and any(known.coalition == key.coalition for known in trust.keys.values()):
        return None, (
            f"the package is signed with key {key_id!r}, which only the catalogue vouches for; "
            f"your trust store ({trust.source}) holds other keys for coalition "
            f"{key.coalition!r}, so the catalogue's key is not accepted for it (ask the "
            "coalition directly whether its key changed)"
        )
    return TrustStore({key_id: key}, f"keys published in {catalogue.location}"), None


def _signing_key_id(partial: Path) -> str | None:
    try:
        signature = parse_json((partial / SIGNATURE).read_bytes())
    except (OSError, ValueError):
        return None
    key_id = signature.get("keyId") if isinstance(signature, dict) else None
    return key_id if isinstance(key_id, str) else None
