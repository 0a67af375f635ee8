"""Validate every table of a built package: header, Table Schema, then expectations."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from cdx.findings import ValidationReport
from cdx.layout import DESCRIPTOR
from validations.header import check_header
from validations.table_schema import check_table

LABEL_FINDINGS = {"blank-label", "duplicate-label", "incorrect-label", "extra-label"}


def validate_package(
    package_dir: Path, suites: dict[str, dict[str, Any]], *, dataset: str
) -> ValidationReport:
    """Findings for all resources; `suites` maps a resource name to its GX suite."""
    descriptor = json.loads((package_dir / DESCRIPTOR).read_text(encoding="utf-8"))
    report = ValidationReport(dataset=dataset)
    for resource in descriptor["resources"]:
        name = resource["name"]
        csv_path = package_dir / resource["path"]
        header = check_header(csv_path, resource=name)
        findings, rows = check_table(csv_path, resource["schema"], resource=name)
        if header:
            # The header check already named these columns; frictionless would repeat it.
            findings = [f for f in findings if f.code not in LABEL_FINDINGS]
        report.extend(header + findings)
        report.rows_checked[name] = rows
        suite = suites.get(name)
        if suite is not None:
            from validations.expectations import read_frame, run_suite

            frame = read_frame(csv_path, resource["schema"])
            report.extend(run_suite(suite, frame, resource=name))
    return report
