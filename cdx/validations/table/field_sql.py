"""A Table Schema field as SQL over a text cell, with frictionless-py's meaning.

For each field: when the cell counts as missing, when it has the field's type, its typed
value, and each constraint as a condition that is true when the cell breaks it. The
rules follow frictionless-py 5 (fields/*.py, schema/field.py): missing values are matched
on the raw text, the type is read from the text, constraints are checked on the typed
value and only when the type was read, and each constraint's note quotes the schema's
value as Python prints it, which is what the wording in table_schema.py parses.

Types, formats and options this module does not model raise `TableNotColumnar`, and the
table goes to frictionless instead (see `unsupported`).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, field
from typing import Any

from cdx.core.sql_text import sql_string
from cdx.validations.table.ascii_spelling import ascii_spelling
from cdx.validations.table.loaded import TableNotColumnar
from cdx.validations.table.python_patterns import pattern_broken
from cdx.validations.table.table_schema import (
    FALSE_VALUES,
    TRUE_VALUES,
    foreign_key_fields,
    missing_values,
)

# Python's int() after str.strip(); `_` between digits is allowed
INTEGER_TEXT = r"\s*[+-]?[0-9]+(_[0-9]+)*\s*"
# Python's Decimal() (C's libmpdec), once the text is stripped of whitespace at its ends
# and of every `_` (anywhere, not only between digits: '_1_' and 'n_an' are read): digits
# with an optional point and exponent, or nan and snan with an optional payload of
# digits ('nan9'), or inf/infinity
NUMBER_TEXT = (
    r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?"
    r"|[+-]?(?i:s?nan[0-9]*|inf|infinity)"
)
PYTHON_EDGE_SPACE = r"^[\t\n\x0b\x0c\r\x1c-\x1f ]+|[\t\n\x0b\x0c\r\x1c-\x1f ]+$"
# plain spellings both read the same way, cast directly (see _number_value)
PLAIN_INTEGER = r"[+-]?[0-9]{1,18}"
PLAIN_NUMBER = r"[+-]?[0-9]{1,15}(\.[0-9]{1,15})?"
SUPPORTED = {
    "string": ["required", "minLength", "maxLength", "pattern", "enum"],
    "integer": ["required", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "enum"],
    "number": ["required", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "enum"],
    "date": ["required", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "enum"],
    "datetime": ["required", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "enum"],
    "boolean": ["required", "enum"],
    "any": ["required", "enum"],
}
# An enum longer than this is looked up in a hash after loading: NOT IN compares value by
# value, and = ANY costs a pass of its own however short the list
# (docs/decisions/0024-long-enum-checked-late.md)
LONG_ENUM = 100
BOUNDS = {"minimum": "<", "maximum": ">", "exclusiveMinimum": "<=", "exclusiveMaximum": ">="}


@dataclass
class ConstraintSql:
    name: str
    broken: str  # true when a cell that has the type breaks the constraint
    note: str  # frictionless' note: constraint "maximum" is "5"
    late: bool = False  # a join to DuckDB: checked after loading (see RowCheck.late)


@dataclass
class FieldSql:
    """One field read from the text column `cell` (e.g. c3)."""

    name: str
    number: int
    kind: str
    cell: str
    missing: str  # the cell counts as missing (absent, or one of missingValues)
    typed: str  # the cell, not missing, has the type
    value: str  # the typed value (NULL where the type was not read)
    required: ConstraintSql | None = None
    constraints: list[ConstraintSql] = field(default_factory=list)
    derived: list[tuple[str, str]] = field(default_factory=list)  # set by rule_columns
    # a number or date as the loading scan of a wide table reads it: plain digits alone
    # (see loading_columns); and whether it is typed, over its column v{number}
    quick: str | None = None
    quick_typed: str | None = None
    form: str = "default"  # the field's format (dates and datetimes)


def fields_sql(schema: dict[str, Any], header: list[str]) -> list[FieldSql]:
    """SQL for the fields the data is read with; raise TableNotColumnar when unmodelled.

    As in frictionless, these are the header's columns: the schema's field at each
    position, an `any` field named after each label beyond the schema, and no field for
    schema fields beyond the header (a `missing-label` says so once).
    """
    if problem := unsupported(schema):
        raise TableNotColumnar(problem)
    read = expected_fields(schema, header)
    present = {spec.get("name") for spec in read}
    for reference in schema.get("foreignKeys", []):
        source, target = foreign_key_fields(reference)
        # a field with no column: frictionless finds no value there, every row breaks it
        if not {*source, *target} <= present:
            raise TableNotColumnar("a foreign key on a field the file has no column for")
    missing, declared = missing_values(schema), len(schema.get("fields", []))
    # a field made up for a label beyond the schema has frictionless' default, ""
    return [
        _field_sql(spec, number, missing if number <= declared else [""])
        for number, spec in enumerate(read, start=1)
    ]


def rule_columns(fields: list[FieldSql]) -> list[tuple[str, str]]:
    """Each field's missing, typed and value as named columns m1, t1, v1, … over the cells.

    The checks refer to these names afterwards (the fields are changed in place, once: a
    second call gives the same columns); they are computed in the one scan that reads
    them (a view, `ruled`), not stored: storing them beside the cells costs more than
    computing them (docs/decisions/0019-rules-evaluated-while-loading.md).
    """
    derived: list[tuple[str, str]] = []
    for f in fields:
        if not f.derived:
            n = f.number
            f.derived = [(f"m{n}", f.missing)]
            if f.value != f.cell:
                f.derived.append((f"v{n}", f.value))
                for rule in f.constraints:
                    rule.broken = rule.broken.replace(f.value, f"v{n}")
                # a number is typed where it has a value: the value is read once, not twice
                f.typed = f.typed.replace(f.value, f"v{n}")
                f.value = f"v{n}"
            f.derived.append((f"t{n}", f.typed))
            f.missing, f.typed = f"m{n}", f"t{n}"
        derived += f.derived
    return derived


def expected_fields(schema: dict[str, Any], header: list[str]) -> list[dict[str, Any]]:
    fields: list[dict[str, Any]] = list(schema.get("fields", []))
    if not header:
        return fields
    expected = fields[: len(header)]
    names = {f["name"] for f in expected}
    for label in header[len(fields) :]:
        name, n = label, 1
        while name in names:  # frictionless deduplicates made-up names the same way
            n += 1
            name = f"{label}{n}"
        names.add(name)
        expected.append({"name": name, "type": "any"})
    return expected


def unsupported(schema: dict[str, Any]) -> str | None:
    """Why this schema needs frictionless, or None when every part of it is modelled."""
    for spec in schema.get("fields", []):
        kind, form = spec.get("type", "any"), spec.get("format", "default")
        if kind not in SUPPORTED:
            return f"type {kind} of field {spec.get('name')!r}"
        if kind in ("string", "integer", "number", "boolean", "any") and form != "default":
            return f"format {form} of field {spec.get('name')!r}"
        if kind in ("date", "datetime") and form == "any":
            return f"format any of field {spec.get('name')!r}"
        if kind in ("date", "datetime") and re.search("%[zZ]", str(form)):
            # DuckDB turns a time zone into UTC (a date can change day); Python keeps it
            return f"format {form} (a time zone) of field {spec.get('name')!r}"
        if kind == "datetime" and form != "default":
            from cdx.validations.table.dates import strptime_shapes  # it reads this module

            if strptime_shapes(str(form)) is None:
                return f"format {form} of field {spec.get('name')!r}"
        if kind == "datetime" and set(spec.get("constraints", {})) & (set(BOUNDS) | {"enum"}):
            return f"datetime bounds of field {spec.get('name')!r}"
        options = {"bareNumber", "groupChar", "decimalChar", "floatNumber", "missingValues"}
        if options & set(spec):
            return f"options {sorted(options & set(spec))} of field {spec.get('name')!r}"
        pattern = spec.get("constraints", {}).get("pattern")
        if pattern is not None and not _re2_safe(str(pattern)):
            return f"pattern {pattern!r} of field {spec.get('name')!r}"
    kinds = {spec.get("name"): spec.get("type", "any") for spec in schema.get("fields", [])}
    for key in schema.get("foreignKeys", []):
        if key.get("reference", {}).get("resource", "") != "":
            return "a foreign key to another resource"
        source, target = foreign_key_fields(key)
        if [COMPARED_AS.get(str(kinds.get(n))) for n in source] != [
            COMPARED_AS.get(str(kinds.get(n))) for n in target
        ]:
            # Python compares the values: '1' is not 1, a date is not a datetime
            return "a foreign key between fields of different types"
    return None


# the types whose values Python finds equal (Decimal 1 == 1 == True); others only their own
COMPARED_AS = {"integer": "number", "number": "number", "boolean": "number", "any": "string"}
COMPARED_AS.update(string="string", date="date", datetime="datetime")


def loading_columns(fields: list[FieldSql]) -> list[tuple[str, str]]:
    """rule_columns' columns as the loading scan of a wide table computes them.

    A number's value is read there from plain digits alone (`quick`), a date's from text
    of its format's ASCII shape, and any other spelling counts as not typed: the row is
    loaded as `bad`, and the checks read it with the whole rule (Unicode digits, `_`,
    spaces, NaN). `bad` only has to hold on every row that breaks a check; a row loaded
    as bad and breaking none gives no finding. The whole rule is long SQL for every
    number, which DuckDB plans (time and memory) before it reads a row, so a wide table
    loads faster with the short one (docs/decisions/0030-wide-loading-scan-short-rules.md).
    """
    rule_columns(fields)
    quick: dict[str, str] = {}
    for f in fields:
        if f.quick and f.value == f"v{f.number}":
            quick[f.value] = f.quick
            if f.quick_typed:
                quick[f.typed] = f.quick_typed
    return [(name, quick.get(name, sql)) for f in fields for name, sql in f.derived]


def strptime_pattern(form: str) -> str:
    """A date field's format as a strptime pattern: "default" is YYYY-MM-DD."""
    return "%Y-%m-%d" if form == "default" else form


