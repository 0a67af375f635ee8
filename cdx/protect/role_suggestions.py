"""Starter privacy roles: a suggested `cdx:role` for each column of a table, and why.

`cdx schema infer` writes them into an inferred Table Schema for the data officer to
confirm. They come from the column's name and its values, never from a model: a name
that says what a column is (ward, age, phone) decides; otherwise the values do (free
text, numbers, a few categories). A suggestion is a start, not a decision: the gate
reads only what the officer keeps in the schema.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from cdx.core.findings import counted
from cdx.protect.roles import DETECT, ROLE, Role

REASON = "cdx:roleReason"  # kept in the schema for the reviewer; the gate ignores it

AREAS = {
    "village", "ward", "district", "county", "subcounty", "province", "municipality",
    "palika", "gaunpalika", "nagarpalika", "tole", "region", "area", "admin1", "admin2",
    "admin3", "upazila", "union", "mouza", "commune", "governorate", "locality",
    "settlement", "state", "lga", "block", "tehsil", "taluka", "gramapanchayat",
}  # fmt: skip
PERSONS = {
    "age": "age", "sex": "sex", "gender": "gender", "dob": "date of birth",
    "birth": "date of birth", "birthdate": "date of birth", "ethnicity": "ethnicity",
    "caste": "caste", "religion": "religion", "marital": "marital status",
    "occupation": "occupation",
}  # fmt: skip
IDENTIFYING = {
    "name", "names", "surname", "firstname", "lastname", "fullname", "phone", "mobile",
    "telephone", "tel", "email", "mail", "passport", "nid", "nin", "citizenship", "address",
}  # fmt: skip
PERSON_CODES = {"respondent", "person", "household", "member", "participant", "beneficiary"}
FREE_TEXT = {
    "comment", "comments", "remark", "remarks", "note", "notes", "feedback", "story",
    "reason", "description", "explanation", "specify", "observation", "observations",
}  # fmt: skip
CATEGORIES = 30  # a text column with at most this many values is a list of categories
LONG_TEXT = 30  # characters: values this long on average are someone's own words


@dataclass
class ColumnValues:
    """What suggesting a role needs to know of a column's values."""

    distinct: set[str] = field(default_factory=set)
    filled: int = 0
    characters: int = 0
    with_spaces: int = 0

    def add(self, value: str) -> None:
        if value == "":
            return
        self.filled += 1
        self.characters += len(value)
        self.with_spaces += " " in value.strip()
        if len(self.distinct) <= CATEGORIES:
            self.distinct.add(value)

    @property
    def mean_length(self) -> float:
        return self.characters / self.filled if self.filled else 0.0


@dataclass(frozen=True)
class Suggestion:
    column: str
    role: Role
    reason: str
    detect: tuple[str, ...] = ()


def column_values(header: list[str], rows: Iterable[list[str]]) -> list[ColumnValues]:
    """One scan of the rows: per column, its distinct values (up to a point) and lengths."""
    columns = [ColumnValues() for _ in header]
    for row in rows:
        for values, cell in zip(columns, row, strict=False):
            values.add(cell)
    return columns


def area_word(name: str) -> str | None:
    """`ward` for `ward`, `ward_no` or `Wards`: the area a column's name says it holds."""
    words = set(re.split(r"[^a-z0-9]+", name.lower())) - {""}
    return next((w for w in sorted(words) if w in AREAS or w.rstrip("s") in AREAS), None)


def suggest_role(name: str, kind: str, values: ColumnValues) -> Suggestion:
    """The role a column most likely has, from its name and then its values."""
    words = set(re.split(r"[^a-z0-9]+", name.lower())) - {""}
    joined = re.sub(r"[^a-z0-9]", "", name.lower())
    area = area_word(name)
    if area:
        return Suggestion(
            name,
            Role.QUASI_IDENTIFIER,
            f"an area ({area}): with other columns it can single out a person or a small "
            "group; used for k-anonymity, generalised or suppressed where classes are small",
        )
    person = next((PERSONS[w] for w in words if w in PERSONS), None)
    if person:
        return Suggestion(
            name,
            Role.QUASI_IDENTIFIER,
            f"a person's {person}: with other columns it can single someone out; used for "
            "k-anonymity, generalised (e.g. age in bands) or suppressed where classes are small",
        )
    identifying = words & IDENTIFYING or {w for w in IDENTIFYING if w in joined and len(w) > 4}
    if identifying or (words & PERSON_CODES and words & {"id", "code", "no", "number"}):
        what = sorted(identifying)[0] if identifying else "a person's or household's code"
        return Suggestion(
            name,
            Role.DIRECT_IDENTIFIER,
            f"names or reaches a person ({what}): dropped before publishing, or keyed-hashed "
            "when listed under `privacy.identifiers`",
        )
    if kind in ("integer", "number"):
        return Suggestion(
            name, Role.SAFE, f"a number ({kind}: a count, score or code): published as it is"
        )
    if kind in ("date", "datetime", "time", "year", "boolean"):
        return Suggestion(name, Role.SAFE, f"a {kind} of the data collection: published as it is")
    if (
        words & FREE_TEXT
        or values.mean_length >= LONG_TEXT
        or (len(values.distinct) > CATEGORIES and values.with_spaces * 2 > values.filled)
    ):
        return Suggestion(
            name,
            Role.SENSITIVE,
            "free text in people's own words: may hold names, phone numbers or stories; "
            "scanned by the detectors (names included), and publishing stops on a hit",
            ("name", "free-text"),
        )
    if len(values.distinct) <= CATEGORIES:
        shown = ", ".join(sorted(values.distinct)[:4])
        return Suggestion(
            name,
            Role.SAFE,
            f"a category of {counted(len(values.distinct), 'value')} ({shown}): an indicator, "
            "a group or a code; published as it is (text is still scanned for personal data)",
        )
    return Suggestion(
        name,
        Role.SAFE,
        "many short distinct values (codes or labels): published as it is, text scanned for "
        "personal data; if they are people's codes, make it a direct-identifier",
    )


def apply_suggestions(schema: dict[str, Any], suggestions: list[Suggestion]) -> dict[str, Any]:
    """The schema with each field's suggested role, detector hints and reason."""
    by_name = {s.column: s for s in suggestions}
    for spec in schema["fields"]:
        suggestion = by_name[spec["name"]]
        spec[ROLE] = str(suggestion.role)
        if suggestion.detect:
            spec[DETECT] = list(suggestion.detect)
        spec[REASON] = suggestion.reason
    return schema
