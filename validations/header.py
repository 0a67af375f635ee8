"""Header checks that need no schema: blank and duplicate column names."""

from __future__ import annotations

from pathlib import Path

from cdx.findings import Finding, Origin
from cdx.tabular import csv_rows


def read_header(csv_path: Path) -> list[str]:
    with csv_path.open(encoding="utf-8", newline="") as handle:
        return next(csv_rows(handle), [])


def check_header(csv_path: Path, *, resource: str) -> list[Finding]:
    """One finding per blank or repeated column name, with its position."""
    findings = []
    seen: dict[str, int] = {}
    for position, label in enumerate(read_header(csv_path), start=1):
        name = label.strip()
        if not name:
            findings.append(
                Finding(
                    code="blank-label",
                    message=f"column {position} has no name in the header; name it or "
                    "delete the column",
                    origin=Origin.STRUCTURE,
                    resource=resource,
                    row=1,
                )
            )
        elif name in seen:
            findings.append(
                Finding(
                    code="duplicate-label",
                    message=f"column {position} has the same name as column {seen[name]}; "
                    "give each column its own name",
                    origin=Origin.STRUCTURE,
                    resource=resource,
                    row=1,
                    field=name,
                )
            )
        else:
            seen[name] = position
    return findings
