from __future__ import annotations

import datetime as dt

import pytest

from cdx.core.freshness import Freshness, classify

NOW = dt.datetime(2026, 11, 22, 12, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("frequency", "age_days", "state"),
    [
        ("monthly", 0, Freshness.FRESH),
        ("monthly", 29.9, Freshness.FRESH),
        ("monthly", 30, Freshness.DUE),
        ("monthly", 43.9, Freshness.DUE),
        ("monthly", 44, Freshness.OVERDUE),
        ("monthly", 60, Freshness.DELINQUENT),
        ("quarterly", 89, Freshness.FRESH),
        ("quarterly", 90, Freshness.DUE),
        ("quarterly", 120, Freshness.OVERDUE),
        ("quarterly", 150, Freshness.DELINQUENT),
        ("annually", 364, Freshness.FRESH),
        ("annually", 425, Freshness.OVERDUE),
        ("annually", 455, Freshness.DELINQUENT),
        ("weekly", 7, Freshness.DUE),
        ("daily", 3, Freshness.DELINQUENT),
        ("as-needed", 5000, Freshness.FRESH),
        ("never", 5000, Freshness.FRESH),
    ],
)
def test_states_follow_the_hdx_thresholds(
    frequency: str, age_days: float, state: Freshness
) -> None:
    published = NOW - dt.timedelta(days=age_days)
    assert classify(published, frequency, NOW).state is state


def test_a_dataset_never_published_says_so() -> None:
    verdict = classify(None, "monthly", NOW)
    assert verdict.state is Freshness.NEVER_PUBLISHED and verdict.age_days is None


def test_the_next_threshold_is_the_age_at_which_it_worsens() -> None:
    assert classify(NOW - dt.timedelta(days=35), "monthly", NOW).next_threshold_days == 44
