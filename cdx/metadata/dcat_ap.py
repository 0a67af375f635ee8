"""DCAT-AP 3 (with StatDCAT-AP and DQV) description of one sealed version, as JSON-LD.

Every key is a compact IRI over the prefixes in vocabularies.NAMESPACES, so a JSON-LD
processor drops nothing. The version is a dcat:Dataset in a dcat:DatasetSeries (every
version of the dataset); each table is a dcat:Distribution. Links into the package
(tables, reports) are relative to this file (`metadata/dcat.jsonld`): they resolve to the
package wherever it sits, and a catalogue document makes them absolute.
"""

from __future__ import annotations

from typing import Any

from cdx.metadata.citizen import (
    CitizenData,
    agent_iri,
    organisation_iri,
    series_iri,
    split_package_id,
)
from cdx.metadata.quality import PACKAGE_ROOT, quality_of
from cdx.metadata.vocabularies import (
    CDX_DIMENSION,
    EU_AUTHORITY,
    NAMESPACES,
    country_iri,
    dimension_iri,
    file_type_iri,
    frequency_iri,
    language_iri,
    licence_iri,
    media_type_iri,
    sdg_iris,
    spdx_licence_iri,
)

CONTEXT = dict(NAMESPACES)
PROFILE = "https://citizendata.exchange/profiles/citizen-data-package/1.0.json"
NGO = "http://purl.org/adms/publishertype/NonGovernmentalOrganisation"


