"""The versions of one coalition dataset grouped as a DCAT-AP 3 dataset series on CKAN.

Each published version stays a CKAN dataset of its own (connectors/ckan.py). Beside
them, one record per coalition dataset, `<coalition>--<dataset>--series`, lists them:
what DCAT-AP 3 calls a `dcat:DatasetSeries`, whose members point back with
`dcat:inSeries` and which points at its `dcat:first` and `dcat:last` member. The fields
carry the names ckanext-dcat reads and ckanext-dataset-series manages — `in_series` on
each version (a list), `series_navigation` (`first`, `last`) on the series — as extras,
because CKAN core keeps no other fields (docs/ckan-catalogue.md has the table):

- each version's commit patch sets its extra `in_series` to `["<the series name>"]`;
- the series holds `version` (the highest version), the title, description, publisher,
  contact and coverage of that version (the temporal coverage spans all versions;
  these facts are placed like a version's, dcat_fields.place), the extras
  `cdx_versions` (every version and its dataset name, oldest first),
  `series_navigation` and, as cdx's bookkeeping, `cdx_coalition`, `cdx_dataset` and
  `cdx_kind = dataset-series`. It has no `cdx_state`, so readers never take it for a
  version.

The series is derived, never a source of truth: it is rebuilt from the committed
versions (`cdx_state = complete`) and written only after a version is committed, and
only when the rebuilt record differs from the stored one. So a half-published version
is never listed, a republish writes nothing, and a series left stale (a crash between
commit and series update, two publishers racing) is repaired by the next publish of any
version of that dataset. Readers resolve `@latest` from the versions, not from here.

Visibility follows the versions: a series created by a `CDX_CKAN_KEEP_PRIVATE` publish
is private and lists every version; a public series lists only public versions, so it
never reveals a private one.

Why the record keeps CKAN's default type `dataset` rather than ckanext-dataset-series'
`dataset_series`: on a CKAN without that extension, one dataset of an unregistered
type breaks every page that lists it (docs/decisions/0047-ckan-dataset-per-version-and-series.md).
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable
from typing import Any

from cdx.connectors.catalogue import PackageRef
from cdx.connectors.ckan import dcat_fields as dcat
from cdx.connectors.ckan import metadata as meta
from cdx.connectors.ckan.client import CkanClient
from cdx.core.errors import CatalogueError, CdxError
from cdx.core.names import version_key

SERIES_SUFFIX = "series"  # no version starts with a letter: no version dataset ends so
KIND = "cdx_kind"
SERIES_KIND = "dataset-series"
VERSIONS = "cdx_versions"
NAVIGATION = "series_navigation"
CORE_FIELDS = ("title", "notes", "version", "maintainer", "maintainer_email")
FROM_LATEST = ("publisher", "contact", "spatial_coverage")
FROM_TOP = (*FROM_LATEST, "temporal_coverage")  # top-level on a DCAT-AP schema


def series_dataset_name(coalition: str, dataset: str) -> str:
    """The CKAN name of a dataset's series: `coalition--dataset--series` (≤ 100 chars)."""
    return meta.within_name_limit(f"{coalition}--{dataset}--{SERIES_SUFFIX}")


def is_series(dataset: dict[str, Any]) -> bool:
    return meta.extras_of(dataset).get(KIND) == SERIES_KIND


def update_series(
    client: CkanClient,
    ref: PackageRef,
    versions: Iterable[dict[str, Any]],
    *,
    keep_private: bool,
    schema_fields: Collection[str] = (),
) -> bool:
    """`sync_series` after publishing `ref`; an error says that `ref` itself is published."""
    try:
        return sync_series(
            client,
            ref.coalition,
            ref.dataset,
            versions,
            keep_private=keep_private,
            schema_fields=schema_fields,
        )
    except CdxError as e:
        name = series_dataset_name(ref.coalition, ref.dataset)
        raise type(e)(
            f"{e.message}; {ref} is published, but its series record {name!r} may not list it yet",
            where=e.where,
            hint=f"{e.hint or 'fix the cause'}; then publish {ref} again: for a version "
            "already published, that only brings its series up to date",
        ) from e


