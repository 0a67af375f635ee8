"""The rules of a table's structure: its header, the length of its rows, blank rows, and
the file frictionless could not read. Declared once (rule.py); gathered in rules.py."""

from __future__ import annotations

from cdx.core.findings import Origin
from cdx.validations.table.rule import BOTH, FRICTIONLESS_ONLY, Breach, Example, Rule, Scope

TWO_FIELDS = {"fields": [{"name": "a", "type": "integer"}, {"name": "b", "type": "string"}]}


def _blank_label(breach: Breach) -> str:
    if breach.situation == "empty-first-row":
        return (
            "the first row is empty: the column names must be in the first row; "
            "delete the empty rows above them"
        )
    if breach.situation == "title":
        return (
            f"the first row has a name in column 1 only ({breach.label!r}): it looks like "
            "a title above the table; delete the rows above the column names, so that "
            "they are the first row"
        )
    return f"column {breach.number} has no name in the header; name it or delete the column"


def _duplicate_label(breach: Breach) -> str:
    if breach.earlier is not None:  # header.py knows which column
        return (
            f"column {breach.number} has the same name as column {breach.earlier}; "
            "give each column its own name"
        )
    return (
        f"the header names column {breach.number} the same as an earlier column; give each "
        "column its own name"
    )


def _incorrect_label(breach: Breach) -> str:
    return (
        f"the header says {breach.label!r} in column {breach.number} but the Table Schema "
        f"expects {breach.field_name!r}; rename the column or fix the schema"
    )


def _label_disagrees(code: str) -> Rule:
    """missing-label and extra-label: worded with the engine's note."""

    def words(breach: Breach) -> str:
        return (
            f"the header and the Table Schema disagree at column {breach.number}: "
            f"{breach.note or code}"
        )

    lines = ("a", "1") if code == "missing-label" else ("a,b,c", "1,x,y")
    return Rule(code, Origin.STRUCTURE, Scope.HEADER, BOTH, words, Example(TWO_FIELDS, lines))


def _said_by_frictionless(code: str, why: str) -> Rule:
    """An error of the file frictionless reads before any row, in its own words."""
    return Rule(
        code,
        Origin.STRUCTURE,
        Scope.SOURCE,
        FRICTIONLESS_ONLY,
        lambda breach: breach.said,
        None,
        no_example=why,
    )


UNREAD = "cdx writes every table as UTF-8 CSV at a file path before validating it"
STRUCTURE_RULES = [
    Rule(
        "blank-label",
        Origin.STRUCTURE,
        Scope.HEADER,
        BOTH,
        _blank_label,
        Example(TWO_FIELDS, ("a,", "1,x")),
    ),
    Rule(
        "duplicate-label",
        Origin.STRUCTURE,
        Scope.HEADER,
        BOTH,
        _duplicate_label,
        Example(TWO_FIELDS, ("a,a", "1,x")),
    ),
    _label_disagrees("missing-label"),
    _label_disagrees("extra-label"),
    Rule(
        "incorrect-label",
        Origin.STRUCTURE,
        Scope.HEADER,
        BOTH,
        _incorrect_label,
        Example(TWO_FIELDS, ("a,c", "1,x")),
    ),
    Rule(
        "blank-row",
        Origin.STRUCTURE,
        Scope.ROW,
        BOTH,
        lambda breach: "this row is empty; delete it",
        Example(TWO_FIELDS, ("a,b", "1,x", ",", "2,y")),
    ),
    Rule(
        "extra-cell",
        Origin.STRUCTURE,
        Scope.ROW,
        BOTH,
        lambda breach: (
            "this row has more values than the header has columns (extra value "
            f"{breach.cell!r} in position {breach.number}); look for a stray comma or an "
            "unquoted text with a comma"
        ),
        Example(TWO_FIELDS, ("a,b", "1,x,y")),
    ),
    Rule(
        "missing-cell",
        Origin.STRUCTURE,
        Scope.ROW,
        BOTH,
        lambda breach: (
            "this row has fewer values than the header has columns; add the missing "
            "value (it may be empty) or remove a stray line break"
        ),
        Example(TWO_FIELDS, ("a,b", "1")),
    ),
    Rule(
        "source-error",
        Origin.STRUCTURE,
        Scope.SOURCE,
        FRICTIONLESS_ONLY,
        lambda breach: breach.said,
        Example(TWO_FIELDS, ()),  # an empty file: packaging refuses one before this
    ),
    _said_by_frictionless("encoding-error", UNREAD),
    _said_by_frictionless("scheme-error", UNREAD),
    _said_by_frictionless("format-error", UNREAD),
    _said_by_frictionless("hash-count", "check_table declares no hash for frictionless to check"),
    _said_by_frictionless("byte-count", "check_table declares no size for frictionless to check"),
]