def dcat_description(
    descriptor: dict[str, Any],
    *,
    validation: dict[str, Any] | None = None,
    privacy: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The DCAT-AP 3 document of one version, from its datapackage.json and, when sealing,
    the validation outcome and the privacy decision (as quality annotations)."""
    citizen = CitizenData(descriptor)
    dataset_id = descriptor["id"]
    coalition, dataset_name, _ = split_package_id(dataset_id)
    publisher = agent_iri(coalition)
    licence = licence_of(descriptor)
    dataset: dict[str, Any] = {
        "@id": dataset_id,
        "@type": "dcat:Dataset",
        "dct:identifier": dataset_id,
        "dct:title": descriptor["title"],
        "dct:description": descriptor.get("description") or descriptor["title"],
        "dcat:version": descriptor["version"],
        "dct:issued": _date_time(citizen.get("issued") or descriptor["created"]),
        "dcat:keyword": descriptor.get("keywords", []),
        "dcat:theme": [{"@id": iri} for code in citizen.sdg_indicators for iri in sdg_iris(code)],
        "dct:publisher": {"@id": publisher},
        "dct:creator": [{"@id": organisation_iri(coalition, o)} for o in citizen.collectors()]
        or [{"@id": publisher}],
        "dcat:contactPoint": contact_point(citizen),
        "dct:spatial": spatial(citizen),
        "dct:temporal": period(citizen.temporal_coverage()),
        "dct:accessRights": {"@id": f"{EU_AUTHORITY}access-right/PUBLIC"},
        "dct:conformsTo": {"@id": PROFILE},
        "dct:provenance": {
            "@type": "dct:ProvenanceStatement",
            "rdfs:label": citizen.provenance_statement(),
        },
        "dcat:inSeries": {"@id": series_iri(coalition, dataset_name)},
        "foaf:page": {"@id": f"{PACKAGE_ROOT}reports/validation.html"},
        "dcat:distribution": [
            distribution(dataset_id, resource, licence)
            for resource in descriptor.get("resources", [])
        ],
        "stat:dimension": [{"@id": dimension_iri(d)} for d in citizen.disaggregation],
    }
    _optional(dataset, citizen)
    quality = quality_of(dataset_id, validation, privacy)
    dataset.update(quality)
    graph = [
        dataset,
        series(descriptor, citizen),
        *agents(citizen),
        {
            "@id": licence,
            "@type": "dct:LicenseDocument",
            "dct:identifier": spdx_of(descriptor),
            "rdfs:seeAlso": {"@id": spdx_licence_iri(spdx_of(descriptor))},
        },
        *dimensions(citizen.disaggregation),
    ]
    return {"@context": CONTEXT, "@graph": graph}


def _optional(dataset: dict[str, Any], citizen: CitizenData) -> None:
    """Fitness-for-use fields the citizenData profile may hold: lit up when present."""
    if modified := citizen.get("modified"):
        dataset["dct:modified"] = _date_time(modified)
    if frequency := citizen.frequency():
        dataset["dct:accrualPeriodicity"] = {"@id": frequency_iri(frequency)}
    languages = [iri for code in citizen.languages() if (iri := language_iri(code))]
    if languages:
        dataset["dct:language"] = [{"@id": iri} for iri in languages]
    if notes := citizen.get("version_notes"):
        dataset["adms:versionNotes"] = notes
    if previous := citizen.get("previous_version"):
        coalition, name, _ = split_package_id(citizen.descriptor["id"])
        dataset["dcat:previousVersion"] = {
            "@id": previous if ":" in previous else f"urn:cdx:package:{coalition}/{name}@{previous}"
        }


def distribution(dataset_id: str, resource: dict[str, Any], licence: str) -> dict[str, Any]:
    path = resource["path"]
    media_type = resource.get("mediatype", "text/csv")
    node: dict[str, Any] = {
        "@id": f"{dataset_id}#{resource['name']}",
        "@type": "dcat:Distribution",
        "dct:title": resource.get("title") or resource["name"],
        "dct:description": resource.get("description")
        or f"The table `{resource['name']}` as UTF-8 CSV; its Table Schema is in datapackage.json.",
        "dcat:accessURL": {"@id": PACKAGE_ROOT + path},
        "dcat:downloadURL": {"@id": PACKAGE_ROOT + path},
        "dcat:mediaType": {"@id": media_type_iri(media_type)},
        "dct:format": {"@id": file_type_iri(resource.get("format", "csv"))},
        "dct:license": {"@id": licence},
        "dcatap:availability": {
            "@id": f"{EU_AUTHORITY}planned-availability/STABLE",
        },
    }
    if "bytes" in resource:
        node["dcat:byteSize"] = {
            "@value": str(resource["bytes"]),
            "@type": "xsd:nonNegativeInteger",
        }
    digest = str(resource.get("hash", ""))
    if digest.startswith("sha256:"):
        node["spdx:checksum"] = {
            "@type": "spdx:Checksum",
            "spdx:algorithm": {"@id": "spdx:checksumAlgorithm_sha256"},
            "spdx:checksumValue": {
                "@value": digest.removeprefix("sha256:"),
                "@type": "xsd:hexBinary",
            },
        }
    return node


def series(descriptor: dict[str, Any], citizen: CitizenData) -> dict[str, Any]:
    coalition, name, _ = split_package_id(descriptor["id"])
    node: dict[str, Any] = {
        "@id": series_iri(coalition, name),
        "@type": "dcat:DatasetSeries",
        "dct:identifier": series_iri(coalition, name),
        "dct:title": f"{citizen.coalition_name}: {name}",
        "dct:description": f"Every published version of `{name}` by {citizen.coalition_name}. "
        f"Latest known here: {descriptor['title']}.",
        "dct:publisher": {"@id": agent_iri(coalition)},
        "dcat:contactPoint": contact_point(citizen),
        "dct:spatial": spatial(citizen),
    }
    if frequency := citizen.frequency():
        node["dct:accrualPeriodicity"] = {"@id": frequency_iri(frequency)}
    return node


def agents(citizen: CitizenData) -> list[dict[str, Any]]:
    """The coalition (publisher) and the organisations of citizenData as foaf:Agents."""
    coalition = citizen.coalition_id
    found = [
        {
            "@id": agent_iri(coalition),
            "@type": ["foaf:Agent", "foaf:Organization"],
            "foaf:name": citizen.coalition_name,
            "dct:identifier": coalition,
            "dct:type": {"@id": NGO},
            "foaf:mbox": {"@id": f"mailto:{citizen.contact_email}"},
            "dct:spatial": {"@id": country_iri(citizen.country)},
        }
    ]
    for organisation in citizen.organisations:
        node: dict[str, Any] = {
            "@id": organisation_iri(coalition, organisation),
            "@type": ["foaf:Agent", "foaf:Organization"],
            "foaf:name": organisation["name"],
            "dct:identifier": organisation_iri(coalition, organisation),
            "dct:type": {"@id": NGO},
        }
        if organisation.get("role"):
            node["rdfs:comment"] = f"Role in the coalition: {organisation['role']}"
        if organisation.get("url"):
            node["foaf:homepage"] = {"@id": organisation["url"]}
        found.append(node)
    return found


def contact_point(citizen: CitizenData) -> dict[str, Any]:
    return {
        "@type": ["vcard:Kind", "vcard:Organization"],
        "vcard:fn": citizen.contact_name,
        "vcard:hasEmail": {"@id": f"mailto:{citizen.contact_email}"},
    }


def spatial(citizen: CitizenData) -> list[dict[str, Any]]:
    places: list[dict[str, Any]] = [{"@id": country_iri(citizen.coverage_country)}]
    places += [{"@type": "dct:Location", "locn:geographicName": area} for area in citizen.areas]
    return places


def period(bounds: tuple[str, str]) -> dict[str, Any]:
    start, end = bounds
    return {
        "@type": "dct:PeriodOfTime",
        "dcat:startDate": {"@value": start, "@type": "xsd:date"},
        "dcat:endDate": {"@value": end, "@type": "xsd:date"},
    }


def dimensions(words: list[str]) -> list[dict[str, Any]]:
    """cdx's own dimensions (those SDMX does not name) described for a reader."""
    return [
        {
            "@id": dimension_iri(word),
            "@type": "qb:DimensionProperty",
            "rdfs:label": word,
            "rdfs:isDefinedBy": {"@id": CDX_DIMENSION},
        }
        for word in words
        if dimension_iri(word).startswith(CDX_DIMENSION)
    ]


def spdx_of(descriptor: dict[str, Any]) -> str:
    licences = descriptor.get("licenses") or [{"name": "CC-BY-4.0"}]
    return str(licences[0].get("name", "CC-BY-4.0"))


def licence_of(descriptor: dict[str, Any]) -> str:
    return licence_iri(spdx_of(descriptor))


def _date_time(text: str) -> dict[str, str]:
    kind = "xsd:date" if len(text) == 10 else "xsd:dateTime"
    return {"@value": text, "@type": kind}
