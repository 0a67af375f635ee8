"""Validate every table of a built package: header, Table Schema, then expectations."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from cdx.findings import Finding, ValidationReport
from cdx.layout import DESCRIPTOR
from validations.header import check_header
from validations.table_schema import check_table

LABEL_FINDINGS = {"blank-label", "duplicate-label", "incorrect-label", "extra-label"}


def validate_table(
    csv_path: Path, schema: dict[str, Any], suite: dict[str, Any] | None, *, resource: str
) -> tuple[list[Finding], int]:
    """Header, Table Schema and (when given) the suite for one UTF-8 CSV table."""
    header = check_header(csv_path, resource=resource)
    findings, rows = check_table(csv_path, schema, resource=resource)
    if header:
        # The header check already named these columns; frictionless would repeat it.
        findings = [f for f in findings if f.code not in LABEL_FINDINGS]
    findings = header + findings
    if suite is not None:
        from validations.expectations import read_frame, run_suite

        findings += run_suite(suite, read_frame(csv_path, schema), resource=resource)
    return findings, rows


def validate_package(
    package_dir: Path, suites: dict[str, dict[str, Any]], *, dataset: str
) -> ValidationReport:
    """Findings for all resources; `suites` maps a resource name to its GX suite."""
    descriptor = json.loads((package_dir / DESCRIPTOR).read_text(encoding="utf-8"))
    report = ValidationReport(dataset=dataset)
    for resource in descriptor["resources"]:
        name = resource["name"]
        findings, rows = validate_table(
            package_dir / resource["path"], resource["schema"], suites.get(name), resource=name
        )
        report.extend(findings)
        report.rows_checked[name] = rows
    return report
