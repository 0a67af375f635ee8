"""A version's DCAT-AP facts, as top-level fields of a DCAT-AP schema or as plain extras.

The facts are named and shaped as ckanext-dcat's scheming schema `dcat_ap_full` names
them (`publisher` and `contact` lists of `{name, email, …}`, `temporal_coverage` a list
of `{start, end}`, `theme` a list of URIs, …). `place` puts each fact where the portal
keeps it: a field of the portal's dataset schema goes top-level; otherwise it becomes the
extras ckanext-dcat's profiles read on a CKAN without scheming (`publisher_name`,
`temporal_start`, `theme` as a JSON list, …). An extra never carries a schema field's
name: CKAN refuses such a dataset.
"""

from __future__ import annotations

import json
from collections.abc import Collection
from typing import Any

from cdx.connectors.ckan import vocabularies as vocab
from cdx.core.layout import CDX_PROFILE, DATAPACKAGE_V2
from cdx.core.names import package_id

# The dataset fields of ckanext-dcat 2.4's `dcat_ap_full.yaml` cdx writes or must not
# shadow with an extra; used when CDX_CKAN_PORTAL_SCHEMA=dcat-ap is set instead of detected.
DCAT_AP_FULL_FIELDS = frozenset(
    {
        "title", "name", "notes", "tag_string", "contact", "publisher", "creator",
        "homepage", "license_id", "owner_org", "url", "issued", "modified", "version",
        "version_notes", "identifier", "frequency", "provenance", "dcat_type",
        "temporal_coverage", "temporal_resolution", "spatial_coverage",
        "spatial_resolution_in_meters", "access_rights", "alternate_identifier", "theme",
        "language", "documentation", "conforms_to", "is_referenced_by",
        "applicable_legislation", "has_version", "qualified_relation",
        "provenance_activity", "qualified_attribution", "uri",
    }
)  # fmt: skip
LISTS = ("conforms_to", "theme", "language")
TEXTS = ("identifier", "provenance", "issued", "modified", "version_notes", "frequency")
ACCESS_RIGHTS = f"{vocab.EU_AUTHORITY}access-right"
AGENTS = {"publisher": ("name", "email", "type", "uri"), "contact": ("name", "email")}


def version_facts(
    descriptor: dict[str, Any], package: dict[str, str], *, private: bool | None = None
) -> dict[str, Any]:
    """The DCAT-AP facts of one version (empty ones left out), named as dcat_ap_full does.

    `private`: whether the CKAN dataset is private (`dct:accessRights` PUBLIC or
    NON_PUBLIC); None leaves access rights out.
    """
    citizen: dict[str, Any] = descriptor.get("citizenData", {})
    contact = citizen.get("contact", {})
    # dct:temporal is the period the data describe: the reference period when declared
    period = citizen.get("referencePeriod") or citizen.get("collectionPeriod", {})
    coverage = citizen.get("geographicCoverage", {})
    coalition = citizen.get("coalition", {})

    def optional(key: str) -> Any:  # newer descriptors may carry these; older ones do not
        return citizen.get(key) or descriptor.get(key)

    facts: dict[str, Any] = {
        "identifier": package_id(package["coalition"], package["dataset"], package["version"]),
        "provenance": _provenance_statement(citizen),
        "conforms_to": [DATAPACKAGE_V2, CDX_PROFILE],
        "theme": vocab.sdg_theme_uris(citizen.get("sdgIndicators", [])),
        "language": vocab.language_uris(optional("languages") or []),
        "issued": optional("issued") or descriptor.get("created"),
        "modified": optional("modified") or descriptor.get("created"),
        "version_notes": optional("versionNotes") or optional("version_notes"),
        "frequency": vocab.frequency_uri(optional("frequency") or optional("updateFrequency")),
        "access_rights": None
        if private is None
        else f"{ACCESS_RIGHTS}/{'NON_PUBLIC' if private else 'PUBLIC'}",
        "publisher": _agent(
            name=coalition.get("name"),
            email=contact.get("email"),
            type=vocab.PUBLISHER_TYPE if coalition.get("name") else None,
        ),
        "contact": _agent(name=contact.get("name"), email=contact.get("email")),
        "temporal_coverage": _one(start=period.get("start"), end=period.get("end")),
        "spatial_coverage": _one(
            uri=vocab.country_uri(coverage.get("country")),
            text=", ".join(coverage.get("areas", [])) or None,
        ),
    }
    return {key: value for key, value in facts.items() if value}


def place(
    facts: dict[str, Any], schema_fields: Collection[str]
) -> tuple[dict[str, Any], dict[str, str]]:
    """(top-level fields, extras): schema fields top-level, the rest as plain extras."""
    top: dict[str, Any] = {}
    extras: dict[str, str] = {}
    for name, value in facts.items():
        if name in schema_fields:
            top[name] = value
        else:
            extras.update(as_extras(name, value))
    return top, {key: value for key, value in extras.items() if key not in schema_fields}


def as_extras(name: str, value: Any) -> dict[str, str]:
    """One fact as the extras ckanext-dcat reads on a CKAN without scheming."""
    if name in LISTS:
        return {name: json.dumps(value)}
    if name in AGENTS:
        return {f"{name}_{key}": str(item) for key, item in value[0].items()}
    if name == "temporal_coverage":
        return {f"temporal_{key}": str(item) for key, item in value[0].items()}
    if name == "spatial_coverage":
        return {f"spatial_{key}": str(item) for key, item in value[0].items()}
    return {name: str(value)}


def facts_of(dataset: dict[str, Any]) -> dict[str, Any]:
    """The agents and coverage a stored CKAN dataset holds, top-level or in extras."""
    extras = {item["key"]: item["value"] for item in dataset.get("extras", [])}
    found: dict[str, Any] = {}
    prefixes = {**{name: name for name in AGENTS}, "temporal_coverage": "temporal"}
    prefixes["spatial_coverage"] = "spatial"
    for name, prefix in prefixes.items():
        if dataset.get(name):
            found[name] = dataset[name]
            continue
        from_extras = {
            key.removeprefix(f"{prefix}_"): value
            for key, value in extras.items()
            if key.startswith(f"{prefix}_") and value
        }
        if from_extras:
            found[name] = [from_extras]
    return found


def _agent(**fields: str | None) -> list[dict[str, str]]:
    return _one(**fields) if fields.get("name") else []


def _one(**fields: str | None) -> list[dict[str, str]]:
    entry = {key: value for key, value in fields.items() if value}
    return [entry] if entry else []


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
