"""A package's schema.org Dataset: the one it carries, or a minimal one made here."""

from __future__ import annotations

import re
from typing import Any

# What a package carries under metadata/ (written by the metadata step, when it ran).
SCHEMA_ORG = re.compile(r"^metadata/[^/]*schema[-_.]?org[^/]*\.jsonld$", re.IGNORECASE)
DCAT = re.compile(r"^metadata/[^/]*dcat[^/]*\.(jsonld|json|rdf|ttl|xml)$", re.IGNORECASE)


def minimal_dataset(descriptor: dict[str, Any], files: list[str]) -> dict[str, Any]:
    """schema.org Dataset from datapackage.json: name, description, version, license,
    creator, temporalCoverage, spatialCoverage and one distribution per file."""
    citizen = descriptor.get("citizenData", {})
    coalition = citizen.get("coalition", {})
    period = citizen.get("collectionPeriod", {})
    coverage = citizen.get("geographicCoverage", {})
    dataset: dict[str, Any] = {
        "@context": "https://schema.org/",
        "@type": "Dataset",
        "name": descriptor.get("title") or descriptor.get("name", ""),
        "description": (descriptor.get("description") or descriptor.get("title") or "").strip(),
        "version": descriptor.get("version", ""),
        "identifier": descriptor.get("id", ""),
        "creator": {"@type": "Organization", "name": coalition.get("name", "")},
        "keywords": descriptor.get("keywords", []),
        "distribution": [
            {
                "@type": "DataDownload",
                "contentUrl": f"files/{path}",
                "encodingFormat": _media_type(path),
            }
            for path in files
        ],
    }
    licences = [item.get("path") or item.get("name") for item in descriptor.get("licenses", [])]
    if licences:
        dataset["license"] = licences[0]
    if period.get("start") and period.get("end"):
        dataset["temporalCoverage"] = f"{period['start']}/{period['end']}"
    if coverage:
        places = [coverage.get("country", ""), *coverage.get("areas", [])]
        dataset["spatialCoverage"] = {"@type": "Place", "name": ", ".join(p for p in places if p)}
    return dataset


def _media_type(path: str) -> str:
    from cdx.site.media_types import media_type

    return media_type(path)
