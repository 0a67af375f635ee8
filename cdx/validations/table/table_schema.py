"""Structure and Table Schema findings a person can act on, and the frictionless reference.

This module words errors for a coalition data officer: which row, which column, what is
wrong, what was expected. The errors come from the columnar engine (columnar_checks.py),
which reproduces frictionless-py's, or from frictionless-py itself through `check_table`:
the reference the parity tests compare with, and the fallback for the files and schemas
the columnar engine does not model (columnar_schema.unsupported, columnar_table).
"""

from __future__ import annotations

import decimal
import json
import re
from pathlib import Path
from typing import Any

from cdx.core.errors import SourceFormat
from cdx.core.findings import Finding, Origin, shown_cell

STRUCTURAL = {
    "blank-label",
    "duplicate-label",
    "missing-label",
    "extra-label",
    "incorrect-label",
    "blank-row",
    "extra-cell",
    "missing-cell",
    "encoding-error",
    "source-error",
    "scheme-error",
    "format-error",
    "hash-count",
    "byte-count",
}
TRUE_VALUES = ["true", "True", "TRUE", "1"]  # the Table Schema's defaults (frictionless')
FALSE_VALUES = ["false", "False", "FALSE", "0"]


def key_names(value: Any) -> list[str]:
    """A key's field names: a Table Schema writes one as a string, several as a list."""
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


def foreign_key_fields(reference: dict[str, Any]) -> tuple[list[str], list[str]]:
    """A foreign key's fields here, and the fields they refer to."""
    referred = reference.get("reference", {}).get("fields")
    return key_names(reference.get("fields")), key_names(referred)


def missing_values(schema: dict[str, Any]) -> list[str]:
    """The texts that mean a missing cell: the schema's missingValues (default ""), each
    a string or, in Table Schema v2, an object whose `value` is the text."""
    listed = schema.get("missingValues", [""])
    return [str(v.get("value", "")) if isinstance(v, dict) else str(v) for v in listed]


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
CONSTRAINT_NOTE = re.compile(r'constraint "(\w+)" is "(.*)"', re.DOTALL)
MAX_ERRORS = 100_000


def check_table(
    csv_path: Path, schema: dict[str, Any], *, resource: str
) -> tuple[list[Finding], int]:
    """Validate one CSV against its Table Schema with frictionless-py: findings and rows read."""
    from frictionless import Resource, Schema

    from cdx.packaging.descriptor import as_version_2

    # frictionless refuses absolute paths as unsafe: give it a base directory instead.
    table = Resource(
        path=csv_path.name,
        basepath=str(csv_path.parent),
        schema=Schema.from_descriptor(as_version_2(schema)),
        dialect=csv_dialect(),
        datapackage_version="v2",  # a cdx package's resource, so read as version 2
    )
    try:
        report = table.validate(limit_errors=MAX_ERRORS)
    except decimal.InvalidOperation:  # frictionless compares Decimal('sNaN') with a bound
        raise SourceFormat(
            "a number in this table is written as a signalling NaN ('sNaN' or 'snan'), "
            "which cannot be compared with its field's minimum or maximum",
            where=str(csv_path),
            hint="write it as NaN, or leave the cell empty",
        ) from None
    task = report.tasks[0]
    fields = {field["name"]: field for field in schema.get("fields", [])}
    findings = [schema_finding(error, fields, resource) for error in task.errors]
    rows = int(task.stats.get("rows") or 0)
    return findings, rows


def csv_dialect() -> Any:
    """The CSV as cdx writes it (cdx/tabular.py), declared: the header is the first row,
    commas, double quotes. Left undeclared, frictionless guesses them from the first
    rows: with many rows longer than the header it took a later row for the header (every
    label then an error), and a quoted cell before `, x` made it skip the space before x.
    The columnar engine reads the file as declared."""
    from frictionless import Dialect
    from frictionless.formats import CsvControl

    control = CsvControl(delimiter=",", quote_char='"', double_quote=True, skip_initial_space=False)
    return Dialect(header=True, controls=[control])


