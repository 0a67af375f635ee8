"""Header checks that need no schema: blank and duplicate column names."""

from __future__ import annotations

from pathlib import Path

from cdx.core.findings import Finding, Origin
from cdx.packaging.tabular import csv_rows


def read_header(csv_path: Path) -> list[str]:
    with csv_path.open(encoding="utf-8-sig", newline="") as handle:  # a BOM is no label
        return next(csv_rows(handle), [])


def check_header(csv_path: Path, *, resource: str) -> list[Finding]:
    """One finding per blank or repeated column name, with its position.

    An empty first row is one finding (frictionless reads it as a header of no names, and
    the real header as the first row of data).

    A first row with a name in its first cell alone is a title above the table (common in
    spreadsheets made to be printed): one finding says so, not one per blank name.
    """
    labels = read_header(csv_path)
    if not labels:
        return [
            Finding(
                code="blank-label",
                message="the first row is empty: the column names must be in the first row; "
                "delete the empty rows above them",
                origin=Origin.STRUCTURE,
                resource=resource,
                row=1,
            )
        ]
    if len(labels) > 2 and labels[0].strip() and not any(label.strip() for label in labels[1:]):
        return [
            Finding(
                code="blank-label",
                message=f"the first row has a name in column 1 only ({labels[0].strip()!r}): "
                "it looks like a title above the table; delete the rows above the column "
                "names, so that they are the first row",
                origin=Origin.STRUCTURE,
                resource=resource,
                row=1,
            )
        ]
    findings = []
    seen: dict[str, int] = {}
    for position, label in enumerate(labels, start=1):
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
