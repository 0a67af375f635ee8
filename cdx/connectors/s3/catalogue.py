"""A catalogue in an S3 bucket (AWS S3, MinIO, Ceph, SeaweedFS …), through boto3.

Layout under `s3://BUCKET/PREFIX/` (docs/s3-catalogue.md says why):

    <coalition>/<dataset>/<version>/<the sealed package>
    <coalition>/catalog.json      what the coalition has committed
    <coalition>/keys.json         its public keys (convenience, never trust)

Every object is written with `If-None-Match: *`; a version exists once its manifest.sig
does, and manifest.sig is written last. While it uploads, a publisher holds the
version's claim (connectors/s3_claim.py), so two publishers never interleave objects; a
killed publisher's claim lapses and the next publish takes over, keeps the objects that
already match the manifest and replaces the rest. catalog.json and keys.json change only
by compare-and-swap on their ETag, retried on conflict.

**Changed from the shared layout — catalog.json is per coalition**: a coalition's
credentials may write only under `<coalition>/`, so no coalition could update a
catalog.json at the catalogue root; `entries()` reads every coalition's index.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cdx.connectors.catalogue import (
    LATEST,
    CatalogueEntry,
    PackageRef,
    PublishOutcome,
    now_iso,
    parse_index,
    resolve_among,
    update_frequency_of,
)
from cdx.connectors.fetching import fetch_package, read_capped
from cdx.connectors.s3.claim import CLAIM, Claim, ClaimWatch
from cdx.connectors.s3.reader import S3PackageReader
from cdx.connectors.s3.settings import S3Settings, s3_client
from cdx.connectors.s3.store import Missing, PreconditionLost, S3Store
from cdx.connectors.s3.transfer import SHA256_METADATA, upload_file
from cdx.core.errors import (
    CatalogueError,
    FileMissing,
    NotAllowed,
    UnsafeName,
    VersionBusy,
    VersionConflict,
)
from cdx.core.hashing import sha256_file
from cdx.core.i18n import tr
from cdx.core.json_documents import parse_json
from cdx.core.layout import DESCRIPTOR, MANIFEST, SIGNATURE
from cdx.core.names import check_slug, is_version, package_id, version_key
from cdx.core.package_limits import PackageLimits
from cdx.core.package_paths import safe_member_path
from cdx.seal.manifest import read_manifest

if TYPE_CHECKING:
    import boto3

    from cdx.connectors.s3.gc import Garbage

SCHEME = "s3://"
CATALOG = "catalog.json"
CATALOG_DOCUMENT = "catalog.jsonld"  # the DCAT-AP catalogue (cdx/metadata)
KEYS = "keys.json"
CAS_TRIES = 60


class S3Catalogue:
    """Sealed packages as immutable, claim-protected version folders in one bucket."""

    def __init__(
        self,
        bucket: str,
        prefix: str = "",
        settings: S3Settings | None = None,
        *,
        session: boto3.Session | None = None,
    ) -> None:
        self.settings = settings or S3Settings()
        self.bucket = bucket
        self.prefix = f"{prefix.strip('/')}/" if prefix.strip("/") else ""
        self.location = f"{SCHEME}{bucket}/{self.prefix}"
        client = s3_client(self.settings, session, location=self.location)
        self.store = S3Store(client, bucket, location=self.location, prefix=self.prefix)

    @classmethod
    def from_url(
        cls,
        location: str,
        settings: S3Settings | None = None,
        *,
        session: boto3.Session | None = None,
    ) -> S3Catalogue:
        """`s3://bucket/prefix` → a catalogue; endpoint and credentials from the AWS chain."""
        bucket, _, prefix = location.removeprefix(SCHEME).partition("/")
        if not location.startswith(SCHEME) or not bucket:
            raise CatalogueError(
                f"{location!r} is not an S3 catalogue location",
                hint="write s3://BUCKET or s3://BUCKET/PREFIX",
            )
        return cls(bucket, prefix, settings, session=session)

    def _version_key(self, ref: PackageRef) -> str:
        return f"{self.prefix}{ref.key}/"

    # --- publishing ------------------------------------------------------------------

    def publish(self, package_dir: Path, ref: PackageRef) -> PublishOutcome:
        """Commit a sealed package; identical content is a no-op, other content a conflict."""
        manifest = read_manifest(package_dir / MANIFEST)
        signature = (package_dir / SIGNATURE).read_bytes()
        base = self._version_key(ref)
        claim = self._claim(base, manifest, ref)
        if isinstance(claim, PublishOutcome):
            self._record(ref)
            return claim
        try:
            self._upload(package_dir, manifest, base, claim)
            self._before_commit(ref)
            if claim.lost.is_set():
                raise VersionBusy(
                    f"another publisher took over {ref} before this one committed",
                    where=self.location,
                    hint="this publisher was too slow to renew its claim (CDX_S3_LEASE_S); "
                    "publish again",
                )
            try:
                self.store.put_bytes(
                    base + SIGNATURE, signature, content_type="application/json"
                )  # the commit point
                outcome = PublishOutcome(ref, "published", self._url(base))
            except PreconditionLost:  # committed by a publisher that had lost its claim
                outcome = self._compare(base, manifest, ref)
        finally:
            claim.release()
        self._record(ref)
        return outcome

    def _claim(
        self, base: str, manifest: dict[str, Any], ref: PackageRef
    ) -> Claim | PublishOutcome:
        """Hold the version's claim, or the outcome if the version is (or gets) committed."""
        claim = Claim(self.store, base + CLAIM, manifest["contentDigest"], self.settings.lease_s)
        watch = ClaimWatch(self.settings.lease_s)
        began, delay = time.monotonic(), 0.1
        while True:
            # GET, not HEAD: a HEAD's refusal has no body to tell bad keys from a denial.
            if self.store.find_bytes(base + SIGNATURE) is not None:
                return self._compare(base, manifest, ref)
            if claim.try_create():
                break
            try:
                _, etag, stamps = self.store.get_bytes(claim.key)
            except Missing:
                continue  # released meanwhile: look again at once
            if watch.lapsed(etag, stamps) and claim.try_take_over(etag):
                break
            if time.monotonic() - began > self.settings.claim_wait_s:
                raise VersionBusy(
                    f"another publisher has been publishing {ref} for "
                    f"{self.settings.claim_wait_s:.0f} s and is still renewing its claim",
                    where=self._url(base),
                    hint="wait for it to finish, then publish again (a no-op if it published "
                    "the same content)",
                )
            time.sleep(delay)
            delay = min(delay * 1.5, 2.0, self.settings.lease_s / 4)
        if self.store.find_bytes(base + SIGNATURE) is not None:
            # Committed between our look and our claim (its publisher died before
            # releasing): nothing to write.
            claim.release()
            return self._compare(base, manifest, ref)
        claim.start_renewing()
        return claim

    def _upload(self, package_dir: Path, manifest: dict[str, Any], base: str, claim: Claim) -> None:
        """Make the version folder hold exactly the package (but its signature)."""
        wanted = {base + _safe(e["path"]): (e["path"], e["sha256"]) for e in manifest["files"]}
        wanted[base + MANIFEST] = (MANIFEST, sha256_file(package_dir / MANIFEST))
        already = set()
        for stored in list(self.store.objects(base)):
            if stored.key in (claim.key, base + SIGNATURE):
                continue  # a signature is never deleted: see _claim's second look
            expected = wanted.get(stored.key)
            head = self.store.head(stored.key) if expected else None
            if expected and head and head.get("Metadata", {}).get(SHA256_METADATA) == expected[1]:
                already.add(stored.key)  # left by an earlier, interrupted run: kept
            else:
                self.store.delete(stored.key)  # a leftover of other content
        for upload in self.store.multipart_uploads(base):
            self.store.abort_upload(upload["Key"], upload["UploadId"])
        # The manifest goes last of the data: a verifier starts from it.
        for key, (path, sha256) in sorted(wanted.items(), key=lambda kv: kv[1][0] == MANIFEST):
            if key in already:
                continue
            try:
                upload_file(
                    self.store,
                    key,
                    package_dir / path,
                    sha256=sha256,
                    settings=self.settings,
                    after_part=self._after_part,
                )
            except PreconditionLost as e:
                raise VersionBusy(
                    f"{key} appeared while this publisher held the version's claim",
                    where=self.location,
                    hint="another publisher ignored or took over the claim; publish again",
                ) from e

    def _before_commit(self, ref: PackageRef) -> None:
        """Runs once every file is uploaded, before manifest.sig: a seam for tests."""

    def _after_part(self, key: str, number: int) -> None:
        """Runs after each multipart part is handed to the uploaders: a seam for tests."""

    def _compare(self, base: str, manifest: dict[str, Any], ref: PackageRef) -> PublishOutcome:
        body, _, _ = self.store.get_bytes(base + MANIFEST)
        if json.loads(body).get("contentDigest") == manifest.get("contentDigest"):
            return PublishOutcome(ref, "unchanged", self._url(base))
        raise VersionConflict(
            tr("{package} is already published with different content", package=str(ref)),
            where=self._url(base),
            hint=tr(
                "published versions never change: raise `version` in coalition.yaml "
                "(e.g. 1.0.1 for a correction) and publish again"
            ),
        )

    def _record(self, ref: PackageRef) -> None:
        """List `ref` in its coalition's catalog.json, and any other committed version.

        Not only `ref`: a publisher killed between its commit and this index update left
        its version unlisted, and the next publish of any version of the coalition lists
        it (with its manifest.sig's time), instead of only a republish of that version.
        """
        self.reindex(ref.coalition, just_committed=(ref.dataset, ref.version))

    def reindex(self, coalition: str, *, just_committed: tuple[str, str] | None = None) -> None:
        """Add every committed version of `coalition` its catalog.json misses.

        Entries are only ever added: one is written only after its version's commit, so a
        listed version is committed (and removing one could race a publisher's add).
        """
        root = f"{self.prefix}{coalition}/"
        committed: dict[tuple[str, str], dt.datetime | None] = {}
        for stored in self.store.objects(root):
            dataset, _, rest = stored.key[len(root) :].partition("/")
            version, _, name = rest.partition("/")
            if name == SIGNATURE and is_version(version) and _is_slug(dataset):
                committed[(dataset, version)] = stored.last_modified
        if just_committed:  # a listing may not show it yet on an eventually consistent store
            committed.setdefault(just_committed, None)
        known: dict[tuple[str, str], CatalogueEntry] = {}

        def add(data: dict[str, Any]) -> dict[str, Any] | None:
            entries = [CatalogueEntry.from_dict(item) for item in data.get("packages", [])]
            listed = {(e.dataset, e.version) for e in entries}
            missing = [key for key in committed if key not in listed]
            if not missing:
                return None
            for key in missing:
                if key not in known:
                    known[key] = self._entry_of(coalition, *key, committed[key])
                entries.append(known[key])
            entries.sort(key=lambda e: (e.coalition, e.dataset, version_key(e.version)))
            return {"updated": now_iso(), "packages": [e.to_dict() for e in entries]}

        self._swap_json(f"{root}{CATALOG}", add)
        self._reconcile_document(coalition, committed)

    def _reconcile_document(self, coalition: str, committed: Iterable[tuple[str, str]]) -> None:
        """The coalition's catalog.jsonld (DCAT-AP) lists its committed versions too."""
        from cdx.metadata.catalogue_document import describe_version, reconcile

        root = f"{self.prefix}{coalition}/"
        bases = {package_id(coalition, *key): f"{root}{key[0]}/{key[1]}/" for key in committed}

        def describe(pid: str) -> dict[str, Any]:
            base = bases[pid]
            return describe_version(
                pid, lambda member: self._member(base + member), self._url(base)
            )

        self._swap_json(
            f"{root}{CATALOG_DOCUMENT}",
            lambda current: reconcile(
                current or None,
                committed=bases,
                scope=[coalition],
                describe=describe,
                document_url=self._url(f"{root}{CATALOG_DOCUMENT}"),
                location=self.location,
                remove_gone=False,  # as catalog.json: a listing may lag behind a commit
            ),
            content_type="application/ld+json",
            indent=None,  # compact: the document grows with every version
        )

    def _member(self, key: str) -> bytes | None:
        found = self.store.find_bytes(key)
        return found[0] if found else None

    def _entry_of(
        self, coalition: str, dataset: str, version: str, committed: dt.datetime | None
    ) -> CatalogueEntry:
        """The index entry of a committed version, from its own manifest and signature."""
        base = f"{self.prefix}{coalition}/{dataset}/{version}/"
        from cdx.metadata.catalogue_document import title_and_description

        manifest, _, _ = self.store.get_bytes(base + MANIFEST)
        signature, _, _ = self.store.get_bytes(base + SIGNATURE)
        descriptor = self._member(base + DESCRIPTOR)
        return CatalogueEntry(
            coalition,
            dataset,
            version,
            json.loads(manifest)["contentDigest"],
            json.loads(signature)["keyId"],
            now_iso(committed.timestamp() if committed else None),
            update_frequency_of(descriptor or b""),
            *title_and_description(descriptor),
        )

    def publish_key(self, coalition: str, entry: dict[str, Any]) -> None:
        """Publish a coalition's public key in `<coalition>/keys.json` (convenience only)."""
        self._swap_json(
            f"{self.prefix}{coalition}/{KEYS}",
            lambda keys: None if entry.items() <= keys.items() else {**keys, **entry},
        )

    def _swap_json(
        self,
        key: str,
        change: Callable[[dict[str, Any]], dict[str, Any] | None],
        *,
        content_type: str = "application/json",
        indent: int | None = 2,
    ) -> None:
        """Compare-and-swap a JSON document on its ETag, retrying when another writer won."""
        for attempt in range(CAS_TRIES):
            found = self.store.find_bytes(key)
            try:
                current = parse_json(found[0]) if found else {}
                if not isinstance(current, dict):
                    raise ValueError("it is not a JSON object")
            except ValueError as e:
                raise CatalogueError(f"s3://{self.bucket}/{key} is damaged ({e})") from e
            changed = change(current)
            if changed is None:
                return
            body = (json.dumps(changed, indent=indent, ensure_ascii=False) + "\n").encode()
            try:
                etag = found[1] if found else None
                self.store.put_bytes(key, body, if_match=etag, content_type=content_type)
                return
            except PreconditionLost:
                time.sleep(random.uniform(0, min(1.0, 0.02 * 2**attempt)))
        raise VersionBusy(
            f"s3://{self.bucket}/{key} kept changing: {CAS_TRIES} updates lost the race",
            where=self.location,
            hint="many publishers are committing at once; publish again (a no-op for what "
            "is already committed, and it completes the index)",
        )

    # --- reading ---------------------------------------------------------------------

    def versions(self, coalition: str, dataset: str) -> list[str]:
        """Committed versions (those with a manifest.sig), oldest first."""
        base = f"{self.prefix}{coalition}/{dataset}/"
        found = set()
        for stored in self.store.objects(base):
            version, _, name = stored.key[len(base) :].partition("/")
            if name == SIGNATURE and is_version(version):
                found.add(version)
        return sorted(found, key=version_key)

    def resolve(self, ref: PackageRef) -> PackageRef:
        """The committed version `ref` names (`latest` → the highest); PackageNotFound else."""
        if ref.version != LATEST and self.store.find_bytes(self._version_key(ref) + SIGNATURE):
            return ref
        return resolve_among(ref, self.versions(ref.coalition, ref.dataset), self.location)

    def reader(self, ref: PackageRef) -> S3PackageReader:
        """The committed version's objects, each read as a stream."""
        return S3PackageReader(self.store, self._version_key(self.resolve(ref)))

    def fetch(self, ref: PackageRef, dest: Path) -> None:
        """Stream the listed objects into the empty directory `dest` (connectors/fetching.py)."""
        fetch_package(self.reader(ref), dest)

    def entries(self) -> list[CatalogueEntry]:
        """Every coalition's committed versions, from their catalog.json files."""
        try:
            coalitions = self.store.folders(self.prefix)
        except NotAllowed as e:
            raise NotAllowed(
                f"these credentials may not list the whole catalogue {self.location}",
                where=self.location,
                hint="listing every coalition needs read access to the whole prefix (e.g. a "
                "statistics office's credentials); a coalition's own credentials read only "
                f"{self.location}<coalition>/{CATALOG}",
            ) from e
        found: list[CatalogueEntry] = []
        for coalition in coalitions:
            stored = self.store.find_bytes(f"{self.prefix}{coalition}/{CATALOG}")
            if stored is None:
                continue
            try:
                listed = parse_index(parse_json(stored[0]))
            except (ValueError, KeyError, TypeError) as e:
                raise CatalogueError(f"{self.location}{coalition}/{CATALOG} is damaged") from e
            # A coalition's index speaks only for its own prefix.
            found.extend(e for e in listed if e.coalition == coalition)
        return sorted(found, key=lambda e: (e.coalition, e.dataset, version_key(e.version)))

    def published_keys(self, coalition: str) -> dict[str, Any]:
        """Public keys the coalition published here: convenience, never trust."""
        reader = S3PackageReader(self.store, f"{self.prefix}{coalition}/")
        try:
            found = read_capped(reader, KEYS, PackageLimits().keys_bytes)
            keys = parse_json(found) if found is not None else {}
        except FileMissing:
            return {}
        except ValueError:
            return {}  # damaged: convenience only, it never stands in the trust store's way
        return keys if isinstance(keys, dict) else {}

    # --- upkeep ----------------------------------------------------------------------

    def collect_garbage(
        self, older_than: dt.timedelta, *, apply: bool, coalitions: list[str] | None = None
    ) -> list[Garbage]:
        """Uncommitted leftovers and unfinished uploads older than `older_than`.

        Removes them only when `apply`, and then also lists in each coalition's catalog.json
        the committed versions it misses; otherwise reports what would go (a dry run).
        """
        from cdx.connectors.s3.gc import collect_garbage

        scopes = coalitions or [c for c in self.store.folders(self.prefix) if _is_slug(c)]
        found = collect_garbage(self.store, scopes, older_than, apply=apply)
        if apply:
            for coalition in scopes:
                self.reindex(coalition)
        return found

    def _url(self, base: str) -> str:
        return f"{SCHEME}{self.bucket}/{base}"


def _safe(path: str) -> str:
    """A manifest path as a relative key: the one check, core.package_paths."""
    return str(safe_member_path(path))


def _is_slug(name: str) -> bool:
    try:
        check_slug(name, what="coalition id")
    except UnsafeName:  # anything else under the prefix is not a coalition's folder
        return False
    return True
