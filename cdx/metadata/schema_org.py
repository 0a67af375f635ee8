"""schema.org Dataset of one version, for search engines (Google Dataset Search).

Google requires `name` and `description` (50 to 5,000 characters) and recommends
creator, license, temporalCoverage, spatialCoverage, variableMeasured, distribution,
version, isBasedOn, identifier, keywords, url, measurementTechnique, isAccessibleForFree.
The context is inline (`@vocab`), so the document needs no network to be read as RDF.
A web page embeds `schema_org_dataset(...)` with its own `url` and `base_url`.
"""

from __future__ import annotations

from typing import Any

from cdx.metadata.citizen import CitizenData, split_package_id
from cdx.metadata.vocabularies import SDG, country_name, sdg_iris

CONTEXT = {"@vocab": "https://schema.org/"}
DESCRIPTION_MIN, DESCRIPTION_MAX = 50, 5000


def schema_org_dataset(
    descriptor: dict[str, Any],
    *,
    url: str | None = None,
    base_url: str | None = None,
    catalogue: dict[str, str] | None = None,
) -> dict[str, Any]:
    """The schema.org Dataset of one version.

    `url`: the page that shows this version, when there is one; `base_url`: where the
    package's folder is served (file links become absolute); `catalogue`: `name` and
    `url` of the catalogue that lists it.
    """
    citizen = CitizenData(descriptor)
    coalition, dataset_name, _ = split_package_id(descriptor["id"])
    start, end = citizen.temporal_coverage()
    licence = (descriptor.get("licenses") or [{}])[0]
    document: dict[str, Any] = {
        "@context": CONTEXT,
        "@type": "Dataset",
        "@id": descriptor["id"],
        "name": descriptor["title"],
        "description": description_of(descriptor, citizen),
        "identifier": descriptor["id"],
        "version": descriptor["version"],
        "keywords": descriptor.get("keywords", []),
        "license": licence.get("path") or licence.get("name", ""),
        "isAccessibleForFree": True,
        "creator": [_organisation(o["name"], o.get("url")) for o in citizen.collectors()]
        or [_organisation(citizen.coalition_name)],
        "publisher": _organisation(citizen.coalition_name, email=citizen.contact_email),
        "dateCreated": descriptor["created"],
        "temporalCoverage": f"{start}/{end}",
        "spatialCoverage": spatial_coverage(citizen),
        "variableMeasured": variables(descriptor),
        "measurementTechnique": str(citizen.data.get("collectionMethod", "")).replace("-", " "),
        "isBasedOn": [
            {"@type": "CreativeWork", "name": source["title"]}
            for source in descriptor.get("sources", [])
            if source.get("title")
        ],
        "about": [
            {
                "@type": "DefinedTerm",
                "name": f"SDG indicator {code}",
                "termCode": code,
                "url": sdg_iris(code)[-1],
                "inDefinedTermSet": SDG.rstrip("/"),
            }
            for code in citizen.sdg_indicators
            if sdg_iris(code)
        ],
        "distribution": [
            {
                "@type": "DataDownload",
                "name": resource["name"],
                "encodingFormat": resource.get("mediatype", "text/csv"),
                "contentUrl": f"{base_url.rstrip('/')}/{resource['path']}"
                if base_url
                else resource["path"],
                **({"contentSize": f"{resource['bytes']} B"} if "bytes" in resource else {}),
                **(
                    {"sha256": str(resource["hash"]).removeprefix("sha256:")}
                    if str(resource.get("hash", "")).startswith("sha256:")
                    else {}
                ),
            }
            for resource in descriptor.get("resources", [])
        ],
        "alternateName": f"{coalition}/{dataset_name}@{descriptor['version']}",
    }
    if url:
        document["url"] = url
    if catalogue:
        document["includedInDataCatalog"] = {"@type": "DataCatalog", **catalogue}
    if issued := citizen.get("issued"):
        document["datePublished"] = issued
    if modified := citizen.get("modified"):
        document["dateModified"] = modified
    if languages := citizen.languages():
        document["inLanguage"] = languages
    if methodology := citizen.data.get("methodology"):
        document["measurementTechnique"] += f": {methodology}"
    if notes := citizen.get("version_notes"):
        document["releaseNotes"] = notes
    return document


def description_of(descriptor: dict[str, Any], citizen: CitizenData) -> str:
    """The dataset's description, with who collected it, how and about whom when it is
    shorter than Google's 50 characters; cut at 5,000."""
    text = " ".join(str(descriptor.get("description") or descriptor["title"]).split())
    if len(text) < DESCRIPTION_MIN:
        text = f"{text} {citizen.provenance_statement()}".strip()
    return text[:DESCRIPTION_MAX]


def spatial_coverage(citizen: CitizenData) -> dict[str, Any]:
    country = country_name(citizen.coverage_country)
    areas = citizen.areas
    return {
        "@type": "Place",
        "name": f"{', '.join(areas)} ({country})" if areas else country,
        "address": {"@type": "PostalAddress", "addressCountry": citizen.coverage_country},
    }


def variables(descriptor: dict[str, Any]) -> list[dict[str, Any]]:
    """Every field of every table, once, as a PropertyValue."""
    seen: dict[str, dict[str, Any]] = {}
    for resource in descriptor.get("resources", []):
        for field in resource.get("schema", {}).get("fields", []):
            name = field.get("name")
            if not name or name in seen:
                continue
            variable: dict[str, Any] = {"@type": "PropertyValue", "name": name}
            if text := field.get("description") or field.get("title"):
                variable["description"] = text
            seen[name] = variable
    return list(seen.values())


def _organisation(name: str, url: str | None = None, *, email: str = "") -> dict[str, Any]:
    node: dict[str, Any] = {"@type": "Organization", "name": name}
    if url:
        node["url"] = url
    if email:
        node["email"] = email
    return node