def schema_finding(error: Any, fields: dict[str, dict[str, Any]], resource: str) -> Finding:
    """A frictionless error (or one shaped like it: type, row_number, field_name, cell…) worded."""
    kind: str = error.type
    row = getattr(error, "row_number", None)
    field = getattr(error, "field_name", None) or getattr(error, "label", None) or None
    cell = getattr(error, "cell", None)
    cell = shown_cell(cell) if isinstance(cell, str) else cell
    code, rule, message = _words(kind, error, cell, fields.get(field or "", {}))
    return Finding(
        code=code,
        message=message,
        origin=Origin.STRUCTURE if kind in STRUCTURAL else Origin.TABLE_SCHEMA,
        resource=resource,
        row=row,
        field=field,
        rule=rule,
        value=None if cell is None else str(cell),
    )


def _words(kind: str, error: Any, cell: Any, field: dict[str, Any]) -> tuple[str, str | None, str]:
    """Stable code, the rule broken, and a sentence saying what to fix."""
    number = getattr(error, "field_number", None)
    note = getattr(error, "note", "") or ""
    if kind == "type-error":
        wanted = TYPE_WORDS.get(field.get("type", ""), field.get("type", "a valid value"))
        message = f"{cell!r} is not {wanted}{_spelling_hint(cell, field)}"
        return "type-error", f"type {field.get('type')}", message
    if kind == "constraint-error":
        return _constraint(cell, note)
    if kind == "unique-error":
        return (
            "unique-error",
            "unique",
            f"{cell!r} appears more than once, but each value in this column must be different",
        )
    if kind == "primary-key":
        return (
            "primary-key",
            "primary key",
            "this row repeats the key of an earlier row (or leaves it empty); each row "
            "needs its own key",
        )
    if kind == "foreign-key":
        return "foreign-key", "foreign key", f"refers to a row that does not exist ({note})"
    if kind == "blank-row":
        return "blank-row", None, "this row is empty; delete it"
    if kind == "extra-cell":
        return (
            "extra-cell",
            None,
            f"this row has more values than the header has columns (extra value {cell!r} "
            f"in position {number}); look for a stray comma or an unquoted text with a comma",
        )
    if kind == "missing-cell":
        return (
            "missing-cell",
            None,
            "this row has fewer values than the header has columns; add the missing "
            "value (it may be empty) or remove a stray line break",
        )
    if kind == "duplicate-label":
        return (
            "duplicate-label",
            None,
            f"the header names column {number} the same as an earlier column; give each "
            "column its own name",
        )
    if kind == "blank-label":
        return (
            "blank-label",
            None,
            f"column {number} has no name in the header; name it or delete the column",
        )
    if kind == "incorrect-label":
        return (
            "incorrect-label",
            None,
            f"the header says {getattr(error, 'label', '')!r} in column {number} but the "
            f"Table Schema expects {getattr(error, 'field_name', '')!r}; rename the column or "
            "fix the schema",
        )
    if kind in ("missing-label", "extra-label"):
        return (
            kind,
            None,
            f"the header and the Table Schema disagree at column {number}: {note or kind}",
        )
    return kind, None, f"{error.message}"


THOUSANDS = re.compile(r"[+-]?[0-9]{1,3}(,[0-9]{3})+(\.[0-9]+)?")  # 1,200 or 12,500.75
DECIMAL_COMMA = re.compile(r"[+-]?[0-9]*,[0-9]+")  # 3,5


DATE_AND_TIME = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}[ T][0-9]{1,2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?"
)
PERCENT = re.compile(r"[+-]?[0-9]+(\.[0-9]+)?\s?%")  # 25% or 12.5 %
NO_VALUE = {
    "NA",
    "N/A",
    "N.A",
    "N/K",
    "-",
    "--",
    "—",
    "NONE",
    "NULL",
    "NIL",
    "?",
    "..",
    "…",
    "#N/A",
}
# how surveys write yes and no, by the spelling of yes (the no of the same case)
YES_NO = {"yes": "no", "Yes": "No", "YES": "NO", "y": "n", "Y": "N"}
SLASHED_DATE = re.compile(r"[0-9]{1,2}([/.-])[0-9]{1,2}\1[0-9]{4}")  # 05/03/2024, 5.3.2024


