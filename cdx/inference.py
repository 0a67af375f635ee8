"""Infer a Table Schema from a whole CSV file, not a sample.

Inference is conservative: a column is an integer only if every value is one, and a
value with a leading zero ("0012", a district or household code) keeps the column a
string, because turning codes into numbers loses information.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

from cdx.tabular import csv_rows

INTEGER = re.compile(r"^-?(?:0|[1-9]\d*)$")
NUMBER = re.compile(r"^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$|^-?\.\d+$")
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
BOOLEANS = {"true", "false", "True", "False", "TRUE", "FALSE"}
ORDER = ("integer", "number", "boolean", "date", "string")


def _fits(kind: str, value: str) -> bool:
    if kind == "integer":
        return bool(INTEGER.match(value))
    if kind == "number":
        return bool(NUMBER.match(value))
    if kind == "boolean":
        return value in BOOLEANS
    if kind == "date":
        if not DATE.match(value):
            return False
        try:
            dt.date.fromisoformat(value)
        except ValueError:
            return False
        return True
    return True


def infer_schema(path: Path) -> dict[str, Any]:
    """Table Schema for a UTF-8 CSV with a header row, from every value in it."""
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv_rows(handle)
        header = next(reader, [])
        candidates = [set(ORDER) for _ in header]
        seen = [False] * len(header)
        for row in reader:
            for index, value in enumerate(row[: len(header)]):
                if value == "":
                    continue
                seen[index] = True
                remaining = candidates[index]
                if len(remaining) > 1:
                    remaining.difference_update(
                        [kind for kind in remaining if not _fits(kind, value)]
                    )
    fields = []
    names: set[str] = set()
    for index, label in enumerate(header):
        kind = next(k for k in ORDER if k in candidates[index]) if seen[index] else "string"
        # A blank or repeated label is reported by the header check; the schema still
        # needs distinct names for the other checks to run.
        name = label if label.strip() and label not in names else f"field{index + 1}"
        names.add(name)
        fields.append({"name": name, "type": kind})
    return {"fields": fields, "missingValues": [""]}
