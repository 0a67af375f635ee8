"""Structure and Table Schema findings a person can act on, and the frictionless reference.

This module turns errors into findings for a coalition data officer (which row, which
column, what is wrong, what was expected), worded by the rule each breaks (rules.py,
declared once for both engines). The errors come from the columnar engine
(checks.py), which reproduces frictionless-py's, or from frictionless-py itself through
`check_table`: the reference the parity tests compare with, and the fallback for the
files and schemas the columnar engine does not model (field_sql.unsupported, loaded.py).
"""

from __future__ import annotations

import decimal
import re
from pathlib import Path
from typing import Any

from cdx.core.errors import SourceFormat
from cdx.core.findings import Finding, Origin, shown_cell
from cdx.validations.table.rule import Breach
from cdx.validations.table.rules import RULES

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
    """The CSV as cdx writes it (cdx/packaging/tabular.py), declared: the header is the
    first row, commas, double quotes. Left undeclared, frictionless guesses them from the
    first rows: with many rows longer than the header it can take a later row for the
    header (every label then an error), and a quoted cell before `, x` makes it skip the
    space before x.
    The columnar engine reads the file as declared."""
    from frictionless import Dialect
    from frictionless.formats import CsvControl

    control = CsvControl(delimiter=",", quote_char='"', double_quote=True, skip_initial_space=False)
    return Dialect(header=True, controls=[control])


def schema_finding(error: Any, fields: dict[str, dict[str, Any]], resource: str) -> Finding:
    """A frictionless error (or one shaped like it: type, row_number, field_name, cell…)
    worded by the rule it breaks (rules.py)."""
    kind: str = error.type
    row = getattr(error, "row_number", None)
    field = getattr(error, "field_name", None) or getattr(error, "label", None) or None
    cell = getattr(error, "cell", None)
    cell = shown_cell(cell) if isinstance(cell, str) else cell
    note = getattr(error, "note", "") or ""
    code, name, limit = kind, "", ""
    if kind == "constraint-error":
        match = CONSTRAINT_NOTE.search(note)
        name, limit = (match.group(1), match.group(2)) if match else ("constraint", note)
        code = f"constraint-{name}"
    breach = Breach(
        cell=cell,
        field=fields.get(field or "", {}),
        number=getattr(error, "field_number", None),
        note=note,
        label=getattr(error, "label", "") or "",
        field_name=getattr(error, "field_name", "") or "",
        limit=limit,
        said=f"{error.message}",
    )
    value = None if cell is None else str(cell)
    rule = RULES.get(code)
    if rule is not None:
        return rule.finding(breach, resource=resource, row=row, field=field, value=value)
    # a rule no declaration holds (test_rule_parity says which): said as frictionless does
    return Finding(
        code=code,
        message=note if kind == "constraint-error" else breach.said,
        origin=Origin.TABLE_SCHEMA,
        resource=resource,
        row=row,
        field=field,
        rule=f"{name} {limit}".strip() or None,
        value=value,
    )
