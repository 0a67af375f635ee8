"""provenance.jsonld: W3C PROV-O account of how a package came to be.

Entities: the package and each source file (with its SHA-256). Activities: the
fieldwork that produced the source files (over the collection period, by the
data-collecting organisations) and the run that built, validated and sealed the package.
Agents: the coalition (responsible), its organisations, and the software (cdx, with the
libraries that judged the data and their versions).
"""

from __future__ import annotations

import datetime as dt
import functools
import importlib.metadata
import json
import subprocess
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cdx.core.layout import PROVENANCE, REPORT_JSON
from cdx.metadata.citizen import CitizenData, agent_iri, organisation_iri, split_package_id
from cdx.metadata.vocabularies import CDX, country_iri, media_type_iri

# Every key is a PROV-O, Dublin Core, RDF Schema or schema.org term, or one of cdx's own
# terms (schemas/cdx-vocabulary.ttl); the records of judgements (validation, privacy,
# neutralised formula cells) are JSON literals, kept whole by any JSON-LD processor.
CONTEXT: dict[str, Any] = {
    "@version": 1.1,
    "prov": "http://www.w3.org/ns/prov#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "dct": "http://purl.org/dc/terms/",
    "schema": "https://schema.org/",
    "cdx": CDX,
    "cdx:validation": {"@type": "@json"},
    "cdx:privacy": {"@type": "@json"},
    "cdx:formulaCells": {"@type": "@json"},
}
LIBRARIES = ("cdx", "frictionless", "great-expectations", "prefect", "cryptography")


@dataclass(frozen=True)
class SourceRecord:
    """A file as the coalition gave it, before any conversion."""

    name: str
    location: str
    sha256: str
    bytes: int
    media_type: str


@dataclass
class RunRecord:
    """The activity that produced a package: who ran it, when, under which orchestrator."""

    run_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    started_at: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))
    orchestrator: str = "cdx"  # "prefect" when a flow run drives it
    flow_run_id: str | None = None
    flow_run_name: str | None = None


@functools.cache  # reading package metadata is not free, and it cannot change in a process
def library_versions() -> dict[str, str]:
    versions = {}
    for name in LIBRARIES:
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            continue
    return versions


