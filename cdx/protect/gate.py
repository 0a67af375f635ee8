"""The privacy gate over a built, validated package: check everything, then protect.

Nothing is written unless every table passes: unclassified columns, personal data found
in values, a missing consent basis, a policy naming the wrong columns, or a small cell
that cannot be protected refuse the whole dataset (fail closed). When it passes, each
table's direct identifiers are dropped or keyed-hashed, microdata is made k-anonymous,
aggregate tables get small-cell and secondary suppression, and the protected tables and
their schemas replace the originals in the package.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from cdx.core.coalition import PrivacyPolicy
from cdx.core.findings import Finding, Origin, Severity
from cdx.core.hashing import sha256_file
from cdx.core.layout import DESCRIPTOR
from cdx.protect.cells import suppress_cells, suppressed_field_schema
from cdx.protect.decision import PrivacyDecision, ResourceProtection
from cdx.protect.detectors import PersonalDataScanner, mask
from cdx.protect.identifiers import (
    dropped_field_schema,
    hashed_field_schema,
    pseudonymise,
)
from cdx.protect.kanonymity import anonymise, generalised_field_schema
from cdx.protect.policy import (
    allowed_hit,
    check_policy_columns,
    check_required_metadata,
    policy_record,
)
from cdx.protect.roles import ColumnRoles, Hint, Role, read_roles
from cdx.protect.suppression_bound import suppression_findings

TEXT_TYPES = {"string", "any", "geopoint"}
WHAT = {
    "name": "what looks like a person's name",
    "phone": "a phone number",
    "email": "an e-mail address",
    "id-number": "an ID, passport or other personal number",
    "address": "an exact address",
    "coordinates": "GPS coordinates finer than the policy allows",
}
# What may make a hit publishable, by detector: each kind of personal data has its own case.
PUBLIC_CASE = {
    "name": "if it names a public figure or a place (a clinic named after someone)",
    "phone": "if it is public (a facility's phone line)",
    "email": "if it is public (an organisation's contact address)",
    "id-number": "if it is not a person's number (a facility or registry code)",
    "address": "if it is a public place (a facility's address)",
    "coordinates": "if they locate a public place (a facility)",
}


@dataclass
class TablePlan:
    """One resource between checking and writing."""

    resource: dict[str, Any]
    roles: ColumnRoles
    frame: pd.DataFrame
    protection: ResourceProtection
    changed: bool = False


def read_table(path: Path) -> pd.DataFrame:
    """Every cell as the text it is in the file: nothing parsed, nothing lost."""
    return pd.read_csv(path, dtype=str, keep_default_na=False, na_filter=False, encoding="utf-8")


def protect_package(
    package_dir: Path,
    policy: PrivacyPolicy,
    *,
    dataset: str,
    country: str,
    pseudonym_key: Callable[[], bytes],
    transform: bool = True,
) -> tuple[PrivacyDecision, list[Finding]]:
    """Check, then protect every table of the package in place; the decision and findings.

    With `transform=False` (data that failed validation) only the checks run: roles,
    metadata, policy columns and detectors, so every finding reaches the officer at once.
    """
    descriptor = json.loads((package_dir / DESCRIPTOR).read_text(encoding="utf-8"))
    decision = PrivacyDecision(dataset, policy_record(policy), country=country)
    findings = check_required_metadata(descriptor)
    scanner = PersonalDataScanner(country, policy.coordinate_decimals)
    plans = []
    for resource in descriptor["resources"]:
        name = resource["name"]
        roles, role_findings = read_roles(resource["schema"], resource=name)
        try:
            frame = read_table(package_dir / resource["path"])
        except pd.errors.ParserError:
            if transform:
                raise
            # Rows with extra cells: validation has reported them, and the table's values
            # are scanned once its rows read as the header says.
            frame = pd.DataFrame(columns=list(roles.roles))
        kind = "aggregate" if name in policy.aggregates else "microdata"
        protection = ResourceProtection(name, kind, len(frame), roles.summary())
        findings += role_findings + check_policy_columns(policy, name, roles)
        if not role_findings:  # without roles, nobody knows which columns to scan
            findings += scan_table(frame, roles, scanner, policy, protection)
        decision.resources.append(protection)
        plans.append(TablePlan(resource, roles, frame, protection))
    if transform and not _blocking(findings):
        for plan in plans:
            findings += protect_table(plan, policy, pseudonym_key)
    decision.blocking_findings = len(_blocking(findings))
    decision.accepted = transform and decision.blocking_findings == 0
    if decision.accepted:
        for plan in plans:
            _write_table(package_dir, plan)
        (package_dir / DESCRIPTOR).write_text(
            json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )
    return decision, findings


def scan_table(
    frame: pd.DataFrame,
    roles: ColumnRoles,
    scanner: PersonalDataScanner,
    policy: PrivacyPolicy,
    protection: ResourceProtection,
) -> list[Finding]:
    """A finding per piece of personal data in columns that will be published."""
    findings = []
    accepted: Counter[tuple[str, str]] = Counter()
    for column, role in roles.roles.items():
        if role is Role.DIRECT_IDENTIFIER or column not in frame:
            continue  # dropped or hashed before publishing: nothing of it remains
        values = frame[column].tolist()
        if roles.is_coordinate(column):
            hits = [
                (row, "coordinates", 0, len(value))
                for row, value in enumerate(values)
                if value and scanner.too_precise(value)
            ]
        elif roles.types.get(column, "any") in TEXT_TYPES or roles.hints.get(column):
            names = roles.hinted(column, Hint.NAME)
            hits = [
                (h.row, h.detector, h.start, h.end)
                for h in scanner.scan_text_column(values, names=names)
            ]
        else:
            continue  # numbers, dates and booleans hold no phone or name
        for row, detector, start, end in hits:
            if allowed_hit(policy, protection.resource, column, detector):
                accepted[(column, detector)] += 1
                continue
            protection.hits[detector] = protection.hits.get(detector, 0) + 1
            shown = mask(values[row][start:end])
            findings.append(
                Finding(
                    code=f"personal-data-{detector}",
                    message=f"{WHAT[detector]} ({shown}): remove or blur it in the source; "
                    f"{PUBLIC_CASE.get(detector, 'if it is public')}, accept it under "
                    "`privacy.allow` in coalition.yaml with a reason",
                    origin=Origin.PRIVACY,
                    resource=protection.resource,
                    row=row + 2,
                    field=column,
                    rule=detector,
                    value=shown,
                )
            )
    for (column, detector), count in sorted(accepted.items()):
        allowed = allowed_hit(policy, protection.resource, column, detector)
        protection.accepted_hits.append(
            {
                "column": column,
                "detector": detector,
                "count": count,
                "reason": allowed.reason if allowed else "",
            }
        )
    return findings


def protect_table(
    plan: TablePlan, policy: PrivacyPolicy, pseudonym_key: Callable[[], bytes]
) -> list[Finding]:
    """Drop or hash identifiers, then k-anonymity or cell suppression, in memory."""
    schema = plan.resource["schema"]
    fields = {spec["name"]: spec for spec in schema["fields"]}
    frame = plan.frame
    for column in plan.roles.with_role(Role.DIRECT_IDENTIFIER):
        treatment = policy.identifiers.get(column, "drop")
        if treatment == "keyed-hash":
            key = pseudonym_key()
            frame[column] = pseudonymise(frame[column].tolist(), key)
            hashed_field_schema(fields[column])
        else:
            frame = frame.drop(columns=[column])
            dropped_field_schema(schema, column)
        plan.protection.identifiers[column] = (
            "keyed-hash" if treatment == "keyed-hash" else "dropped"
        )
        plan.changed = True
    table = policy.aggregates.get(plan.protection.resource)
    findings = []
    if table is not None:
        frame, cells = suppress_cells(frame, table, policy.cell_threshold)
        plan.protection.cell_suppression = cells.to_dict()
        if cells.primary or cells.secondary:
            plan.changed = True
            for column in (*table.count_columns, *table.values):
                suppressed_field_schema(fields[column], policy.cell_threshold)
        findings += [_unprotectable(plan.protection.resource, row) for row in cells.unprotectable]
    else:
        quasi = plan.roles.with_role(Role.QUASI_IDENTIFIER)
        before = frame
        frame, outcome = anonymise(frame, quasi, policy.k, policy.generalise)
        plan.protection.k_anonymity = outcome.to_dict()
        resource = plan.protection.resource
        findings += suppression_findings(resource, before, outcome, policy.suppression_limit)
        for applied in outcome.rules_applied:
            generalised_field_schema(fields[applied["column"]], applied)
        if outcome.rules_applied or outcome.records_suppressed:
            plan.changed = True
    plan.frame = frame
    plan.protection.rows_out = len(frame)
    if frame.empty and not findings:
        findings.append(_emptied(plan.protection.resource))
    return findings


def _write_table(package_dir: Path, plan: TablePlan) -> None:
    """Replace the table in data/ and keep the descriptor's size and hash true."""
    if not plan.changed:
        return  # the original bytes stay: republishing the same data stays a no-op
    path = package_dir / plan.resource["path"]
    plan.frame.to_csv(path, index=False, lineterminator="\n", encoding="utf-8")
    plan.resource["bytes"] = path.stat().st_size
    plan.resource["hash"] = f"sha256:{sha256_file(path)}"


def _unprotectable(resource: str, row: int) -> Finding:
    return Finding(
        code="privacy-cell-unprotectable",
        message="this small cell can be worked out from its row or column totals and no other "
        "cell can be hidden with it; merge categories (coarser areas or groups) in the table",
        origin=Origin.PRIVACY,
        resource=resource,
        row=row + 2,
    )


def _emptied(resource: str) -> Finding:
    return Finding(
        code="privacy-table-emptied",
        message="no rows would be left to publish after protection; a version with an "
        "empty table is never published: check the source file and the privacy policy",
        origin=Origin.PRIVACY,
        resource=resource,
    )


def _blocking(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.severity is Severity.ERROR]