def _spelling_hint(cell: object, field: dict[str, Any]) -> str:
    """What to change when a number has a comma in it (1,200 or 3,5) or a % sign, a date
    is written day or month first (05/03/2024) or with a time, where the field expects
    YYYY-MM-DD, or a true/false field says yes and no."""
    text, kind = str(cell).strip(), field.get("type")
    if kind in ("integer", "number", "date", "datetime", "boolean") and _no_value(text):
        return (
            f" (if it means there is no value, leave the cell empty, or add {json.dumps(text)} "
            'to "missingValues" in the Table Schema)'
        )
    if kind == "date" and field.get("format", "default") == "default":
        if found := SLASHED_DATE.fullmatch(text):
            mark = found.group(1)
            return (
                f' (if the column\'s dates are written like this, set "format": '
                f'"%d{mark}%m{mark}%Y" on this field in the Table Schema, or '
                f'"%m{mark}%d{mark}%Y" if the month comes first)'
            )
        if DATE_AND_TIME.fullmatch(text):
            return (
                f" (it has a time of day: write the date alone, {text[:10]}, or make the "
                'field "type": "datetime" in the Table Schema)'
            )
        return ""
    if kind == "boolean" and "trueValues" not in field and "falseValues" not in field:
        return _yes_no_hint(text)
    if kind in ("integer", "number") and PERCENT.fullmatch(text):
        number = text.rstrip("%").strip()
        if kind == "integer":
            return f" (write it without the % sign, {number})"
        share = decimal.Decimal(number) / 100
        return f" (write it without the % sign, {number}, or as a fraction, {share})"
    if kind == "integer" and THOUSANDS.fullmatch(text) and "." not in text:
        return f" (write it without the comma, {text.replace(',', '')})"
    if kind != "number" or field.get("decimalChar", ".") == ",":
        return ""
    if THOUSANDS.fullmatch(text) and field.get("groupChar") != ",":
        return (
            ' (if the comma separates thousands, set "groupChar": "," on this field in the'
            ' Table Schema; if it is the decimal mark, set "decimalChar": ",")'
        )
    if DECIMAL_COMMA.fullmatch(text):
        return ' (if the comma is the decimal mark, set "decimalChar": "," on this field)'
    return ""


def _no_value(text: str) -> bool:
    """How people write that a value is missing: N/A, NA, -, none, null, …"""
    spelled = text.upper()
    return spelled in NO_VALUE or spelled.rstrip(".") in NO_VALUE  # N.A. as N.A


def _yes_no_hint(text: str) -> str:
    """For a yes or no in a true/false field: the trueValues and falseValues to declare."""
    yes = next((y for y, n in YES_NO.items() if text in (y, n)), None)
    if yes is None:
        return ""
    return (
        f' (if the column says {yes} and {YES_NO[yes]}, set "trueValues": ["{yes}"] and '
        f'"falseValues": ["{YES_NO[yes]}"] on this field in the Table Schema)'
    )


def _constraint(cell: object, note: str) -> tuple[str, str, str]:
    match = CONSTRAINT_NOTE.search(note)
    name, limit = (match.group(1), match.group(2)) if match else ("constraint", note)
    value = "" if cell is None else str(cell)
    sentences = {
        "required": "is empty, but this column must be filled in",
        "minimum": f"{value} is below the minimum {limit}",
        "maximum": f"{value} is above the maximum {limit}",
        "exclusiveMinimum": f"{value} must be greater than {limit}",
        "exclusiveMaximum": f"{value} must be less than {limit}",
        "minLength": f"{value!r} is shorter than {limit} characters",
        "maxLength": f"{value!r} is longer than {limit} characters",
        "pattern": f"{value!r} does not have the expected form ({limit})",
        "enum": f"{value!r} is not one of the allowed values: {_enum_words(limit)}",
        "unique": f"{value!r} appears more than once, but each value must be different",
    }
    return f"constraint-{name}", f"{name} {limit}".strip(), sentences.get(name, note)


def _enum_words(limit: str) -> str:
    # frictionless prints the list as Python does: "['a', 'b']"
    return limit.strip("[]").replace("'", "")