def git_commit(directory: Path) -> str | None:
    """The commit of the cdx checkout, when cdx runs from one."""
    try:
        result = subprocess.run(
            ["git", "-C", str(directory), "rev-parse", "HEAD"],
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    commit = result.stdout.strip()
    return commit if result.returncode == 0 and len(commit) == 40 else None


def build_provenance(
    *,
    package_id: str,
    coalition: dict[str, str],
    sources: list[SourceRecord],
    run: RunRecord,
    ended_at: dt.datetime,
    validation: dict[str, Any],
    extra_decisions: dict[str, Any] | None = None,
    descriptor: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The PROV-O graph; `descriptor` (datapackage.json) adds the fieldwork and the
    organisations that collected the data."""
    versions = library_versions()
    software_id = f"urn:cdx:software:cdx@{versions.get('cdx', 'unknown')}"
    coalition_id = agent_iri(coalition["id"])
    run_id = f"urn:cdx:run:{run.run_id}"
    source_ids = [f"urn:cdx:source:sha256:{source.sha256}" for source in sources]
    citizen = CitizenData(descriptor) if descriptor and "citizenData" in descriptor else None
    fieldwork_id = "urn:cdx:fieldwork:" + package_id.removeprefix("urn:cdx:package:")
    activity: dict[str, Any] = {
        "@id": run_id,
        "@type": "prov:Activity",
        "rdfs:label": "publish: stage, build, validate, protect, seal",
        "prov:startedAtTime": _time(run.started_at),
        "prov:endedAtTime": _time(ended_at),
        "prov:used": [{"@id": source_id} for source_id in source_ids],
        "prov:wasAssociatedWith": [{"@id": software_id}, {"@id": coalition_id}],
        "cdx:orchestrator": run.orchestrator,
        "cdx:validation": {**validation, "report": REPORT_JSON},
    }
    if citizen:
        activity["prov:wasInformedBy"] = {"@id": fieldwork_id}
    if run.flow_run_id:
        activity["cdx:flowRunId"] = run.flow_run_id
        activity["cdx:flowRunName"] = run.flow_run_name
    if extra_decisions:
        activity.update(extra_decisions)
    software: dict[str, Any] = {
        "@id": software_id,
        "@type": ["prov:SoftwareAgent", "prov:Agent", "schema:SoftwareApplication"],
        "rdfs:label": f"cdx {versions.get('cdx', 'unknown')}",
        "schema:name": "cdx",
        "schema:softwareVersion": versions.get("cdx", "unknown"),
        "cdx:libraries": [
            {
                "@id": f"urn:cdx:software:{name}@{version}",
                "@type": "schema:SoftwareApplication",
                "schema:name": name,
                "schema:softwareVersion": version,
            }
            for name, version in versions.items()
        ],
    }
    commit = git_commit(Path(__file__).resolve().parent)
    if commit:
        software["cdx:gitCommit"] = commit
    graph: list[dict[str, Any]] = [
        {
            "@id": package_id,
            "@type": "prov:Entity",
            "rdfs:label": "sealed citizen-data package",
            "prov:wasGeneratedBy": {"@id": run_id},
            "prov:wasDerivedFrom": [{"@id": source_id} for source_id in source_ids],
            "prov:wasAttributedTo": {"@id": coalition_id},
        },
        activity,
        software,
        {
            "@id": coalition_id,
            "@type": ["prov:Organization", "prov:Agent"],
            "rdfs:label": coalition["name"],
            "dct:spatial": {"@id": country_iri(coalition["country"])},
        },
    ]
    if citizen:
        graph += fieldwork(fieldwork_id, package_id, citizen)
    for source_id, source in zip(source_ids, sources, strict=True):
        node: dict[str, Any] = {
            "@id": source_id,
            "@type": "prov:Entity",
            "rdfs:label": source.name,
            "prov:atLocation": _location(source.location),
            "cdx:sha256": source.sha256,
            "cdx:bytes": source.bytes,
            "dct:format": {"@id": media_type_iri(source.media_type)},
            "prov:wasAttributedTo": {"@id": coalition_id},
        }
        if citizen:
            node["prov:wasGeneratedBy"] = {"@id": fieldwork_id}
        graph.append(node)
    return {"@context": CONTEXT, "@graph": graph}


def fieldwork(activity_id: str, package_id: str, citizen: CitizenData) -> list[dict[str, Any]]:
    """The collection activity over the collection period, and the organisations that
    carried it out (those whose role is collecting; the coalition when none is named)."""
    coalition, _, _ = split_package_id(package_id)
    start, end = citizen.collection_period()
    collectors = citizen.collectors()
    method = str(citizen.data.get("collectionMethod", "collection")).replace("-", " ")
    places: list[dict[str, Any]] = [{"@id": country_iri(citizen.coverage_country)}]
    places += [{"@type": "prov:Location", "rdfs:label": area} for area in citizen.areas]
    activity = {
        "@id": activity_id,
        "@type": "prov:Activity",
        "rdfs:label": f"fieldwork: {method}",
        "rdfs:comment": f"About {citizen.data.get('population', 'the population described')}",
        # whole days: PROV-O's times are xsd:dateTime, so from the first day's start
        # to the last day's end
        "prov:startedAtTime": {"@value": f"{start}T00:00:00", "@type": "xsd:dateTime"},
        "prov:endedAtTime": {"@value": f"{end}T23:59:59", "@type": "xsd:dateTime"},
        "prov:atLocation": places,
        "prov:wasAssociatedWith": [{"@id": organisation_iri(coalition, o)} for o in collectors]
        or [{"@id": agent_iri(coalition)}],
    }
    organisations = [
        {
            "@id": organisation_iri(coalition, organisation),
            "@type": ["prov:Organization", "prov:Agent"],
            "rdfs:label": organisation["name"],
            "prov:actedOnBehalfOf": {"@id": agent_iri(coalition)},
            **({"rdfs:comment": organisation["role"]} if organisation.get("role") else {}),
            **({"schema:url": organisation["url"]} if organisation.get("url") else {}),
        }
        for organisation in citizen.organisations
    ]
    return [activity, *organisations]


def _location(location: str) -> dict[str, Any]:
    """A source's place: its URL, or a prov:Location naming its path beside coalition.yaml."""
    if location.startswith(("http://", "https://", "s3://")):
        return {"@id": location}
    return {
        "@type": "prov:Location",
        "rdfs:label": location,
        "rdfs:comment": "path relative to the coalition's coalition.yaml",
    }


def write_provenance(package_dir: Path, provenance: dict[str, Any]) -> Path:
    path = package_dir / PROVENANCE
    path.write_text(json.dumps(provenance, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def _time(moment: dt.datetime) -> dict[str, str]:
    return {"@value": moment.isoformat(), "@type": "xsd:dateTime"}
