"""The privacy policy as the gate applies it: required metadata, references, accepted hits.

The policy model itself lives with coalition.yaml (cdx.core.coalition.PrivacyPolicy), which
already refuses a relaxation without a reason when the file is loaded. Here the gate
checks what only the package can tell: that the consent basis and collection method are
in the descriptor it is about to seal, and that the policy names columns that exist
with the roles it assumes.
"""

from __future__ import annotations

from typing import Any

from cdx.core.coalition import AllowedHit, PrivacyPolicy
from cdx.core.findings import Finding, Origin
from cdx.protect.roles import ColumnRoles, Role

UNKNOWN_WORDS = {"", "unknown", "none", "n/a", "na", "tbd", "todo"}


def check_required_metadata(descriptor: dict[str, Any]) -> list[Finding]:
    """A dataset without a consent basis or collection method is refused."""
    citizen = descriptor.get("citizenData", {})
    findings = []
    for key, yaml_key in (
        ("consentBasis", "consent_basis"),
        ("collectionMethod", "collection_method"),
    ):
        value = str(citizen.get(key) or "").strip()
        if value.lower() in UNKNOWN_WORDS:
            findings.append(
                Finding(
                    code="privacy-metadata-missing",
                    message=f"the dataset does not say its {yaml_key.replace('_', ' ')}; "
                    f"set `metadata.{yaml_key}` in coalition.yaml (how people agreed to "
                    "take part, and how the data was collected)",
                    origin=Origin.PRIVACY,
                    rule=yaml_key,
                    value=value or None,
                )
            )
    return findings


def check_policy_columns(policy: PrivacyPolicy, resource: str, roles: ColumnRoles) -> list[Finding]:
    """The policy's column names exist in this resource with the role each rule needs."""
    findings = []

    def wrong(column: str, needed: Role, what: str) -> None:
        found = roles.roles.get(column)
        findings.append(
            Finding(
                code="privacy-policy-mismatch",
                message=f"the privacy policy {what} `{column}`, which is "
                + (f"classified `{found}`" if found else "not a column of this table")
                + f"; it applies to {needed} columns only",
                origin=Origin.PRIVACY,
                resource=resource,
                field=column,
            )
        )

    for column in policy.identifiers:
        if column in roles.roles and roles.roles[column] is not Role.DIRECT_IDENTIFIER:
            wrong(column, Role.DIRECT_IDENTIFIER, "pseudonymises or drops")
    for rule in policy.generalise:
        if rule.column in roles.roles and roles.roles[rule.column] is not Role.QUASI_IDENTIFIER:
            wrong(rule.column, Role.QUASI_IDENTIFIER, "generalises")
    table = policy.aggregates.get(resource)
    if table is not None:
        for column in [*table.dimensions, *table.count_columns, *table.values]:
            if column not in roles.roles:
                findings.append(
                    Finding(
                        code="privacy-policy-mismatch",
                        message=f"the privacy policy's aggregate table names `{column}`, "
                        "which is not a column of this table",
                        origin=Origin.PRIVACY,
                        resource=resource,
                        field=column,
                    )
                )
    return findings


def allowed_hit(
    policy: PrivacyPolicy, resource: str, column: str, detector: str
) -> AllowedHit | None:
    """The policy's accepted exception for this kind of hit in this column, if any."""
    for allowed in policy.allow:
        if (
            allowed.column == column
            and allowed.detector == detector
            and allowed.resource in (None, resource)
        ):
            return allowed
    return None


def policy_record(policy: PrivacyPolicy) -> dict[str, Any]:
    """The policy as it is recorded under the signature: values, relaxations and reasons."""
    record = policy.model_dump(mode="json", exclude_none=True)
    record["relaxations"] = policy.relaxations()
    return record