def _field_sql(spec: dict[str, Any], number: int, missing_values: list[str]) -> FieldSql:
    kind, cell = spec.get("type", "any"), f"c{number}"
    missing = f"({cell} IS NULL OR {_one_of(cell, missing_values)})"
    typed, value = _type_sql(spec, cell)
    sql = FieldSql(spec["name"], number, kind, cell, missing, typed, value)
    sql.form = str(spec.get("format", "default"))
    if kind in ("integer", "number"):
        sql.quick = f"(CASE {_plain_number(cell, kind)} END)"
    elif kind == "date":
        from cdx.validations.table.dates import quick_date

        if quick := quick_date(cell, strptime_pattern(sql.form), f"v{number}"):
            sql.quick_typed, sql.quick = quick
    constraints = spec.get("constraints", {})
    for name in SUPPORTED[kind]:  # in frictionless' order, which its errors in a cell follow
        limit = constraints.get(name)
        if limit is None:
            continue
        note = f'constraint "{name}" is "{limit}"'
        if name == "required":
            sql.required = ConstraintSql(name, "true", note) if limit else None
        elif name in BOUNDS:
            nan = f" OR isnan({value})" if kind == "number" else ""
            broken = f"({value} {BOUNDS[name]} {_literal(spec, limit)}{nan})"
            sql.constraints.append(ConstraintSql(name, broken, note))
        elif name in ("minLength", "maxLength"):
            sign = "<" if name == "minLength" else ">"
            sql.constraints.append(ConstraintSql(name, f"length({cell}) {sign} {int(limit)}", note))
        elif name == "pattern":
            # frictionless matches "^{pattern}$" from the start: alternatives stay unbracketed
            anchored = sql_string(f"^(?:^{limit}$)")
            broken = pattern_broken(cell, str(limit), f"NOT regexp_matches({cell}, {anchored})")
            sql.constraints.append(ConstraintSql(name, broken, note))
        elif name == "enum":
            # a value the field's type cannot read (or NaN, equal to nothing) allows no cell
            read = (_python_value(spec, item) for item in limit)
            allowed = [v for v in read if v is not None and v == v]
            listed = ", ".join(_literal(spec, item) for item in allowed)
            if not allowed:
                sql.constraints.append(ConstraintSql(name, "true", note))
            elif len(allowed) <= LONG_ENUM:  # compared value by value, in the loading scan
                sql.constraints.append(ConstraintSql(name, f"{value} NOT IN ({listed})", note))
            else:  # a hash lookup, which DuckDB runs as a join: checked after loading
                broken = f"NOT ({value} = ANY([{listed}]))"
                sql.constraints.append(ConstraintSql(name, broken, note, late=True))
    return sql


