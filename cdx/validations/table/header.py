"""Header checks that need no schema: blank and duplicate column names."""

from __future__ import annotations

from pathlib import Path

from cdx.core.findings import Finding
from cdx.packaging.tabular import csv_rows
from cdx.validations.table.rule import Breach
from cdx.validations.table.rules import RULES


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
    blank, repeated = RULES["blank-label"], RULES["duplicate-label"]
    if not labels:
        return [blank.finding(Breach(situation="empty-first-row"), resource=resource, row=1)]
    if len(labels) > 2 and labels[0].strip() and not any(label.strip() for label in labels[1:]):
        title = Breach(label=labels[0].strip(), situation="title")
        return [blank.finding(title, resource=resource, row=1)]
    findings = []
    seen: dict[str, int] = {}
    for position, label in enumerate(labels, start=1):
        name = label.strip()
        if not name:
            findings.append(blank.finding(Breach(number=position), resource=resource, row=1))
        elif name in seen:
            breach = Breach(number=position, earlier=seen[name])
            findings.append(repeated.finding(breach, resource=resource, row=1, field=name))
        else:
            seen[name] = position
    return findings
