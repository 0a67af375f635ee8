"""The rules a Table Schema sets: each field's type and constraints, unique fields and
keys. Declared once (rule.py); gathered in rules.py."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from cdx.core.findings import Origin
from cdx.validations.table.rule import BOTH, FRICTIONLESS_ONLY, Breach, Engine, Example, Rule, Scope
from cdx.validations.table.spelling_hints import spelling_hint

TYPE_WORDS = {
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "date": "a date written YYYY-MM-DD",
    "datetime": "a date and time written YYYY-MM-DDThh:mm:ss",
    "time": "a time written hh:mm:ss",
    "year": "a year",
    "geopoint": "a point written 'longitude, latitude'",
}


def _not_of_type(breach: Breach) -> str:
    kind = breach.field.get("type", "")
    wanted = TYPE_WORDS.get(kind, breach.field.get("type", "a valid value"))
    return f"{breach.cell!r} is not {wanted}{spelling_hint(breach.cell, breach.field)}"


def _one_field(constraint: str, limit: Any, kind: str = "integer") -> dict[str, Any]:
    return {"fields": [{"name": "v", "type": kind, "constraints": {constraint: limit}}]}


def _enum_words(limit: str) -> str:
    # frictionless prints the list as Python does: "['a', 'b']"
    return limit.strip("[]").replace("'", "")


def _constraint(
    name: str,
    words: Callable[[Breach], str],
    example: Example | None,
    no_example: str = "",
    engines: frozenset[Engine] = BOTH,
) -> Rule:
    """A field constraint's rule: constraint-<name>, its finding naming the limit."""
    return Rule(
        f"constraint-{name}",
        Origin.TABLE_SCHEMA,
        Scope.CELL,
        engines,
        words,
        example,
        ruled=lambda breach: f"{name} {breach.limit}".strip(),
        constraint=name,
        no_example=no_example,
    )


REQUIRED = {
    "fields": [
        {"name": "a", "type": "integer"},
        {"name": "b", "type": "string", "constraints": {"required": True}},
    ]
}
SELF_REFERENCE = {
    "fields": [{"name": "id", "type": "integer"}, {"name": "parent", "type": "integer"}],
    "foreignKeys": [{"fields": "parent", "reference": {"resource": "", "fields": "id"}}],
}
CONSTRAINT_RULES = [
    _constraint(
        "required",
        lambda b: "is empty, but this column must be filled in",
        Example(REQUIRED, ("a,b", "1,")),
    ),
    _constraint(
        "minimum",
        lambda b: f"{b.value} is below the minimum {b.limit}",
        Example(_one_field("minimum", 5), ("v", "3")),
    ),
    _constraint(
        "maximum",
        lambda b: f"{b.value} is above the maximum {b.limit}",
        Example(_one_field("maximum", 5), ("v", "9")),
    ),
    _constraint(
        "exclusiveMinimum",
        lambda b: f"{b.value} must be greater than {b.limit}",
        Example(_one_field("exclusiveMinimum", 5), ("v", "5")),
    ),
    _constraint(
        "exclusiveMaximum",
        lambda b: f"{b.value} must be less than {b.limit}",
        Example(_one_field("exclusiveMaximum", 5), ("v", "5")),
    ),
    _constraint(
        "minLength",
        lambda b: f"{b.value!r} is shorter than {b.limit} characters",
        Example(_one_field("minLength", 3, "string"), ("v", "ab")),
    ),
    _constraint(
        "maxLength",
        lambda b: f"{b.value!r} is longer than {b.limit} characters",
        Example(_one_field("maxLength", 3, "string"), ("v", "abcd")),
    ),
    _constraint(
        "pattern",
        lambda b: f"{b.value!r} does not have the expected form ({b.limit})",
        Example(_one_field("pattern", "[a-z]+", "string"), ("v", "A1")),
    ),
    _constraint(
        "enum",
        lambda b: f"{b.value!r} is not one of the allowed values: {_enum_words(b.limit)}",
        Example(_one_field("enum", ["a", "b"], "string"), ("v", "c")),
    ),
    _constraint(
        "unique",
        lambda b: f"{b.value!r} appears more than once, but each value must be different",
        None,
        no_example="frictionless says a repeated value as unique-error, not as a constraint",
        engines=FRICTIONLESS_ONLY,
    ),
]
SCHEMA_RULES = [
    Rule(
        "type-error",
        Origin.TABLE_SCHEMA,
        Scope.CELL,
        BOTH,
        _not_of_type,
        Example({"fields": [{"name": "v", "type": "integer"}]}, ("v", "x")),
        ruled=lambda breach: f"type {breach.field.get('type')}",
    ),
    *CONSTRAINT_RULES,
    Rule(
        "unique-error",
        Origin.TABLE_SCHEMA,
        Scope.TABLE,
        BOTH,
        lambda b: (
            f"{b.cell!r} appears more than once, but each value in this column must be different"
        ),
        Example(_one_field("unique", True, "string"), ("v", "a", "a")),
        ruled=lambda breach: "unique",
    ),
    Rule(
        "primary-key",
        Origin.TABLE_SCHEMA,
        Scope.TABLE,
        BOTH,
        lambda b: (
            "this row repeats the key of an earlier row (or leaves it empty); each row "
            "needs its own key"
        ),
        Example(
            {"fields": [{"name": "id", "type": "integer"}], "primaryKey": "id"}, ("id", "1", "1")
        ),
        ruled=lambda breach: "primary key",
    ),
    Rule(
        "foreign-key",
        Origin.TABLE_SCHEMA,
        Scope.TABLE,
        BOTH,
        lambda b: f"refers to a row that does not exist ({b.note})",
        Example(SELF_REFERENCE, ("id,parent", "1,", "2,9")),
        ruled=lambda breach: "foreign key",
    ),
]
