"""Garbage collection for the S3 catalogue: what interrupted publishers leave behind.

Three kinds, each only when older than the given age:

- an uncommitted version folder (no manifest.sig): every object in it is removed. The
  collector first takes the version's claim like a publisher would, so it never deletes
  under a publisher that is resuming that version right now;
- a claim left in a committed version (its publisher died between commit and release);
- an unfinished multipart upload: aborted, which frees its parts.

Committed versions, catalog.json and keys.json are never touched.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Literal

from cdx.connectors.s3.claim import CLAIM, Claim
from cdx.connectors.s3.store import S3Store, StoredObject
from cdx.core.layout import SIGNATURE

GarbageKind = Literal["uncommitted version", "stale claim", "unfinished upload"]


@dataclass(frozen=True)
class Garbage:
    """One thing the collector found: what, where, how old, and whether it is gone."""

    kind: GarbageKind
    location: str
    age: dt.timedelta
    objects: int
    removed: bool
    remedy: str = "remove"

    def describe(self) -> str:
        hours = self.age.total_seconds() / 3600
        size = f", {self.objects} objects" if self.kind == "uncommitted version" else ""
        return f"{self.kind}: {self.location} ({hours:.1f} h old{size})"

    def to_dict(self) -> dict[str, object]:
        return {
            "kind": self.kind,
            "location": self.location,
            "ageSeconds": round(self.age.total_seconds()),
            "objects": self.objects,
            "removed": self.removed,
        }


def collect_garbage(
    store: S3Store, coalitions: list[str], older_than: dt.timedelta, *, apply: bool
) -> list[Garbage]:
    """Find (and with `apply`, remove) leftovers under each coalition's prefix."""
    now = dt.datetime.now(dt.UTC)
    found: list[Garbage] = []
    for coalition in coalitions:
        root = f"{store.prefix}{coalition}/"
        folders: dict[str, list[StoredObject]] = defaultdict(list)
        for stored in store.objects(root):
            dataset, version, *rest = [*stored.key[len(root) :].split("/"), "", ""]
            if rest and rest[0]:  # <dataset>/<version>/<file>: inside a version folder
                folders[f"{root}{dataset}/{version}/"].append(stored)
        for base, objects in sorted(folders.items()):
            found.extend(_version_garbage(store, base, objects, now, older_than, apply))
        for upload in store.multipart_uploads(root):
            age = now - upload["Initiated"]
            if age > older_than:
                if apply:
                    store.abort_upload(upload["Key"], upload["UploadId"])
                found.append(
                    Garbage("unfinished upload", _url(store, upload["Key"]), age, 0, apply)
                )
    return found


def _version_garbage(
    store: S3Store,
    base: str,
    objects: list[StoredObject],
    now: dt.datetime,
    older_than: dt.timedelta,
    apply: bool,
) -> list[Garbage]:
    keys = {stored.key: stored for stored in objects}
    claim = keys.get(base + CLAIM)
    if base + SIGNATURE in keys:
        if claim is None or now - claim.last_modified <= older_than:
            return []
        if apply:
            store.delete(claim.key)
        return [Garbage("stale claim", _url(store, claim.key), now - claim.last_modified, 1, apply)]
    age = now - max(stored.last_modified for stored in objects)
    if age <= older_than:
        return []
    removed = apply and _remove_uncommitted(store, base, claim)
    return [Garbage("uncommitted version", _url(store, base), age, len(objects), removed)]


def _remove_uncommitted(store: S3Store, base: str, claim: StoredObject | None) -> bool:
    """Delete a version folder under its claim; False if a publisher holds it now."""
    ours = Claim(store, base + CLAIM, "garbage-collection", lease_s=60.0)
    if not (ours.try_take_over(claim.etag) if claim else ours.try_create()):
        return False
    if store.head(base + SIGNATURE) is not None:  # committed just before we claimed it
        ours.release()
        return False
    for upload in store.multipart_uploads(base):
        store.abort_upload(upload["Key"], upload["UploadId"])
    for stored in list(store.objects(base)):
        if stored.key != ours.key:
            store.delete(stored.key)
    ours.release()  # the claim goes last: until then no publisher starts here
    return True


def _url(store: S3Store, key: str) -> str:
    return f"s3://{store.bucket}/{key}"
