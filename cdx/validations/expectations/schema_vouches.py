"""Which row-wise expectations the Table Schema already vouches for.

Suites often say again what the Table Schema says: a required column is not null, an
identifier matches the schema's pattern, a date lies within the schema's bounds. A row
that fails such an expectation with a value the schema reads alike also breaks the
schema, and was loaded as `bad` (table/loaded.py, `Rules`). expectations/columnar.py's
`_could_fail` then looks for failing values on the bad rows alone: a regular expression
or a comparison over the few bad rows, not over every row of the file.

`vouches(spec, field)` is True only when that follows from the kwargs and the field's
constraints as written (bounds at least as wide as the schema's, a value set holding the
whole enum, the schema's own pattern anchored); anything else is judged on every row.
Constraints checked after loading (a long enum) are not in `bad` and vouch for
nothing.
"""

from __future__ import annotations

import operator
import re
from datetime import date
from typing import Any

from cdx.validations.table.field_sql import LONG_ENUM


def vouches(spec: dict[str, Any], field: dict[str, Any] | None) -> bool:
    """Whether every typed value failing `spec` breaks a constraint of `field` in `bad`.

    `field` is the schema field the column is read with (its position in the header),
    None when the column has none of its own.
    """
    if not field:
        return False
    kind, kwargs = spec.get("type", ""), spec.get("kwargs", {})
    limits = field.get("constraints", {})
    ftype = field.get("type", "string")
    if kind == "expect_column_values_to_not_be_null":
        return limits.get("required") is True
    if kind == "expect_column_values_to_be_between":
        return _within(kwargs, limits.get("minimum"), limits.get("maximum"), ftype)
    if ftype != "string":
        return False
    if kind == "expect_column_values_to_be_in_set":
        enum, allowed = limits.get("enum"), kwargs.get("value_set")
        return (
            isinstance(enum, list)
            and 0 < len(enum) <= LONG_ENUM
            and isinstance(allowed, list)
            and all(isinstance(v, str) for v in enum)
            and set(enum) <= {v for v in allowed if isinstance(v, str)}
        )
    if kind == "expect_column_values_to_match_regex":
        return _same_pattern(kwargs.get("regex"), limits.get("pattern"))
    if kind == "expect_column_value_lengths_to_be_between":
        if {"strict_min", "strict_max"} & set(kwargs):
            return False
        low, high = limits.get("minLength"), limits.get("maxLength")
        return _within(kwargs, low, high, "integer")
    return False


def _within(kwargs: dict[str, Any], low: Any, high: Any, ftype: str) -> bool:
    """The schema's bounds lie within the expectation's, on each side it bounds."""
    sides = (
        ("min_value", "strict_min", low, operator.gt),
        ("max_value", "strict_max", high, operator.lt),
    )
    bounded = False
    for key, strict, schema_bound, tighter in sides:
        bound = kwargs.get(key)
        if bound is None:
            continue
        mine, theirs = _comparable(bound, ftype), _comparable(schema_bound, ftype)
        if mine is None or theirs is None:
            return False
        # the schema admits nothing the expectation does not: its bound is as tight
        if not (tighter(theirs, mine) or (theirs == mine and not kwargs.get(strict))):
            return False
        bounded = True
    return bounded


def _comparable(bound: Any, ftype: str) -> Any:
    if ftype == "date":
        if isinstance(bound, str) and re.fullmatch("[0-9]{4}-[0-9]{2}-[0-9]{2}", bound):
            try:
                return date.fromisoformat(bound)
            except ValueError:
                return None
        return None
    if ftype in ("integer", "number") and isinstance(bound, int | float):
        return None if isinstance(bound, bool) else bound
    return None


def _same_pattern(regex: Any, pattern: Any) -> bool:
    """A text matching the schema's pattern whole (as frictionless does) also matches
    the expectation's regex from the start."""
    if not isinstance(regex, str) or not isinstance(pattern, str) or not pattern:
        return False
    # frictionless matches `^p$`, which reads differently when p has alternatives at its
    # top (`^a|b$` lets `ax` pass): the whole-match forms vouch only without `|`
    whole = (f"^{pattern}$", f"^(?:{pattern})$")
    return regex in (pattern, f"^{pattern}") or (regex in whole and "|" not in pattern)
