"""What to change where a cell is not of its field's type but is close: a number written
with a comma or a % sign, a date written day or month first or with a time, a yes or no
in a true/false field, or a word meaning there is no value. Part of the type-error
rule's wording (schema_rules.py)."""

from __future__ import annotations

import decimal
import json
import re
from collections.abc import Mapping
from typing import Any

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


def spelling_hint(cell: object, field: Mapping[str, Any]) -> str:
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
