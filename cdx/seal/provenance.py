"""provenance.jsonld: W3C PROV-O account of how a package came to be.

Entities: the package and each source file (with its SHA-256). Activity: the run that
built, validated and sealed it. Agents: the coalition (responsible) and the software
(cdx and the libraries that judged the data, with their versions).
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

CONTEXT = {
    "prov": "http://www.w3.org/ns/prov#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "cdx": "https://citizendata.exchange/ns#",
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
) -> dict[str, Any]:
    versions = library_versions()
    software_id = f"urn:cdx:software:cdx@{versions.get('cdx', 'unknown')}"
    coalition_id = f"urn:cdx:coalition:{coalition['id']}"
    run_id = f"urn:cdx:run:{run.run_id}"
    source_ids = [f"urn:cdx:source:sha256:{source.sha256}" for source in sources]
    activity: dict[str, Any] = {
        "@id": run_id,
        "@type": "prov:Activity",
        "prov:label": "publish: stage, build, validate, seal",
        "prov:startedAtTime": _time(run.started_at),
        "prov:endedAtTime": _time(ended_at),
        "prov:used": [{"@id": source_id} for source_id in source_ids],
        "prov:wasAssociatedWith": [{"@id": software_id}, {"@id": coalition_id}],
        "cdx:orchestrator": run.orchestrator,
        "cdx:validation": {**validation, "report": REPORT_JSON},
    }
    if run.flow_run_id:
        activity["cdx:flowRunId"] = run.flow_run_id
        activity["cdx:flowRunName"] = run.flow_run_name
    if extra_decisions:
        activity.update(extra_decisions)
    software: dict[str, Any] = {
        "@id": software_id,
        "@type": ["prov:SoftwareAgent", "prov:Agent"],
        "prov:label": f"cdx {versions.get('cdx', 'unknown')}",
        "cdx:libraries": versions,
    }
    commit = git_commit(Path(__file__).resolve().parent)
    if commit:
        software["cdx:gitCommit"] = commit
    graph: list[dict[str, Any]] = [
        {
            "@id": package_id,
            "@type": "prov:Entity",
            "prov:label": "sealed citizen-data package",
            "prov:wasGeneratedBy": {"@id": run_id},
            "prov:wasDerivedFrom": [{"@id": source_id} for source_id in source_ids],
            "prov:wasAttributedTo": {"@id": coalition_id},
        },
        activity,
        software,
        {
            "@id": coalition_id,
            "@type": ["prov:Organization", "prov:Agent"],
            "prov:label": coalition["name"],
            "cdx:country": coalition["country"],
        },
    ]
    for source_id, source in zip(source_ids, sources, strict=True):
        graph.append(
            {
                "@id": source_id,
                "@type": "prov:Entity",
                "prov:label": source.name,
                "prov:atLocation": source.location,
                "cdx:sha256": source.sha256,
                "cdx:bytes": source.bytes,
                "cdx:mediaType": source.media_type,
                "prov:wasAttributedTo": {"@id": coalition_id},
            }
        )
    return {"@context": CONTEXT, "@graph": graph}


def write_provenance(package_dir: Path, provenance: dict[str, Any]) -> Path:
    path = package_dir / PROVENANCE
    path.write_text(json.dumps(provenance, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def _time(moment: dt.datetime) -> dict[str, str]:
    return {"@value": moment.isoformat(), "@type": "xsd:dateTime"}