def reading_sql(kind: str, form: str, cell: str) -> tuple[str, str]:
    """(the text has the type, the typed value) for a field of this type and format, over
    the text column `cell`: the same SQL as the field's own, for types read by format alone
    (readings.py)."""
    return _type_sql({"type": kind, "format": form}, cell)


def _type_sql(spec: dict[str, Any], cell: str) -> tuple[str, str]:
    """(the text has the type, the typed value) for one field."""
    kind, form = spec.get("type", "any"), spec.get("format", "default")
    if kind in ("integer", "number"):
        read_as = ("HUGEINT", INTEGER_TEXT) if kind == "integer" else ("DOUBLE", NUMBER_TEXT)
        value = _number_value(cell, *read_as)
        return f"({value} IS NOT NULL)", value
    if kind == "boolean":
        true = [str(v) for v in spec.get("trueValues", TRUE_VALUES)]
        false = [str(v) for v in spec.get("falseValues", FALSE_VALUES)]
        typed = f"({_one_of(cell, true)} OR {_one_of(cell, false)})"
        return typed, f"({_one_of(cell, true)})"
    if kind in ("date", "datetime"):
        from cdx.validations.table.dates import date_sql, datetime_typed  # it reads this module
    if kind == "date":
        return date_sql(cell, strptime_pattern(form))
    if kind == "datetime":
        if form == "default":
            value = f"TRY_CAST({cell} AS TIMESTAMPTZ)"
            return datetime_typed(cell), value
        # held to the shape Python's strptime accepts, as a date is (DuckDB's reads a
        # two-digit %Y, a trailing space): `unsupported` sends formats it cannot say
        return date_sql(cell, form, "TIMESTAMP")
    return "true", cell


