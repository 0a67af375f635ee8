"""A catalogue in a local (or mounted) directory: the embedded default.

Layout: `<root>/<coalition>/<dataset>/<version>/<sealed package>` and `<root>/catalog.json`.
A version is committed once its manifest.sig exists. Publishing copies everything else
into a temporary directory on the same filesystem, renames it into place under a lock,
then links the signature in (a hard link never overwrites).

Every temporary name lives in `<root>/.cdx-tmp/` (or, for catalog.json and keys.json,
beside the file it replaces), never inside a version: a publisher killed at any point
leaves a committed version exactly as sealed. What a killed publisher leaves behind,
`collect_garbage` (connectors/local/gc.py) removes; catalog.json is reconciled with the
committed versions on every publish, so a version committed but not yet indexed is
listed by the next publish of any version of its coalition (docs/decisions/
local-catalogue-crashes.md).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cdx.connectors.catalogue import (
    CatalogueEntry,
    PackageRef,
    PublishOutcome,
    now_iso,
    parse_index,
    resolve_among,
    update_frequency_of,
)
from cdx.connectors.fetching import fetch_package, read_capped
from cdx.connectors.local.files import (
    CATALOG,
    CATALOG_DOCUMENT,
    CATALOG_LOCK,
    KEYS,
    SIG_PREFIX,
    coalition_folders,
    committed_versions,
    discard,
    keys_lock,
    lock,
    stray_signatures,
    temporary,
    version_lock,
)
from cdx.connectors.local.reader import LocalPackageReader
from cdx.core.errors import CatalogueError, CdxError, NotAllowed, VersionConflict
from cdx.core.i18n import tr
from cdx.core.json_documents import parse_json
from cdx.core.layout import DESCRIPTOR, MANIFEST, SIGNATURE
from cdx.core.names import is_version, package_id, version_key
from cdx.core.package_limits import PackageLimits
from cdx.seal.manifest import read_manifest

if TYPE_CHECKING:
    import datetime as dt

    from cdx.connectors.local.gc import Garbage


class LocalCatalogue:
    def __init__(self, root: Path):
        self.root = root.resolve()
        self.location = str(self.root)

    # --- publishing ------------------------------------------------------------------

    def publish(self, package_dir: Path, ref: PackageRef) -> PublishOutcome:
        manifest = read_manifest(package_dir / MANIFEST)
        signature = (package_dir / SIGNATURE).read_bytes()
        final = self.root / ref.key
        with self._writing(), self._lock(version_lock(ref.coalition, ref.dataset, ref.version)):
            if (final / SIGNATURE).exists():
                outcome = self._compare(final, manifest, ref)
                # A publisher killed between commit and index left the version out of
                # catalog.json; the reconciliation below lists it, with the commit's time.
                self.reindex(ref.coalition)
                for stray in stray_signatures(final):  # an earlier cdx, killed mid-commit
                    stray.unlink(missing_ok=True)
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
            self.reindex(ref.coalition)
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
            tr("{package} is already published with different content", package=str(ref)),
            where=str(final),
            hint=tr(
                "published versions never change: raise `version` in coalition.yaml "
                "(e.g. 1.0.1 for a correction) and publish again"
            ),
        )

    def _stage_copy(self, package_dir: Path) -> Path:
        staged = temporary(self.root, uuid.uuid4().hex)
        shutil.copytree(package_dir, staged, ignore=shutil.ignore_patterns(SIGNATURE))
        return staged

    def _discard(self, path: Path) -> None:
        discard(self.root, path)

    def _commit_signature(self, final: Path, signature: bytes) -> None:
        # Written in .cdx-tmp, not in the version: a publisher killed between the link
        # and the unlink leaves its temporary where gc looks, not inside a committed
        # version (where it made `cdx verify` fail for ever).
        pending = temporary(self.root, f"{SIG_PREFIX}{uuid.uuid4().hex}")
        with pending.open("wb") as handle:
            handle.write(signature)
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(pending, final / SIGNATURE)
        finally:
            pending.unlink()

    def reindex(self, coalition: str) -> list[CatalogueEntry]:
        """Make catalog.json list exactly the coalition's committed versions; the added ones.

        A version is listed with its commit time (its manifest.sig's); entries already
        listed are kept as they are, and nothing is written when nothing changes.
        """
        with self._lock(CATALOG_LOCK):
            try:
                listed, rebuilt, damaged = self.entries(), [coalition], False
            except CatalogueError:  # damaged: rebuilt from every coalition's commits
                listed, rebuilt, damaged = [], coalition_folders(self.root), True
            committed = {
                (name, dataset, version): folder
                for name in rebuilt
                for (dataset, version), folder in committed_versions(self.root, name)
            }
            self._reconcile_document(rebuilt, committed)
            ours = {(e.coalition, e.dataset, e.version) for e in listed if e.coalition in rebuilt}
            added = [
                self._entry_of(name, dataset, version, folder)
                for (name, dataset, version), folder in committed.items()
                if (name, dataset, version) not in ours
            ]
            gone = [key for key in ours if key not in committed]
            if not added and not gone and not damaged:
                return []
            kept = [
                e
                for e in listed
                if e.coalition not in rebuilt or (e.coalition, e.dataset, e.version) in committed
            ]
            ordered = sorted(
                [*kept, *added], key=lambda e: (e.coalition, e.dataset, version_key(e.version))
            )
            self._write_json(
                self.root / CATALOG,
                {"updated": now_iso(), "packages": [e.to_dict() for e in ordered]},
            )
            return added

    def _reconcile_document(
        self, coalitions: list[str], committed: dict[tuple[str, str, str], Path]
    ) -> None:
        """catalog.jsonld (DCAT-AP) lists the same committed versions as catalog.json."""
        from cdx.metadata.catalogue_document import describe_version, reconcile

        path = self.root / CATALOG_DOCUMENT
        current = _catalogue_document(path)  # None when damaged: rebuilt from the commits
        folders = {package_id(*key): folder for key, folder in committed.items()}
        document = reconcile(
            current,
            committed=folders,
            scope=coalitions,
            describe=lambda pid: describe_version(
                pid, lambda member: _read_member(folders[pid], member), folders[pid].as_uri()
            ),
            document_url=path.as_uri(),
            location=self.location,
        )
        if document is not None:  # compact: the document grows with every version
            self._write_json(path, document, indent=None)

    @staticmethod
    def _entry_of(coalition: str, dataset: str, version: str, folder: Path) -> CatalogueEntry:
        from cdx.metadata.catalogue_document import title_and_description

        manifest = read_manifest(folder / MANIFEST)
        signature = folder / SIGNATURE
        descriptor = _read_member(folder, DESCRIPTOR)
        return CatalogueEntry(
            coalition,
            dataset,
            version,
            manifest["contentDigest"],
            json.loads(signature.read_bytes())["keyId"],
            now_iso(signature.stat().st_mtime),
            update_frequency_of(descriptor or b""),
            *title_and_description(descriptor),
        )

    def publish_key(self, coalition: str, entry: dict[str, Any]) -> None:
        """Publish a coalition's public key next to its packages (convenience only)."""
        with self._writing(), self._lock(keys_lock(coalition)):
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
        if not path.exists() and not path.is_symlink():
            return []
        if path.is_symlink() or not path.is_file():  # to /dev/zero, or someone else's file
            raise CatalogueError(
                f"{path} is not a regular file (a symbolic link, a device or a pipe): "
                "cdx does not read it",
                hint="the next `cdx publish` into this catalogue, or `cdx catalogue gc "
                "--apply`, writes it again from the committed versions",
            )
        try:
            with path.open("rb") as handle:
                text = handle.read(PackageLimits().index_bytes + 1)
            if len(text) > PackageLimits().index_bytes:
                raise ValueError(f"longer than {PackageLimits().index_bytes:,} bytes")
            return parse_index(parse_json(text))
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
            data = parse_json(found) if found is not None else {}
        except (CdxError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    # --- upkeep ----------------------------------------------------------------------

    def collect_garbage(
        self, older_than: dt.timedelta, *, apply: bool, coalitions: list[str] | None = None
    ) -> list[Garbage]:
        """What killed publishers left, older than `older_than`, and committed versions
        catalog.json misses; removed (and indexed) only when `apply`, else a dry run."""
        from cdx.connectors.local.gc import Garbage, collect_garbage

        with self._writing():
            found = collect_garbage(self.root, older_than, apply=apply, coalitions=coalitions)
            for coalition in coalitions or coalition_folders(self.root):
                if apply:
                    missing = [(e.dataset, e.version) for e in self.reindex(coalition)]
                else:
                    listed = {(e.coalition, e.dataset, e.version) for e in self.entries()}
                    missing = [
                        key
                        for key, _ in committed_versions(self.root, coalition)
                        if (coalition, *key) not in listed
                    ]
                found.extend(
                    Garbage.unindexed(self.root, coalition, dataset, version, indexed=apply)
                    for dataset, version in missing
                )
            return found

    # --- plumbing --------------------------------------------------------------------

    def _lock(self, name: str) -> contextlib.AbstractContextManager[None]:
        return lock(self.root, name)

    @staticmethod
    def _write_json(path: Path, data: object, *, indent: int | None = 2) -> None:
        temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex}")
        temporary.write_text(
            json.dumps(data, indent=indent, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        temporary.replace(path)


def _catalogue_document(path: Path) -> dict[str, Any] | None:
    """catalog.jsonld as a JSON object; None when it is absent, a link (another publisher
    may have left one: to /dev/zero, to a file of someone else's), longer than an index may
    be, or not a JSON object."""
    if path.is_symlink() or not path.is_file():
        return None
    limit = PackageLimits().index_bytes
    with path.open("rb") as handle:
        text = handle.read(limit + 1)
    try:
        found = parse_json(text) if len(text) <= limit else None
    except ValueError:
        return None
    return found if isinstance(found, dict) else None


def _read_member(folder: Path, member: str) -> bytes | None:
    """A committed version's file, None when it has none (a package sealed without it)."""
    path = folder / member
    return path.read_bytes() if path.is_file() and not path.is_symlink() else None
