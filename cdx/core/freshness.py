"""Freshness of a dataset against its expected update frequency (the HDX model).

A dataset's age is the time since its latest committed version. With the expected
frequency f (in days) it is: fresh while age < f; due from f; overdue from f + leeway;
delinquent from f + 2 × leeway (the leeways are HDX's). "as-needed" and "never" are
always fresh: nothing is expected of them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

# frequency → (due, overdue, delinquent) ages in days, as the Humanitarian Data Exchange
# classifies datasets.
THRESHOLDS: dict[str, tuple[int, int, int]] = {
    "daily": (1, 2, 3),
    "weekly": (7, 14, 21),
    "fortnightly": (14, 21, 28),
    "monthly": (30, 44, 60),
    "quarterly": (90, 120, 150),
    "semiannually": (180, 210, 240),
    "annually": (365, 425, 455),
}


class Freshness(StrEnum):
    FRESH = "fresh"
    DUE = "due"
    OVERDUE = "overdue"
    DELINQUENT = "delinquent"
    NEVER_PUBLISHED = "never-published"


@dataclass(frozen=True)
class FreshnessVerdict:
    state: Freshness
    age_days: float | None
    next_threshold_days: int | None  # age at which the state worsens, if it can


def classify(
    last_published: dt.datetime | None, frequency: str, now: dt.datetime
) -> FreshnessVerdict:
    """Classify one dataset; `last_published` None means nothing is committed yet."""
    if last_published is None:
        return FreshnessVerdict(Freshness.NEVER_PUBLISHED, None, None)
    age = (now - last_published).total_seconds() / 86_400
    if frequency not in THRESHOLDS:
        return FreshnessVerdict(Freshness.FRESH, age, None)
    due, overdue, delinquent = THRESHOLDS[frequency]
    if age < due:
        return FreshnessVerdict(Freshness.FRESH, age, due)
    if age < overdue:
        return FreshnessVerdict(Freshness.DUE, age, overdue)
    if age < delinquent:
        return FreshnessVerdict(Freshness.OVERDUE, age, delinquent)
    return FreshnessVerdict(Freshness.DELINQUENT, age, None)