def _number_value(cell: str, sql_type: str, shape: str) -> str:
    """The cell as Python's int() or Decimal() reads it, in SQL (NULL when it cannot).

    Plain ASCII digits (the common case) are cast directly. Anything else is first spelled
    as ASCII (Python reads every Unicode decimal digit, e.g. Bengali ৭ or Arabic-Indic ٧,
    and strips Unicode whitespace), must have the shape Python accepts, and loses the `_`
    between digits that DuckDB does not read: much slower, so only where needed
    (docs/decisions/0017-respelling-in-a-function.md).
    """
    ascii_text = ascii_spelling(cell)
    if sql_type == "HUGEINT":
        spelled = f"TRY_CAST(replace(trim({ascii_text}, ' '), '_', '') AS {sql_type})"
        readable = f"regexp_full_match({ascii_text}, {sql_string(shape)})"
    else:  # DuckDB reads NaN without its payload, and no signalling NaN: both as NaN
        edge = sql_string(PYTHON_EDGE_SPACE)
        bare = f"replace(regexp_replace({ascii_text}, {edge}, '', 'g'), '_', '')"
        nan = f"regexp_replace({bare}, '(?i)s?nan[0-9]*', 'nan')"
        spelled = f"TRY_CAST({nan} AS {sql_type})"
        readable = f"regexp_full_match({bare}, {sql_string(shape)})"
    plain = _plain_number(cell, "integer" if sql_type == "HUGEINT" else "number")
    return f"(CASE {plain} WHEN {readable} THEN {spelled} END)"