def sync_series(
    client: CkanClient,
    coalition: str,
    dataset: str,
    versions: Iterable[dict[str, Any]],
    *,
    keep_private: bool,
    schema_fields: Collection[str] = (),
) -> bool:
    """Make the series list the committed `versions`; True when it had to be written.

    `versions` are the CKAN datasets of the committed versions (package_show or
    package_search dicts); the caller includes the one it has just committed.
    `schema_fields`: the portal's scheming dataset fields (dcat_fields.place).
    """
    name = series_dataset_name(coalition, dataset)
    current = client.find("package_show", {"id": name}, org=coalition)
    if current is not None:
        _check_owner(current, coalition, dataset, client.location)
    # A public publish makes the series public; a private one never hides a public series.
    private = keep_private and (current is None or bool(current.get("private")))
    members = [v for v in versions if private or not v.get("private")]
    if not members:
        return False
    fields = series_fields(coalition, dataset, members, private=private, schema=schema_fields)
    if current is None:
        client.call(
            "package_create", {**fields, "name": name, "owner_org": coalition}, org=coalition
        )
        return True
    if not differs(current, fields):
        return False  # nothing changed: not a single write, so no new activity
    client.call("package_patch", {**fields, "id": current["id"]}, org=coalition)
    return True


def series_fields(
    coalition: str,
    dataset: str,
    versions: Iterable[dict[str, Any]],
    *,
    private: bool,
    schema: Collection[str] = (),
) -> dict[str, Any]:
    """The series record's fields (without name and owner_org) for these versions."""
    by_name = {v["name"]: v for v in versions}
    members = sorted(by_name.values(), key=lambda v: version_key(v["version"]))
    first, latest = members[0], members[-1]
    latest_facts = dcat.facts_of(latest)
    periods = [p for v in members for p in dcat.facts_of(v).get("temporal_coverage", [])]
    starts = [p["start"] for p in periods if p.get("start")]
    ends = [p["end"] for p in periods if p.get("end")]
    span = {"start": min(starts) if starts else None, "end": max(ends) if ends else None}
    facts = {key: latest_facts[key] for key in FROM_LATEST if key in latest_facts}
    if any(span.values()):  # ISO dates order as text
        facts["temporal_coverage"] = [{k: v for k, v in span.items() if v}]
    top, fact_extras = dcat.place(facts, schema)
    extras: dict[str, str | None] = {
        meta.COALITION: coalition,
        meta.DATASET: dataset,
        KIND: SERIES_KIND,
        VERSIONS: json.dumps([{"version": v["version"], "name": v["name"]} for v in members]),
        NAVIGATION: json.dumps({"first": _link(first), "last": _link(latest)}, sort_keys=True),
        **fact_extras,
    }
    title = latest.get("title") or dataset
    return {
        **top,
        "title": f"{title} (all versions)",
        "notes": latest.get("notes") or "",
        "version": latest["version"],
        "maintainer": latest.get("maintainer"),
        "maintainer_email": latest.get("maintainer_email"),
        "private": private,
        "tags": [{"name": tag["name"]} for tag in latest.get("tags", [])],
        "extras": [
            {"key": k, "value": v}
            for k, v in sorted(extras.items())
            if v is not None and k not in schema
        ],
    }


def differs(current: dict[str, Any], fields: dict[str, Any]) -> bool:
    """Whether writing `fields` would change the stored series record."""
    if any((current.get(key) or "") != (fields.get(key) or "") for key in CORE_FIELDS):
        return True
    if any(current.get(key) != fields[key] for key in FROM_TOP if key in fields):
        return True
    if bool(current.get("private")) != fields["private"]:
        return True
    if sorted(t["name"] for t in current.get("tags", [])) != sorted(
        t["name"] for t in fields["tags"]
    ):
        return True
    return meta.extras_of(current) != meta.extras_of(fields)


def _link(version: dict[str, Any]) -> dict[str, str]:
    """A member as ckanext-dataset-series' `series_navigation` names it, with its version."""
    return {
        "id": version["id"],
        "name": version["name"],
        "title": version.get("title") or "",
        "version": version["version"],
    }


def _check_owner(current: dict[str, Any], coalition: str, dataset: str, where: str) -> None:
    extras = meta.extras_of(current)
    owner = (current.get("organization") or {}).get("name")
    found = (owner, extras.get(meta.COALITION), extras.get(meta.DATASET), extras.get(KIND))
    if found != (coalition, coalition, dataset, SERIES_KIND):
        raise CatalogueError(
            f"the CKAN dataset {current['name']!r} exists but is not the series of "
            f"{coalition}/{dataset}",
            where=where,
            hint="rename or delete that CKAN dataset; cdx never overwrites one it did not publish",
        )
