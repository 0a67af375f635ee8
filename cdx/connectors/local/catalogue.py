"""A catalogue in a local (or mounted) directory: the embedded default.

Layout: `<root>/<coalition>/<dataset>/<version>/<sealed package>` and `<root>/catalog.json`.
A version is committed once its manifest.sig exists. Publishing copies everything else
into a temporary directory on the same filesystem, renames it into place under a lock,
then links the signature in (a hard link never overwrites).
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from cdx.connectors.catalogue import (
    CatalogueEntry,
    PackageRef,
    PublishOutcome,
    now_iso,
    parse_index,
    resolve_among,
)
from cdx.connectors.fetching import fetch_package, read_capped
from cdx.connectors.local.reader import LocalPackageReader
from cdx.core.errors import CatalogueError, CdxError, NotAllowed, VersionConflict
from cdx.core.layout import MANIFEST, SIGNATURE
from cdx.core.names import is_version, version_key
from cdx.core.package_limits import PackageLimits
from cdx.seal.manifest import read_manifest

CATALOG = "catalog.json"
KEYS = "keys.json"
TMP = ".cdx-tmp"
LOCKS = ".cdx-locks"


class LocalCatalogue:
    def __init__(self, root: Path):
        self.root = root.resolve()
        self.location = str(self.root)

    # --- publishing ------------------------------------------------------------------

    def publish(self, package_dir: Path, ref: PackageRef) -> PublishOutcome:
        manifest = read_manifest(package_dir / MANIFEST)
        signature = (package_dir / SIGNATURE).read_bytes()
        final = self.root / ref.key
        with self._writing(), self._lock(f"{ref.coalition}.{ref.dataset}.{ref.version}"):
            if (final / SIGNATURE).exists():
                outcome = self._compare(final, manifest, ref)
                # A publisher killed between commit and index leaves the version out of
                # catalog.json: the next publish puts it in, with the commit's own time.
                committed = (final / SIGNATURE).stat().st_mtime
                self._record(manifest, ref, json.loads(signature), committed=committed)
                return outcome
            staged = self._stage_copy(package_dir)
            if final.exists():
                # A publisher died before committing: its leftover is invisible to
                # readers and is replaced.
                self._discard(final)
            final.parent.mkdir(parents=True, exist_ok=True)
            staged.rename(final)
            self._before_commit(ref)
            self._commit_signature(final, signature)
        with self._writing():
            self._record(manifest, ref, json.loads(signature))
        return PublishOutcome(ref, "published", str(final))

    def _before_commit(self, ref: PackageRef) -> None:
        """Runs once the files are in place, before manifest.sig: a seam for tests."""

    @contextlib.contextmanager
    def _writing(self) -> Iterator[None]:
        """The operating system's refusal to write here, as a coded error."""
        try:
            yield
        except PermissionError as e:
            raise NotAllowed(
                f"this user may not write to the catalogue directory: {e.strerror}",
                where=self.location,
                hint="give the publishing user write permission on the directory, or "
                "publish to another one",
            ) from e
        except OSError as e:
            raise CatalogueError(
                f"cdx could not write to the catalogue directory: {e.strerror or e}",
                where=self.location,
                hint="check that the location is a directory (or can be created as one) "
                "on a writable filesystem with space left",
            ) from e

    def _compare(self, final: Path, manifest: dict[str, Any], ref: PackageRef) -> PublishOutcome:
        existing = read_manifest(final / MANIFEST)
        if existing.get("contentDigest") == manifest.get("contentDigest"):
            return PublishOutcome(ref, "unchanged", str(final))
        raise VersionConflict(
            f"{ref} is already published with different content",
            where=str(final),
            hint="published versions never change: raise `version` in coalition.yaml "
            "(e.g. 1.0.1 for a correction) and publish again",
        )

    def _stage_copy(self, package_dir: Path) -> Path:
        staged = self.root / TMP / uuid.uuid4().hex
        staged.parent.mkdir(parents=True, exist_ok=True)
        shutil.copytree(package_dir, staged, ignore=shutil.ignore_patterns(SIGNATURE))
        return staged

    def _discard(self, path: Path) -> None:
        trash = self.root / TMP / f"discard-{uuid.uuid4().hex}"
        path.rename(trash)
        shutil.rmtree(trash, ignore_errors=True)

    def _commit_signature(self, final: Path, signature: bytes) -> None:
        temporary = final / f".{SIGNATURE}.{uuid.uuid4().hex}"
        with temporary.open("wb") as handle:
            handle.write(signature)
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(temporary, final / SIGNATURE)
        finally:
            temporary.unlink()

    def _record(
        self,
        manifest: dict[str, Any],
        ref: PackageRef,
        sig: dict[str, Any],
        *,
        committed: float | None = None,
    ) -> None:
        """List a committed version in catalog.json; a version already listed is left as is."""
        entry = CatalogueEntry(
            ref.coalition,
            ref.dataset,
            ref.version,
            manifest["contentDigest"],
            sig["keyId"],
            now_iso(committed),
        )
        with self._lock("catalog"):
            entries = {(e.coalition, e.dataset, e.version): e for e in self.entries()}
            if (ref.coalition, ref.dataset, ref.version) in entries:
                return  # nothing to change: a republish writes nothing
            entries[(ref.coalition, ref.dataset, ref.version)] = entry
            ordered = sorted(
                entries.values(), key=lambda e: (e.coalition, e.dataset, version_key(e.version))
            )
            self._write_json(
                self.root / CATALOG,
                {"updated": now_iso(), "packages": [e.to_dict() for e in ordered]},
            )

    def publish_key(self, coalition: str, entry: dict[str, Any]) -> None:
        """Publish a coalition's public key next to its packages (convenience only)."""
        with self._writing(), self._lock(f"{coalition}.keys"):
            path = self.root / coalition / KEYS
            keys = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
            keys.update(entry)
            path.parent.mkdir(parents=True, exist_ok=True)
            self._write_json(path, keys)

    # --- reading ---------------------------------------------------------------------

    def versions(self, coalition: str, dataset: str) -> list[str]:
        folder = self.root / coalition / dataset
        if not folder.is_dir():
            return []
        committed = [
            p.name for p in folder.iterdir() if is_version(p.name) and (p / SIGNATURE).is_file()
        ]
        return sorted(committed, key=version_key)

    def resolve(self, ref: PackageRef) -> PackageRef:
        return resolve_among(ref, self.versions(ref.coalition, ref.dataset), self.location)

    def reader(self, ref: PackageRef) -> LocalPackageReader:
        """The committed version's members, read without following a symbolic link."""
        return LocalPackageReader(self.root, self.resolve(ref).key)

    def fetch(self, ref: PackageRef, dest: Path) -> None:
        """Copy the listed files into the empty directory `dest` (connectors/fetching.py)."""
        fetch_package(self.reader(ref), dest)

    def entries(self) -> list[CatalogueEntry]:
        path = self.root / CATALOG
        if not path.exists():
            return []
        try:
            with path.open("rb") as handle:
                text = handle.read(PackageLimits().index_bytes + 1)
            if len(text) > PackageLimits().index_bytes:
                raise ValueError(f"longer than {PackageLimits().index_bytes:,} bytes")
            return parse_index(json.loads(text))
        except (ValueError, KeyError, TypeError) as exc:
            raise CatalogueError(f"{path} is damaged ({exc})") from exc
        except OSError as exc:
            raise CatalogueError(f"{path} cannot be read ({exc.strerror})") from exc

    def published_keys(self, coalition: str) -> dict[str, Any]:
        """The coalition's keys.json, or nothing when it is absent, too long or not an object:
        convenience only, so a broken one never stands in the way of the trust store."""
        reader = LocalPackageReader(self.root, coalition)
        try:
            found = read_capped(reader, KEYS, PackageLimits().keys_bytes)
            data = json.loads(found) if found is not None else {}
        except (CdxError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    # --- plumbing --------------------------------------------------------------------

    @contextlib.contextmanager
    def _lock(self, name: str) -> Iterator[None]:
        folder = self.root / LOCKS
        folder.mkdir(parents=True, exist_ok=True)
        with (folder / f"{name}.lock").open("a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    @staticmethod
    def _write_json(path: Path, data: object) -> None:
        temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex}")
        temporary.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
        temporary.replace(path)