def _plain_number(cell: str, kind: str) -> str:
    """The CASE branch that casts plain ASCII digits, which both engines read alike."""
    plain, sql_type = (PLAIN_INTEGER, "HUGEINT") if kind == "integer" else (PLAIN_NUMBER, "DOUBLE")
    return f"WHEN regexp_full_match({cell}, {sql_string(plain)}) THEN CAST({cell} AS {sql_type})"


def _python_value(spec: dict[str, Any], item: Any) -> Any:
    """A constraint value read as frictionless reads it with the field's type (None: unreadable)."""
    kind = spec.get("type", "any")
    text = str(item)
    try:
        if isinstance(item, bool) and kind != "boolean":
            return None  # frictionless reads JSON true as no number
        if kind == "integer":
            if isinstance(item, float) and item.is_integer():
                return int(item)  # 2.0 is 2 to frictionless
            return item if isinstance(item, int) else int(text)
        if kind == "number":
            return float(item)
        if kind == "date":  # written in the field's format, as its cells are
            return dt.datetime.strptime(
                text, strptime_pattern(spec.get("format", "default"))
            ).date()
        if kind == "boolean":
            if isinstance(item, bool):
                return item
            if not isinstance(item, str):
                return None  # frictionless reads JSON 1 as no boolean
            return (
                True
                if text in spec.get("trueValues", TRUE_VALUES)
                else (False if text in spec.get("falseValues", FALSE_VALUES) else None)
            )
    except (TypeError, ValueError):
        return None
    # a string or any field's cell is text: a number in its enum equals no cell
    return item if isinstance(item, str) else None


def _literal(spec: dict[str, Any], item: Any) -> str:
    value = _python_value(spec, item) if not isinstance(item, dt.date) else item
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and (value != value or math.isinf(value)):
        return f"'{value}'::DOUBLE"  # 'nan', 'inf', '-inf': DuckDB reads them so
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, dt.date):
        return f"DATE '{value.isoformat()}'"
    if value is None:
        return "NULL"
    return sql_string(str(value))


def _re2_safe(pattern: str) -> bool:
    """Whether DuckDB's RE2 reads the pattern as Python's re does, but for the classes
    \\d \\w \\s \\b, whose cells python_patterns matches where the two differ."""
    try:
        re.compile(pattern)
    except re.error:
        return False
    # lookaround, backreferences, \A \Z; possessive quantifiers and atomic groups (RE2
    # refuses them); \u \U \N{} escapes (RE2 has none); `[:` (a POSIX class to RE2,
    # characters to Python); {,n} (zero to n to Python, text to RE2)
    unsafe = r"\(\?[=!<>]|\\[1-9]|\(\?P[=<]|\\[AZuUN]|[*+?}]\+|\[:|\{,"
    return not re.search(unsafe, pattern)


def text_or_null(cell: str, missing_values: list[str]) -> str:
    """The cell as read_frame reads text: NULL when one of missingValues, '' when absent.

    Where '' is a missing value this is also frictionless' value of a string field, so
    the schema's keys and the suite's share one grouping (LoadedTable.repeated).
    """
    cell = f"coalesce({cell}, '')"
    return f"(CASE WHEN {_one_of(cell, missing_values)} THEN NULL ELSE {cell} END)"


def _one_of(text: str, values: list[str]) -> str:
    """SQL: the text is one of the values (false, never NULL, when there are none: `IN
    (NULL)` is NULL, and a schema with "missingValues": [] then broke no check at all)."""
    return f"{text} IN ({', '.join(sql_string(v) for v in values)})" if values else "false"
