"""A catalogue on CKAN (2.10+), through its action API with ckanapi.

How cdx maps onto CKAN (docs/ckan-catalogue.md says why):

- A coalition is a CKAN organisation named by the coalition id. It is created when the
  token may; otherwise the error names what a CKAN sysadmin must create.
- Each published version is a CKAN dataset of its own, named
  `<coalition>--<dataset>--<version with . as _>` (e.g. `kenya-lnob--health-scorecard--1_2_0`),
  holding every file of the sealed package as an uploaded resource named by its path in
  the package. A version, once committed, is never written again, so `@1.2.0` always
  returns the same bytes; `@latest` is the highest committed version of that dataset.
- A version is committed when its dataset's extra `cdx_state` is `complete`. Publishing
  creates the dataset private with `cdx_state = incomplete`, uploads the files (skipping
  any already there with the same hash and size), reads every hash and size back
  through the API, then in one `package_patch` sets `cdx_state = complete` and makes it
  public (unless `CDX_CKAN_KEEP_PRIVATE`). A crash in between leaves a private,
  incomplete dataset that readers ignore and the next publish completes.
- Once a version is committed, the record `<coalition>--<dataset>--series` (a DCAT-AP 3
  dataset series, connectors/ckan_series.py) is brought up to date: it lists the
  committed versions and points at the highest. It is derived and written only when it
  changes; `@latest` never depends on it.
- A coalition's public keys (convenience, never trust) sit in the extras of one dataset,
  `<coalition>--public-keys`.

DCAT-AP facts go where the portal keeps them: top-level fields of its ckanext-scheming
schema (asked once, `portal_schema.py`), else extras (`dcat_fields.py`).

Every CKAN call goes through `cdx.connectors.ckan.client`, which sets timeouts, retries
passing failures and translates ckanapi's errors into coded cdx errors.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from cdx.connectors.catalogue import LATEST, CatalogueEntry, PackageRef, PublishOutcome
from cdx.connectors.ckan import metadata as meta
from cdx.connectors.ckan.client import READ_ROLE, WRITE_ROLE, CkanClient
from cdx.connectors.ckan.portal_schema import schema_fields
from cdx.connectors.ckan.reader import CkanPackageReader
from cdx.connectors.ckan.series import (
    is_series,
    series_dataset_name,
    sync_series,
    update_series,
)
from cdx.connectors.ckan.settings import CkanSettings
from cdx.connectors.fetching import fetch_package
from cdx.core.errors import (
    CatalogueError,
    CatalogueUnreachable,
    NotAllowed,
    OrganisationMissing,
    PackageNotFound,
    VersionConflict,
)
from cdx.core.hashing import sha256_file
from cdx.core.i18n import tr
from cdx.core.json_documents import parse_json
from cdx.core.layout import DESCRIPTOR, MANIFEST, SIGNATURE
from cdx.core.names import version_key
from cdx.seal.manifest import read_manifest

SCHEMES = ("ckan+http://", "ckan+https://")
KEYS_EXTRA = "cdx_public_keys"


def version_dataset_name(ref: PackageRef) -> str:
    """The CKAN dataset name of one version: `coalition--dataset--1_2_0` (≤ 100 chars)."""
    # `_` for `.` keeps the mapping one-to-one (1.0.0-rc.1 ≠ 1.0.0-rc-1).
    return meta.within_name_limit(
        f"{ref.coalition}--{ref.dataset}--{ref.version.replace('.', '_')}"
    )


def keys_dataset_name(coalition: str) -> str:
    return f"{coalition}--public-keys"


class CkanCatalogue:
    """Sealed packages as private-until-complete CKAN datasets, one per version."""

    def __init__(self, url: str, settings: CkanSettings | None = None) -> None:
        self.settings = settings or CkanSettings()
        self._client = CkanClient(url, self.settings)
        self.base_url = self._client.base_url
        self.location = self._client.location
        self._organisations: set[str] = set()
        self._schema_fields: frozenset[str] | None = None

    @property
    def schema_fields(self) -> frozenset[str]:
        """The portal's scheming dataset fields (empty on a plain CKAN), asked once."""
        if self._schema_fields is None:
            self._schema_fields = schema_fields(self._client, self.settings.portal_schema)
        return self._schema_fields

    @classmethod
    def from_url(cls, location: str, settings: CkanSettings | None = None) -> CkanCatalogue:
        """`ckan+https://portal.example.org` → a catalogue (token from CDX_CKAN_TOKEN)."""
        if not location.startswith(SCHEMES):
            raise CatalogueError(
                f"{location!r} is not a CKAN catalogue location",
                hint="write ckan+https://HOST (or ckan+http://HOST for a local CKAN)",
            )
        return cls(location.removeprefix("ckan+"), settings)

    # --- publishing ------------------------------------------------------------------

    def publish(self, package_dir: Path, ref: PackageRef) -> PublishOutcome:
        """Commit a sealed package as a CKAN dataset; identical content is a no-op."""
        manifest = read_manifest(package_dir / MANIFEST)
        descriptor = json.loads((package_dir / DESCRIPTOR).read_text(encoding="utf-8"))
        name = version_dataset_name(ref)
        self._ensure_organisation(ref.coalition, descriptor)
        dataset = self._client.find("package_show", {"id": name}, org=ref.coalition)
        if dataset is not None:
            self._check_owner(dataset, ref)
            if meta.extras_of(dataset).get(meta.STATE) == meta.COMPLETE:
                outcome = self._compare(dataset, manifest, ref)
                self._update_series(ref, dataset)  # repairs a series a crash left stale
                return outcome
        else:
            fields = meta.dataset_fields(
                descriptor, manifest, _as_published(ref), self.schema_fields, private=True
            )
            fields["extras"].append({"key": meta.STATE, "value": meta.INCOMPLETE})
            dataset = self._client.call(
                "package_create",
                {**fields, "name": name, "owner_org": ref.coalition, "private": True},
                org=ref.coalition,
            )
        try:
            dataset = self._upload_files(dataset, package_dir, manifest)
            self._before_commit(dataset)
            committed = self._commit(dataset, descriptor, manifest, package_dir, ref)
        except CatalogueUnreachable as e:
            raise CatalogueUnreachable(
                tr(
                    "{problem}; {package} is at worst left as the private, incomplete CKAN "
                    "dataset {name!r}, which no reader sees",
                    problem=e.message,
                    package=str(ref),
                    name=name,
                ),
                where=self.location,
                hint=tr("publish again when CKAN answers: the upload resumes where it stopped"),
            ) from e
        self._update_series(ref, committed)
        return PublishOutcome(ref, "published", f"{self.base_url}/dataset/{name}")

    def _compare(
        self, dataset: dict[str, Any], manifest: dict[str, Any], ref: PackageRef
    ) -> PublishOutcome:
        url = f"{self.base_url}/dataset/{dataset['name']}"
        if meta.extras_of(dataset).get(meta.CONTENT_DIGEST) == manifest["contentDigest"]:
            return PublishOutcome(ref, "unchanged", url)
        raise VersionConflict(
            tr("{package} is already published with different content", package=str(ref)),
            where=url,
            hint=tr(
                "published versions never change: raise `version` in coalition.yaml "
                "(e.g. 1.0.1 for a correction) and publish again"
            ),
        )

    def _check_owner(self, dataset: dict[str, Any], ref: PackageRef) -> None:
        extras = meta.extras_of(dataset)
        owner = (dataset.get("organization") or {}).get("name")
        if (owner, extras.get(meta.COALITION), extras.get(meta.DATASET)) != (
            ref.coalition,
            ref.coalition,
            ref.dataset,
        ):
            raise CatalogueError(
                f"the CKAN dataset {dataset['name']!r} exists but does not hold {ref}",
                where=self.location,
                hint="rename or delete that CKAN dataset; cdx never overwrites one it did "
                "not publish",
            )

    def _upload_files(
        self, dataset: dict[str, Any], package_dir: Path, manifest: dict[str, Any]
    ) -> dict[str, Any]:
        """Make the dataset's resources exactly the package's files, then read them back."""
        wanted = {entry["path"]: (entry["sha256"], entry["bytes"]) for entry in manifest["files"]}
        # The manifest and, last, its signature: the files a verifier starts from.
        for path in (MANIFEST, SIGNATURE):
            wanted[path] = (sha256_file(package_dir / path), (package_dir / path).stat().st_size)
        org = dataset["organization"]["name"]
        licence = _licence_url(package_dir)
        kept: dict[str, dict[str, Any]] = {}
        for resource in dataset.get("resources", []):
            # Leftovers of an interrupted or different run: duplicates and strangers go.
            if resource["name"] in wanted and resource["name"] not in kept:
                kept[resource["name"]] = resource
            else:
                self._client.call("resource_delete", {"id": resource["id"]}, org=org)
        for path, (sha256, size) in wanted.items():
            current = kept.get(path)
            if current and (current.get("hash"), current.get("size")) == (sha256, size):
                continue  # already uploaded by an earlier run: not sent again
            fields = meta.resource_fields(path, sha256, licence)
            if current:
                fields["id"] = current["id"]
            else:
                fields["package_id"] = dataset["id"]
            action = "resource_update" if current else "resource_create"
            self._client.call(action, fields, upload=package_dir / path, org=org)
        stored = self._client.call("package_show", {"id": dataset["id"]}, org=org)
        self._check_stored(stored, wanted)
        return stored

    def _check_stored(self, dataset: dict[str, Any], wanted: dict[str, tuple[str, int]]) -> None:
        found = {r["name"]: (r.get("hash"), r.get("size")) for r in dataset["resources"]}
        wrong = [path for path, expected in wanted.items() if found.get(path) != expected]
        if wrong or len(found) != len(wanted):
            raise CatalogueError(
                f"CKAN did not store {', '.join(wrong) or 'the resources'} as uploaded "
                "(hash or size read back differs)",
                where=f"{self.base_url}/dataset/{dataset['name']}",
                hint="publish again: the dataset stays private and incomplete until it matches",
            )

    def _before_commit(self, dataset: dict[str, Any]) -> None:
        """Runs once every file is uploaded and checked, before the commit: a seam for tests."""

    def _commit(
        self,
        dataset: dict[str, Any],
        descriptor: dict[str, Any],
        manifest: dict[str, Any],
        package_dir: Path,
        ref: PackageRef,
    ) -> dict[str, Any]:
        signature = json.loads((package_dir / SIGNATURE).read_text(encoding="utf-8"))
        fields = meta.dataset_fields(
            descriptor,
            manifest,
            _as_published(ref),
            self.schema_fields,
            private=self.settings.keep_private,
        )
        committed = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
        extras = {item["key"]: item["value"] for item in fields["extras"]}
        extras |= {meta.STATE: meta.COMPLETE, meta.KEY_ID: signature["keyId"]}
        extras[meta.COMMITTED] = committed
        extras[meta.IN_SERIES] = json.dumps([series_dataset_name(ref.coalition, ref.dataset)])
        fields["extras"] = [{"key": k, "value": v} for k, v in sorted(extras.items())]
        # One call flips state and visibility together: never public and incomplete.
        patched: dict[str, Any] = self._client.call(
            "package_patch",
            {**fields, "id": dataset["id"], "private": self.settings.keep_private},
            org=dataset["organization"]["name"],
        )
        return patched

    def _update_series(self, ref: PackageRef, committed: dict[str, Any]) -> None:
        """Bring the dataset's series up to date with its committed versions (and this one)."""
        versions = [*self._committed_versions(ref.coalition, ref.dataset), committed]
        update_series(
            self._client,
            ref,
            versions,
            keep_private=self.settings.keep_private,
            schema_fields=self.schema_fields,
        )

    def refresh_series(self, coalition: str, dataset: str) -> bool:
        """Make the dataset's series list its committed versions; True when it was written."""
        versions = self._committed_versions(coalition, dataset)
        return sync_series(
            self._client,
            coalition,
            dataset,
            versions,
            keep_private=self.settings.keep_private,
            schema_fields=self.schema_fields,
        )

    def _ensure_organisation(self, coalition: str, descriptor: dict[str, Any]) -> None:
        if coalition in self._organisations:
            return
        found = self._client.find("organization_show", {"id": coalition}, org=coalition)
        if found is None:
            title = descriptor.get("citizenData", {}).get("coalition", {}).get("name", coalition)
            try:
                self._client.call(
                    "organization_create", {"name": coalition, "title": title}, org=""
                )
            except NotAllowed as e:
                raise OrganisationMissing(
                    f"the CKAN organisation {coalition!r} does not exist and this token "
                    "may not create it",
                    where=self.location,
                    hint=f"a CKAN sysadmin must create the organisation `{coalition}` and "
                    f"give the publishing user the role `{WRITE_ROLE}` in it",
                ) from e
        self._organisations.add(coalition)

    def publish_key(self, coalition: str, entry: dict[str, Any]) -> None:
        """Publish the coalition's public key in `<coalition>--public-keys` (convenience only)."""
        self._ensure_organisation(coalition, {})
        name = keys_dataset_name(coalition)
        current = self._client.find("package_show", {"id": name}, org=coalition)
        if current is None:
            self._client.call(
                "package_create",
                {
                    "name": name,
                    "owner_org": coalition,
                    "title": f"Public signing keys of {coalition}",
                    "notes": "Convenience copy of the coalition's public keys: verify "
                    "packages against a trust store you received from the coalition itself.",
                    "private": self.settings.keep_private,
                    "extras": [{"key": KEYS_EXTRA, "value": json.dumps(entry, sort_keys=True)}],
                },
                org=coalition,
            )
            return
        keys = json.loads(meta.extras_of(current).get(KEYS_EXTRA, "{}"))
        merged = {**keys, **entry}
        if merged != keys:  # an unchanged key is not written again: no new activity
            extras = meta.with_extras(current, **{KEYS_EXTRA: json.dumps(merged, sort_keys=True)})
            self._client.call(
                "package_patch", {"id": current["id"], "extras": extras}, org=coalition
            )

    # --- reading ---------------------------------------------------------------------

    def versions(self, coalition: str, dataset: str) -> list[str]:
        """Committed versions this token can see, oldest first."""
        found = [d["version"] for d in self._committed_versions(coalition, dataset)]
        return sorted(set(found), key=version_key)

    def _committed_versions(self, coalition: str, dataset: str) -> list[dict[str, Any]]:
        return [
            d
            # The search narrows to the dataset's records (CKAN indexes extras as
            # extras_<key>); the exact comparison below stays the judge.
            for d in self._committed(
                f'+organization:{coalition} +extras_{meta.DATASET}:"{dataset}"'
            )
            if meta.extras_of(d).get(meta.DATASET) == dataset
        ]

    def resolve(self, ref: PackageRef) -> PackageRef:
        """The committed version `ref` names (`latest` → the highest); PackageNotFound else."""
        if ref.version != LATEST:
            name = version_dataset_name(ref)
            found = self._client.find("package_show", {"id": name}, org=ref.coalition)
            if found is not None and meta.extras_of(found).get(meta.STATE) == meta.COMPLETE:
                self._check_owner(found, ref)
                return ref
        versions = self.versions(ref.coalition, ref.dataset)
        if ref.version == LATEST and versions:
            return PackageRef(ref.coalition, ref.dataset, versions[-1])
        raise PackageNotFound(
            f"{ref} is not in the catalogue {self.location}",
            hint=f"published versions you can see: {', '.join(versions) or 'none'}; a "
            f"private dataset needs a token of a `{READ_ROLE}` of organisation "
            f"`{ref.coalition}` (CDX_CKAN_TOKEN)",
        )

    def reader(self, ref: PackageRef) -> CkanPackageReader:
        """The committed version's resources, each read as a stream."""
        resolved = self.resolve(ref)
        name = version_dataset_name(resolved)
        dataset = self._client.call("package_show", {"id": name}, org=ref.coalition)
        resources = {
            r["name"]: r for r in dataset.get("resources", []) if isinstance(r.get("name"), str)
        }
        return CkanPackageReader(self._client, resources, f"{self.location}/dataset/{name}")

    def fetch(self, ref: PackageRef, dest: Path) -> None:
        """Stream the listed resources into the empty directory `dest` (connectors/fetching.py)."""
        fetch_package(self.reader(ref), dest)

    def entries(self) -> list[CatalogueEntry]:
        """Every committed version this token can see."""
        found = [version_entry(dataset) for dataset in self._committed(None)]
        return sorted(found, key=lambda e: (e.coalition, e.dataset, version_key(e.version)))

    def published_keys(self, coalition: str) -> dict[str, Any]:
        """Public keys the coalition published here: convenience, never trust, so a
        damaged record is no keys (as a local or S3 catalogue's keys.json)."""
        name = keys_dataset_name(coalition)
        found = self._client.find("package_show", {"id": name}, org=coalition)
        try:
            keys = parse_json(meta.extras_of(found or {}).get(KEYS_EXTRA, "{}"))
        except ValueError:
            return {}
        return keys if isinstance(keys, dict) else {}

    def _committed(self, fq: str | None) -> Iterator[dict[str, Any]]:
        rows, start = 1000, 0
        while True:
            query: dict[str, Any] = {"q": "*:*", "rows": rows, "start": start}
            query |= {"include_private": True} | ({"fq": fq} if fq else {})
            page = self._client.call("package_search", query, org="")
            for dataset in page["results"]:
                extras = meta.extras_of(dataset)
                # Only versions: the series and key records carry no `cdx_state`.
                if (
                    extras.get(meta.STATE) == meta.COMPLETE
                    and meta.COALITION in extras
                    and not is_series(dataset)
                ):
                    yield dataset
            start += rows
            if start >= page["count"]:
                return


