"""The privacy decision: what the protect step did, why, and the risk it left.

Written to reports/privacy.json, shown in reports/validation.html (cdx/reports), and put into
provenance.jsonld by the seal step, so a statistics office reads it under the signature.
"""

from __future__ import annotations

import importlib.metadata
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cdx.protect.detectors import DETECTOR, DETECTOR_VERSION, NATIONAL_PHONES

PRIVACY_REPORT = "reports/privacy.json"


@dataclass
class ResourceProtection:
    """What happened to one table."""

    resource: str
    kind: str  # microdata or aggregate
    rows_in: int
    roles: dict[str, list[str]] = field(default_factory=dict)
    rows_out: int | None = None
    identifiers: dict[str, str] = field(default_factory=dict)  # column → dropped/keyed-hash
    hits: dict[str, int] = field(default_factory=dict)  # blocking, by detector
    accepted_hits: list[dict[str, Any]] = field(default_factory=list)
    k_anonymity: dict[str, Any] | None = None
    cell_suppression: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "resource": self.resource,
            "kind": self.kind,
            "rowsIn": self.rows_in,
            "rowsOut": self.rows_out,
            "columnRoles": self.roles,
            "directIdentifiers": self.identifiers,
            "detectorHits": self.hits,
            "acceptedHits": self.accepted_hits,
        }
        if self.k_anonymity is not None:
            data["kAnonymity"] = self.k_anonymity
        if self.cell_suppression is not None:
            data["cellSuppression"] = self.cell_suppression
        return data


@dataclass
class PrivacyDecision:
    """The gate's verdict on one dataset; `accepted` is False when anything blocks."""

    dataset: str
    policy: dict[str, Any]
    accepted: bool = False
    country: str = ""
    resources: list[ResourceProtection] = field(default_factory=list)
    blocking_findings: int = 0

    def detector(self) -> dict[str, Any]:
        return {
            "name": DETECTOR,
            "version": DETECTOR_VERSION,
            "software": f"cdx {_version('cdx')}",
            "phoneFormats": f"international, and national for {self.country}"
            if self.country in NATIONAL_PHONES
            else "international, and national numbers with a trunk 0",
            "names": "cues and gazetteer, in columns marked cdx:detect name",
        }

    def residual_risk(self) -> dict[str, Any]:
        """The figures a statistics office judges the remaining risk by."""
        classes = [
            r.k_anonymity["smallestClass"]
            for r in self.resources
            if r.k_anonymity
            and r.k_anonymity["quasiIdentifiers"]
            and r.k_anonymity["smallestClass"]
        ]
        cells = [
            r.cell_suppression["smallestPublishedCount"]
            for r in self.resources
            if r.cell_suppression and r.cell_suppression["smallestPublishedCount"] is not None
        ]
        return {
            "smallestEquivalenceClass": min(classes) if classes else None,
            "smallestPublishedCount": min(cells) if cells else None,
            "recordsGeneralised": sum(
                r.k_anonymity["recordsGeneralised"] for r in self.resources if r.k_anonymity
            ),
            "recordsSuppressed": sum(
                r.k_anonymity["recordsSuppressed"] for r in self.resources if r.k_anonymity
            ),
            "cellsSuppressed": sum(
                r.cell_suppression["primarySuppressed"] + r.cell_suppression["secondarySuppressed"]
                for r in self.resources
                if r.cell_suppression
            ),
            "acceptedDetectorHits": sum(
                h["count"] for r in self.resources for h in r.accepted_hits
            ),
            "notCovered": "names outside the cues and gazetteer; attribute disclosure within "
            "classes (l-diversity); totals other than line totals of aggregate tables",
        }

    def to_dict(self) -> dict[str, Any]:
        return {
            "dataset": self.dataset,
            "accepted": self.accepted,
            "blockingFindings": self.blocking_findings,
            "policy": self.policy,
            "detector": self.detector(),
            "residualRisk": self.residual_risk(),
            "resources": [r.to_dict() for r in self.resources],
        }

    def provenance(self) -> dict[str, Any]:
        """The `decisions` the seal step adds to the provenance activity."""
        return {"cdx:privacy": {**self.to_dict(), "report": PRIVACY_REPORT}}


def write_privacy_report(package_dir: Path, decision: PrivacyDecision) -> Path:
    path = package_dir / PRIVACY_REPORT
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        json.dumps(decision.to_dict(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    return path


def _version(name: str) -> str:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return "unknown"
