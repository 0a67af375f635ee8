"""Our package profile → CKAN dataset and resource fields, named as ckanext-dcat reads them.

CKAN core keeps only its own dataset fields (title, notes, version, license_id, tags,
maintainer…) and drops anything else unless it sits in `extras`. On such a plain CKAN
the DCAT-AP facts go into extras named as ckanext-dcat's profiles read them without
any schema (`temporal_start`, `spatial_uri`, `contact_email`, `conforms_to`, …). A
portal on ckanext-scheming (e.g. ckanext-dcat's `dcat_ap_full` schema) gets the facts
its schema names as top-level fields (`temporal_coverage`, `publisher`, `theme`, …) and
only the rest as extras (connectors/ckan/dcat_fields.py); docs/ckan-catalogue.md lists
both.

Resources carry `hash` (hex SHA-256) and `hash_algorithm` (the SPDX URI ckanext-dcat
writes as `spdx:algorithm`), as core resource fields and resource extras.
"""

from __future__ import annotations

import json
import mimetypes
import re
from collections.abc import Collection
from typing import Any

from cdx.connectors.ckan import dcat_fields as dcat
from cdx.core.hashing import sha256_bytes

SHA256_ALGORITHM = "http://spdx.org/rdf/terms#checksumAlgorithm_sha256"
# Our own bookkeeping extras: which coalition/dataset/version a CKAN dataset holds and
# whether it is committed. Readers trust only datasets whose state is `complete`.
COALITION = "cdx_coalition"
DATASET = "cdx_dataset"
CONTENT_DIGEST = "cdx_content_digest"
KEY_ID = "cdx_key_id"
COMMITTED = "cdx_committed"
STATE = "cdx_state"
# coalition.yaml's update frequency word, for the index entry (dct:accrualPeriodicity,
# as an EU frequency URI, is the DCAT `frequency` fact beside it).
FREQUENCY = "cdx_update_frequency"
COMPLETE = "complete"
INCOMPLETE = "incomplete"
# DCAT-AP 3 series membership, named as ckanext-dcat reads it (docs/ckan-catalogue.md).
IN_SERIES = "in_series"
NAME_MAX = 100  # CKAN's limit for dataset names
TAG_UNSAFE = re.compile(r"[^\w .-]+")
CKAN_LICENCES = {"CC-BY-4.0": "cc-by", "CC-BY-SA-4.0": "cc-by-sa", "CC0-1.0": "cc-zero"}


def dataset_fields(
    descriptor: dict[str, Any],
    manifest: dict[str, Any],
    package: dict[str, str],
    schema_fields: Collection[str] = (),
    *,
    private: bool | None = None,
) -> dict[str, Any]:
    """The CKAN dataset dict (without name, owner_org, private) for one sealed version.

    `package` holds the coalition, dataset and version it is published as; `private`
    whether the dataset is (its access rights);
    `schema_fields` the dataset fields of the portal's scheming schema (none on a plain
    CKAN): DCAT-AP facts named there go top-level, the rest into extras.
    """
    citizen: dict[str, Any] = descriptor.get("citizenData", {})
    contact = citizen.get("contact", {})
    licence = (descriptor.get("licenses") or [{}])[0]
    top, dcat_extras = dcat.place(
        dcat.version_facts(descriptor, package, private=private), schema_fields
    )
    extras = {
        COALITION: package["coalition"],
        DATASET: package["dataset"],
        CONTENT_DIGEST: manifest["contentDigest"],
        **dcat_extras,
        "sdg_indicators": json.dumps(citizen.get("sdgIndicators", [])),
        "disaggregation": json.dumps(citizen.get("disaggregation", [])),
        "population": citizen.get("population"),
        "collection_method": citizen.get("collectionMethod"),
        FREQUENCY: citizen.get("updateFrequency"),
    }
    title = descriptor.get("title") or package["dataset"]
    notes = (descriptor.get("description") or "").strip()
    fields = {
        "title": title,
        # A DCAT-AP schema requires a description (dct:description is mandatory).
        "notes": notes or (title if schema_fields else ""),
        "version": package["version"],
        "license_id": CKAN_LICENCES.get(licence.get("name", ""), licence.get("name", "")),
        "tags": [{"name": tag} for tag in dataset_tags(descriptor)],
        **top,
        "extras": [
            {"key": k, "value": str(v)}
            for k, v in extras.items()
            if v is not None and k not in schema_fields
        ],
    }
    if "contact" not in top:  # a schema's `contact` is the contact point; no second one
        fields |= {"maintainer": contact.get("name"), "maintainer_email": contact.get("email")}
    return fields


def within_name_limit(name: str) -> str:
    """`name` itself if CKAN accepts its length, else cut with a hash suffix (≤ 100 chars)."""
    if len(name) <= NAME_MAX:
        return name
    return f"{name[: NAME_MAX - 13]}-{sha256_bytes(name.encode())[:12]}"


def dataset_tags(descriptor: dict[str, Any]) -> list[str]:
    """Keywords, `SDG <indicator>` and `disaggregated by <dimension>`, safe for CKAN tags."""
    citizen = descriptor.get("citizenData", {})
    tags = set(descriptor.get("keywords", []))
    tags.update(f"SDG {indicator}" for indicator in citizen.get("sdgIndicators", []))
    tags.update(f"disaggregated by {dimension}" for dimension in citizen.get("disaggregation", []))
    cleaned = {TAG_UNSAFE.sub("-", tag).strip()[:100] for tag in tags}
    return sorted(tag for tag in cleaned if len(tag) >= 2)


def resource_fields(path: str, sha256: str, licence: str | None = None) -> dict[str, Any]:
    """CKAN resource fields for one file of the package (its name is its package path).

    `licence` (the licence's URL) becomes the distribution's `dct:license` in DCAT-AP.
    """
    mimetype = mimetypes.guess_type(path)[0] or (
        "application/ld+json" if path.endswith(".jsonld") else "application/octet-stream"
    )
    return {
        "name": path,
        "format": path.rsplit(".", 1)[-1].upper() if "." in path else "",
        "mimetype": mimetype,
        "hash": sha256,
        "hash_algorithm": SHA256_ALGORITHM,
        **({"license": licence} if licence else {}),
    }


def extras_of(dataset: dict[str, Any]) -> dict[str, str]:
    """A CKAN dataset's extras as a plain dict of text. A portal may be hostile: an
    extra that is not a key and a value, or extras that are not a list, are left out."""
    extras = dataset.get("extras") if isinstance(dataset, dict) else None
    if not isinstance(extras, list):
        return {}
    return {
        item["key"]: item["value"]
        for item in extras
        if isinstance(item, dict)
        and isinstance(item.get("key"), str)
        and isinstance(item.get("value"), str)
    }


def with_extras(dataset: dict[str, Any], **updates: str) -> list[dict[str, str]]:
    """The dataset's extras list with `updates` applied (package_patch replaces the list)."""
    extras = extras_of(dataset)
    extras.update(updates)
    return [{"key": key, "value": value} for key, value in sorted(extras.items())]
