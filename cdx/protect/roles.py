"""Column roles: what each column of a table is, for privacy, as the Table Schema says.

Each field carries a namespaced property (Table Schema allows extra properties):

    {"name": "respondent_id", "type": "string", "cdx:role": "direct-identifier"}
    {"name": "comment", "type": "string", "cdx:role": "safe", "cdx:detect": ["name"]}

A resource with any column left unclassified is refused: the gate fails closed, because a
column nobody looked at is the one that holds the phone numbers.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from cdx.core.findings import Finding, Origin

ROLE = "cdx:role"
DETECT = "cdx:detect"
COORDINATE_NAMES = {
    "lat",
    "latitude",
    "lon",
    "lng",
    "long",
    "longitude",
    "gps",
    "gps_lat",
    "gps_lon",
}


class Role(StrEnum):
    DIRECT_IDENTIFIER = "direct-identifier"  # names a person alone: dropped or keyed-hashed
    QUASI_IDENTIFIER = "quasi-identifier"  # identifies in combination: k-anonymity
    SENSITIVE = "sensitive"  # what must not be learnt about someone: kept, scanned
    SAFE = "safe"  # neither: kept, scanned


class Hint(StrEnum):
    """What a column may hold, beyond what every text column is scanned for."""

    NAME = "name"  # person names may appear: run the name detector
    FREE_TEXT = "free-text"  # answers in people's own words (documentation; always scanned)
    COORDINATES = "coordinates"  # GPS degrees: refuse precision finer than the policy's


@dataclass(frozen=True)
class ColumnRoles:
    """The roles and detector hints of one resource's columns, in schema order."""

    roles: dict[str, Role]
    hints: dict[str, frozenset[Hint]] = field(default_factory=dict)
    types: dict[str, str] = field(default_factory=dict)

    def with_role(self, role: Role) -> list[str]:
        return [name for name, found in self.roles.items() if found is role]

    def hinted(self, column: str, hint: Hint) -> bool:
        return hint in self.hints.get(column, frozenset())

    def is_coordinate(self, column: str) -> bool:
        return self.hinted(column, Hint.COORDINATES) or column.lower() in COORDINATE_NAMES

    def summary(self) -> dict[str, list[str]]:
        return {str(role): self.with_role(role) for role in Role if self.with_role(role)}


def read_roles(schema: dict[str, Any], *, resource: str) -> tuple[ColumnRoles, list[Finding]]:
    """Roles from the schema's fields, and a finding for each column left unclassified."""
    roles: dict[str, Role] = {}
    hints: dict[str, frozenset[Hint]] = {}
    types: dict[str, str] = {}
    missing: list[str] = []
    findings: list[Finding] = []
    for spec in schema.get("fields", []):
        name = spec["name"]
        types[name] = spec.get("type", "any")
        value = spec.get(ROLE)
        try:
            roles[name] = Role(value)
        except ValueError:
            if value is None:
                missing.append(name)
            else:
                findings.append(_unknown_role(resource, name, value))
        try:
            hints[name] = frozenset(Hint(h) for h in spec.get(DETECT, []))
        except ValueError:
            findings.append(_unknown_hint(resource, name, spec.get(DETECT)))
    if missing:
        findings.insert(0, unclassified_columns(resource, missing))
    return ColumnRoles(roles, hints, types), findings


def unclassified_columns(resource: str, columns: list[str]) -> Finding:
    example = json.dumps({"name": columns[0], "type": "string", ROLE: "safe"})
    named = ", ".join(f"`{c}`" for c in columns)
    return Finding(
        code="privacy-unclassified",
        message=f"{len(columns)} column(s) have no privacy role: {named}. Give every field "
        f"of the Table Schema a `{ROLE}` of {_choices()}, e.g. {example}; add "
        f'`"{DETECT}": ["name"]` to columns where people may write names. '
        "`cdx schema infer DATASET --out FILE` writes the schema with a suggested role and "
        "its reason for every column, for you to confirm",
        origin=Origin.PRIVACY,
        resource=resource,
        rule=ROLE,
    )


def _unknown_role(resource: str, column: str, value: object) -> Finding:
    return Finding(
        code="privacy-role-unknown",
        message=f"`{ROLE}` is {value!r}; use one of {_choices()}",
        origin=Origin.PRIVACY,
        resource=resource,
        field=column,
        rule=ROLE,
    )


def _unknown_hint(resource: str, column: str, value: object) -> Finding:
    known = ", ".join(f'"{h}"' for h in Hint)
    return Finding(
        code="privacy-detect-unknown",
        message=f"`{DETECT}` is {value!r}; use a list of {known}",
        origin=Origin.PRIVACY,
        resource=resource,
        field=column,
        rule=DETECT,
    )


def _choices() -> str:
    return ", ".join(f'"{role}"' for role in Role)