def _licence_url(package_dir: Path) -> str | None:
    descriptor = json.loads((package_dir / DESCRIPTOR).read_text(encoding="utf-8"))
    path = ((descriptor.get("licenses") or [{}])[0]).get("path")
    return path if isinstance(path, str) and path.startswith(("http://", "https://")) else None


def _as_published(ref: PackageRef) -> dict[str, str]:
    return {"coalition": ref.coalition, "dataset": ref.dataset, "version": ref.version}


def version_entry(dataset: Any) -> CatalogueEntry:
    """The index entry of a version dataset, read from a portal that may be hostile: a
    dataset marked committed without the fields of one is a damaged catalogue."""
    extras = meta.extras_of(dataset)
    try:
        return CatalogueEntry(
            extras[meta.COALITION],
            extras[meta.DATASET],
            str(dataset["version"]),
            extras[meta.CONTENT_DIGEST],
            extras.get(meta.KEY_ID, ""),
            extras.get(meta.COMMITTED, ""),
            extras.get(meta.FREQUENCY),
            str(dataset.get("title") or ""),
            " ".join(str(dataset.get("notes") or "").split()),
        )
    except (KeyError, TypeError) as exc:
        name = str(dataset.get("name"))[:100] if isinstance(dataset, dict) else "?"
        raise CatalogueError(
            f"the CKAN dataset {name!r} is marked as a committed cdx version but has no {exc}",
            hint="the portal's record was changed outside cdx: ask its administrators, or "
            "publish that version again",
        ) from None
