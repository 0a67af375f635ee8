"""Which kind of database column holds a Table Schema field's values.

Codes such as `0031` are strings and stay text; a field whose values the schema lets be
written in a form of its own (a date format, a group character, other true values) is
kept as text, as the Parquet export does, so a load never reinterprets a cell.
"""

from __future__ import annotations

from typing import Any, Literal

Kind = Literal["text", "integer", "number", "boolean", "date", "time", "datetime", "year", "json"]

# Kinds whose values the database compares as the field's own type (enum, minimum, maximum).
TYPED: frozenset[str] = frozenset({"integer", "number", "date", "time", "datetime", "year"})


def column_kind(field: dict[str, Any]) -> Kind:
    kind, form = field.get("type", "string"), field.get("format", "default")
    plain_number = field.get("bareNumber", True) and not {"decimalChar", "groupChar"} & set(field)
    if kind == "integer" and plain_number:
        return "integer"
    if kind == "number" and plain_number:
        return "number"
    if kind == "boolean" and not {"trueValues", "falseValues"} & set(field):
        return "boolean"
    if kind in ("date", "time", "datetime") and form == "default":
        return kind
    if kind == "year":
        return "year"
    if kind in ("object", "array"):
        return "json"
    return "text"


def holds_values_as_typed(field: dict[str, Any]) -> bool:
    """Whether enum, minimum and maximum can be compared in the database's own type."""
    kind = column_kind(field)
    return (
        kind in TYPED
        or kind == "boolean"
        or (kind == "text" and field.get("type", "string") == "string")
    )
