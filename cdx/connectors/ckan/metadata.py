"""Our package profile → CKAN dataset and resource fields, named as ckanext-dcat reads them.

CKAN core keeps only its own dataset fields (title, notes, version, license_id, tags,
maintainer…) and drops anything else unless it sits in `extras`. The extras below use
the names ckanext-dcat's `euro_dcat_ap` / `euro_dcat_ap_2` profiles read without any
schema (`temporal_start`, `spatial_uri`, `contact_email`, `conforms_to`, …), so a portal
running ckanext-dcat exposes them as DCAT-AP without a mapping of its own. A portal on
ckanext-scheming's `dcat_ap_full` schema holds the same facts in repeating subfields
(`temporal_coverage`, `spatial_coverage`, `contact`); docs/ckan-catalogue.md lists both.

Resources carry `hash` (hex SHA-256) and `hash_algorithm` (the SPDX URI ckanext-dcat
writes as `spdx:algorithm`), as core resource fields and resource extras.
"""

from __future__ import annotations

import json
import mimetypes
import re
from typing import Any

from cdx.core.hashing import sha256_bytes
from cdx.core.layout import CDX_PROFILE, DATAPACKAGE_V2
from cdx.core.names import package_id
from cdx.metadata.vocabularies import country_iri

SHA256_ALGORITHM = "http://spdx.org/rdf/terms#checksumAlgorithm_sha256"
# Our own bookkeeping extras: which coalition/dataset/version a CKAN dataset holds and
# whether it is committed. Readers trust only datasets whose state is `complete`.
COALITION = "cdx_coalition"
DATASET = "cdx_dataset"
CONTENT_DIGEST = "cdx_content_digest"
KEY_ID = "cdx_key_id"
COMMITTED = "cdx_committed"
STATE = "cdx_state"
COMPLETE = "complete"
INCOMPLETE = "incomplete"
# DCAT-AP 3 series membership, named as ckanext-dcat reads it (docs/ckan-catalogue.md).
IN_SERIES = "in_series"
NAME_MAX = 100  # CKAN's limit for dataset names
TAG_UNSAFE = re.compile(r"[^\w .-]+")
CKAN_LICENCES = {"CC-BY-4.0": "cc-by", "CC-BY-SA-4.0": "cc-by-sa", "CC0-1.0": "cc-zero"}


def dataset_fields(
    descriptor: dict[str, Any], manifest: dict[str, Any], package: dict[str, str]
) -> dict[str, Any]:
    """The CKAN dataset dict (without name, owner_org, private) for one sealed version.

    `package` holds the coalition, dataset and version it is published as.
    """
    citizen: dict[str, Any] = descriptor.get("citizenData", {})
    contact = citizen.get("contact", {})
    period = citizen.get("collectionPeriod", {})
    coverage = citizen.get("geographicCoverage", {})
    licence = (descriptor.get("licenses") or [{}])[0]
    extras = {
        COALITION: package["coalition"],
        DATASET: package["dataset"],
        CONTENT_DIGEST: manifest["contentDigest"],
        "identifier": package_id(package["coalition"], package["dataset"], package["version"]),
        "conforms_to": json.dumps([DATAPACKAGE_V2, CDX_PROFILE]),
        "provenance": _provenance_statement(citizen),
        "temporal_start": period.get("start"),
        "temporal_end": period.get("end"),
        "spatial_text": ", ".join(coverage.get("areas", [])) or None,
        "spatial_uri": _country_uri(coverage.get("country")),
        "contact_name": contact.get("name"),
        "contact_email": contact.get("email"),
        "publisher_name": citizen.get("coalition", {}).get("name"),
        "sdg_indicators": json.dumps(citizen.get("sdgIndicators", [])),
        "disaggregation": json.dumps(citizen.get("disaggregation", [])),
        "population": citizen.get("population"),
        "collection_method": citizen.get("collectionMethod"),
    }
    return {
        "title": descriptor.get("title") or package["dataset"],
        "notes": (descriptor.get("description") or "").strip(),
        "version": package["version"],
        "license_id": CKAN_LICENCES.get(licence.get("name", ""), licence.get("name", "")),
        "maintainer": contact.get("name"),
        "maintainer_email": contact.get("email"),
        "tags": [{"name": tag} for tag in dataset_tags(descriptor)],
        "extras": [{"key": k, "value": str(v)} for k, v in extras.items() if v is not None],
    }


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


def resource_fields(path: str, sha256: str) -> dict[str, Any]:
    """CKAN resource fields for one file of the package (its name is its package path)."""
    mimetype = mimetypes.guess_type(path)[0] or (
        "application/ld+json" if path.endswith(".jsonld") else "application/octet-stream"
    )
    return {
        "name": path,
        "format": path.rsplit(".", 1)[-1].upper() if "." in path else "",
        "mimetype": mimetype,
        "hash": sha256,
        "hash_algorithm": SHA256_ALGORITHM,
    }


def extras_of(dataset: dict[str, Any]) -> dict[str, str]:
    """A CKAN dataset's extras as a plain dict."""
    return {item["key"]: item["value"] for item in dataset.get("extras", [])}


def with_extras(dataset: dict[str, Any], **updates: str) -> list[dict[str, str]]:
    """The dataset's extras list with `updates` applied (package_patch replaces the list)."""
    extras = extras_of(dataset)
    extras.update(updates)
    return [{"key": key, "value": value} for key, value in sorted(extras.items())]


def _provenance_statement(citizen: dict[str, Any]) -> str:
    labels = {
        "collectionMethod": "Collection method",
        "methodology": "Methodology",
        "participationLevel": "Participation",
        "consentBasis": "Consent",
    }
    parts = [f"{label}: {citizen[key]}" for key, label in labels.items() if key in citizen]
    parts.append("Signed provenance (W3C PROV-O): resource provenance.jsonld")
    return ". ".join(parts)


def _country_uri(country: str | None) -> str | None:
    # The EU Publications Office country table, which DCAT-AP names for dct:spatial
    # (KE → …/authority/country/KEN); the same IRI as the package's metadata/dcat.jsonld.
    return country_iri(country) if country else None
