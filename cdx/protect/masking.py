"""Findings travel in the published package: their cell values must not carry people.

A warning does not block publishing, so its finding, and the value it quotes, would be
published in reports/. Values from any column not classified `safe` are masked in both
the `value` and the message (the row and column still say where to look).
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

from cdx.core.findings import ValidationReport
from cdx.core.layout import DESCRIPTOR
from cdx.protect.detectors import mask
from cdx.protect.roles import ROLE, Role


def sensitive_columns(package_dir: Path) -> set[tuple[str, str]]:
    """(resource, column) pairs whose role is anything but `safe` (or is missing)."""
    descriptor = json.loads((package_dir / DESCRIPTOR).read_text(encoding="utf-8"))
    return {
        (resource["name"], field["name"])
        for resource in descriptor["resources"]
        for field in resource["schema"].get("fields", [])
        if field.get(ROLE) != Role.SAFE
    }


def mask_finding_values(report: ValidationReport, package_dir: Path) -> int:
    """Mask quoted values of non-safe columns in place; returns how many were masked."""
    sensitive = sensitive_columns(package_dir)
    masked = 0
    for index, finding in enumerate(report.findings):
        if finding.value is None or (finding.resource, finding.field) not in sensitive:
            continue
        hidden = mask(finding.value)
        report.findings[index] = dataclasses.replace(
            finding, value=hidden, message=finding.message.replace(finding.value, hidden)
        )
        masked += 1
    return masked
