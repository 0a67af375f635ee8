"""k-anonymity for microdata: every combination of quasi-identifiers is shared by ≥ k records.

The policy's recoding rules are applied in order, each to the whole column (global
recoding: a published column has one coding, so a reader cannot tell a generalised
record from the others), only while classes smaller than k remain, and only when the
rule brings fewer records below k (coarser data for no protection is a pure loss). Records still in
small classes after the last rule are suppressed (left out of the published table).
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from cdx.core.coalition import Generalisation

OTHER = "other"
LABELS_SHOWN = 50  # a recoded column's labels recorded in the decision


@dataclass
class KAnonymityOutcome:
    """What k-anonymity did to one table, and the risk left (smallest class)."""

    k: int
    quasi_identifiers: list[str]
    records_in: int
    smallest_class_before: int | None = None
    rules_applied: list[dict[str, Any]] = field(default_factory=list)
    records_generalised: int = 0
    records_suppressed: int = 0
    classes: int = 0
    smallest_class: int | None = None
    suppressed: pd.DataFrame | None = field(default=None, repr=False)
    """The quasi-identifiers of the suppressed records, as recoded: what the bound names."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "k": self.k,
            "quasiIdentifiers": self.quasi_identifiers,
            "recordsIn": self.records_in,
            "smallestClassBefore": self.smallest_class_before,
            "rulesApplied": self.rules_applied,
            "recordsGeneralised": self.records_generalised,
            "recordsSuppressed": self.records_suppressed,
            "equivalenceClasses": self.classes,
            "smallestClass": self.smallest_class,
        }


def class_sizes(frame: pd.DataFrame, quasi_identifiers: list[str]) -> pd.Series:
    """For each record, how many records share its quasi-identifier values."""
    if frame.empty:
        return pd.Series([], dtype="int64")
    return frame.groupby(quasi_identifiers, dropna=False, sort=False)[
        quasi_identifiers[0]
    ].transform("size")


def generalise(values: pd.Series, rule: Generalisation) -> pd.Series:
    """One column recoded by one rule; blanks stay blank (nothing to reveal)."""
    if rule.band is not None or rule.breaks is not None:
        label = _band_label(rule)

        def band(value: str) -> str:
            try:
                number = float(value)
            except ValueError:
                return value  # blank, or already a band
            return label(number)

        return values.map(band)
    mapping = rule.map or {}
    return values.map(lambda value: value if value == "" else mapping.get(value, OTHER))


def _band_label(rule: Generalisation) -> Callable[[float], str]:
    """The label of a number's band: `20-29` for a width, `15-24` or `65+` for breaks."""
    if rule.band is not None:
        width = rule.band

        def of_width(number: float) -> str:
            low = math.floor(number / width) * width
            return f"{low}-{low + width - 1}"

        return of_width
    breaks = list(rule.breaks or [])

    def between(number: float) -> str:
        at = bisect.bisect_right(breaks, number)
        if at == 0:
            return f"under {_number(breaks[0])}"
        if at == len(breaks):
            return f"{_number(breaks[-1])}+"
        low, high = breaks[at - 1], breaks[at]
        if low.is_integer() and high.is_integer():
            return f"{int(low)}-{int(high) - 1}"  # whole numbers (ages): 15-24 holds 15 to 24
        return f"{_number(low)} to under {_number(high)}"

    return between


def _number(value: float) -> str:
    return str(int(value)) if value.is_integer() else str(value)


def rule_words(rule: Generalisation) -> str:
    """What a rule does, in words, as the decision and the schema record it."""
    if rule.band is not None:
        return f"bands of {rule.band}"
    if rule.breaks is not None:
        return "bands starting at " + ", ".join(_number(b) for b in rule.breaks)
    return "mapped to coarser values"


def anonymise(
    frame: pd.DataFrame, quasi_identifiers: list[str], k: int, rules: list[Generalisation]
) -> tuple[pd.DataFrame, KAnonymityOutcome]:
    """The table made k-anonymous on `quasi_identifiers`, and what it took."""
    outcome = KAnonymityOutcome(k, quasi_identifiers, len(frame))
    if not quasi_identifiers or frame.empty:
        return frame, outcome  # nothing to single anyone out by: no classes to report
    original = frame[quasi_identifiers].copy()
    sizes = class_sizes(frame, quasi_identifiers)
    outcome.smallest_class_before = int(sizes.min())
    for rule in rules:
        if rule.column not in quasi_identifiers:
            continue
        small = int((sizes < k).sum())
        if small == 0:
            break
        recoded = frame.assign(**{rule.column: generalise(frame[rule.column], rule)})
        recoded_sizes = class_sizes(recoded, quasi_identifiers)
        if int((recoded_sizes < k).sum()) >= small:
            continue  # coarser data for no protection: keep the column as it was
        changed = int((recoded[rule.column] != frame[rule.column]).sum())
        frame, sizes = recoded, recoded_sizes
        outcome.rules_applied.append(
            {
                "column": rule.column,
                "rule": rule_words(rule),
                "labels": sorted(set(frame[rule.column]) - {""})[:LABELS_SHOWN],
                "recordsBelowKBefore": small,
                "recordsChanged": changed,
                "recordsBelowKAfter": int((sizes < k).sum()),
            }
        )
    changed_rows = (frame[quasi_identifiers] != original).any(axis=1)
    kept = sizes >= k
    outcome.records_generalised = int((changed_rows & kept).sum())
    outcome.records_suppressed = int((~kept).sum())
    outcome.suppressed = frame.loc[~kept, quasi_identifiers]
    frame = frame[kept].reset_index(drop=True)
    after = class_sizes(frame, quasi_identifiers)
    outcome.classes = (
        int(frame.groupby(quasi_identifiers, dropna=False).ngroups) if len(frame) else 0
    )
    outcome.smallest_class = int(after.min()) if len(after) else None
    return frame, outcome


def generalised_field_schema(field_spec: dict[str, Any], applied: dict[str, Any]) -> None:
    """A recoded column holds labels (`15-24`, `Nyanza`), not the original type: its type,
    title and description say so, so that a reader does not take `15-24` for an age."""
    required = field_spec.get("constraints", {}).get("required")
    was = field_spec.get("type", "any")
    title = field_spec.get("title") or field_spec["name"]
    labels = applied.get("labels", [])
    shown = ", ".join(labels[:12]) + (", …" if len(labels) > 12 else "")
    field_spec["type"] = "string"
    field_spec.pop("format", None)
    field_spec["constraints"] = {"required": True} if required else {}
    field_spec["title"] = f"{title} ({applied['rule']})"
    field_spec["description"] = (
        f"Generalised for privacy (k-anonymity): the original {was} values are published "
        f"as {applied['rule']}" + (f": {shown}" if shown else "") + "."
    )
    field_spec["cdx:generalised"] = applied["rule"]
