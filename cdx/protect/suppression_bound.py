"""The suppression bound: protection never publishes an empty or gutted table.

k-anonymity suppresses the records of classes smaller than k, and suppression is not
random: it removes the smallest groups, often the very communities the data is about.
When it would remove more than the policy's `suppression_limit` of a table's records, or
leave a table with no rows, the gate refuses, naming the smallest classes and the
generalisation that would keep them (docs/decisions/0066-suppression-bound.md).
"""

from __future__ import annotations

import json

import pandas as pd

from cdx.core.findings import Finding, Origin, counted
from cdx.protect.kanonymity import KAnonymityOutcome, class_sizes
from cdx.protect.role_suggestions import area_word

CLASSES_NAMED = 3  # the smallest classes a finding names; privacy.json has the counts


def suppression_findings(
    resource: str, frame: pd.DataFrame, outcome: KAnonymityOutcome, limit: float
) -> list[Finding]:
    """A finding when k-anonymity of `frame` (the table before it) removes too much."""
    removed, total = outcome.records_suppressed, outcome.records_in
    emptied = total > 0 and removed == total
    if not emptied and removed <= limit * total:
        return []
    quasi = outcome.quasi_identifiers
    column, left_below = _column_to_coarsen(frame, quasi, outcome.k)
    share = f"{removed / total:.0%}" if total else "0%"
    what = (
        "and publish a table with no rows"
        if emptied
        else f"more than the policy's limit of {limit:.0%}"
    )
    fix = _fix(frame, column, left_below, total, outcome.k)
    return [
        Finding(
            code="privacy-table-emptied" if emptied else "privacy-suppression-limit",
            message=f"k-anonymity (k = {outcome.k}) on {_names(quasi)} would suppress "
            f"{removed:,} of {counted(total, 'record')} ({share}), {what}. Smallest classes: "
            f"{smallest_classes(outcome)}. To fix: {fix}",
            origin=Origin.PRIVACY,
            resource=resource,
            field=column,
            rule="suppression_limit",
        )
    ]


def smallest_classes(outcome: KAnonymityOutcome, count: int = CLASSES_NAMED) -> str:
    """`district=Kaski, ward=7: 1 record; …` — the suppressed classes, smallest first."""
    suppressed = outcome.suppressed
    if suppressed is None or suppressed.empty:
        return "none"
    quasi = list(suppressed.columns)
    sizes = suppressed.groupby(quasi, dropna=False, sort=True).size()
    ordered = sorted(sizes.items(), key=lambda item: (item[1], _key(item[0])))
    named = [
        ", ".join(f"{c}={v}" for c, v in zip(quasi, _key(values), strict=True))
        + f": {counted(size, 'record')}"
        for values, size in ordered[:count]
    ]
    more = len(ordered) - count
    return "; ".join(named) + (f"; and {more:,} more classes smaller than k" if more > 0 else "")


def _key(values: object) -> tuple[str, ...]:
    return tuple(str(v) for v in values) if isinstance(values, tuple) else (str(values),)


def _column_to_coarsen(frame: pd.DataFrame, quasi: list[str], k: int) -> tuple[str, int]:
    """The quasi-identifier whose absence leaves the fewest records in classes below k."""
    best: tuple[int, int, str] | None = None
    for column in quasi:
        rest = [c for c in quasi if c != column]
        below = int((class_sizes(frame, rest) < k).sum()) if rest else 0
        candidate = (below, -int(frame[column].nunique()), column)
        best = candidate if best is None or candidate < best else best
    assert best is not None  # k-anonymity suppresses nothing without quasi-identifiers
    return best[2], best[0]


def _fix(frame: pd.DataFrame, column: str, left_below: int, total: int, k: int) -> str:
    values = [v for v in frame[column].drop_duplicates().tolist() if v != ""]
    # Ward numbers are areas, not quantities: bands of them would join unrelated wards.
    if values and all(_is_number(v) for v in values) and not area_word(column):
        rule = json.dumps({"column": column, "band": 10})
        how = f"in bands, e.g. add {rule} to `privacy.generalise` in coalition.yaml"
    else:
        example = {"column": column, "map": {v: "<coarser area or group>" for v in values[:2]}}
        how = (
            f"map its values to coarser ones (wards to municipalities, villages to "
            f"districts), e.g. add {json.dumps(example, ensure_ascii=False)} to "
            "`privacy.generalise` in coalition.yaml (values not in the map become `other`)"
        )
    return (
        f"generalise `{column}`: {how}; or drop `{column}` from the quasi-identifiers "
        f"(another `cdx:role` in the Table Schema) if it cannot single anyone out — without "
        f"it, {left_below:,} of {total:,} records would be in classes smaller than {k}. "
        "A larger share needs `privacy.suppression_limit` with a `reason`"
    )


def _is_number(value: str) -> bool:
    try:
        float(value)
    except ValueError:
        return False
    return True


def _names(columns: list[str]) -> str:
    return ", ".join(f"`{c}`" for c in columns)
