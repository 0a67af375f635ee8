"""The suppression bound: k-anonymity never publishes an empty or gutted table."""

from __future__ import annotations

import pandas as pd
import pytest
from pydantic import ValidationError

from cdx.core.coalition import PrivacyPolicy
from cdx.protect.kanonymity import anonymise
from cdx.protect.suppression_bound import suppression_findings


def wards(sizes: dict[tuple[str, str], int]) -> pd.DataFrame:
    rows = [(d, w) for (d, w), n in sizes.items() for _ in range(n)]
    return pd.DataFrame(rows, columns=["district", "ward"])


def check(frame: pd.DataFrame, limit: float = 0.05) -> list[str]:
    _, outcome = anonymise(frame, ["district", "ward"], 5, [])
    return [
        f.code + ": " + f.message for f in suppression_findings("scores", frame, outcome, limit)
    ]


def test_suppression_within_the_limit_passes() -> None:
    # 2 of 42 records (4.8%) in a class smaller than 5
    assert check(wards({("Kaski", "1"): 20, ("Kaski", "2"): 20, ("Dang", "7"): 2})) == []


def test_suppression_beyond_the_limit_names_the_smallest_classes_and_the_fix() -> None:
    frame = wards({("Kaski", "1"): 20, ("Kaski", "7"): 1, ("Dang", "3"): 2, ("Dang", "4"): 20})
    (finding,) = check(frame)
    assert finding.startswith("privacy-suppression-limit: k-anonymity (k = 5) on `district`")
    assert "would suppress 3 of 43 records (7%), more than the policy's limit of 5%" in finding
    assert "Smallest classes: district=Kaski, ward=7: 1 record; district=Dang, ward=3: 2" in finding
    assert "generalise `ward`: map its values to coarser ones" in finding
    assert "without it, 0 of 43 records would be in classes smaller than 5" in finding


def test_a_table_left_with_no_rows_is_refused() -> None:
    frame = wards({(d, str(w)): 2 for d in ("Kaski", "Dang") for w in range(1, 6)})
    (finding,) = check(frame, limit=1.0)
    assert finding.startswith("privacy-table-emptied:")
    assert "suppress 20 of 20 records (100%), and publish a table with no rows" in finding
    assert "; and 7 more classes smaller than k" in finding


def test_a_numeric_quasi_identifier_is_banded() -> None:
    frame = pd.DataFrame({"district": ["Kaski"] * 12, "age": [str(20 + n) for n in range(12)]})
    _, outcome = anonymise(frame, ["district", "age"], 5, [])
    (finding,) = suppression_findings("survey", frame, outcome, 0.05)
    assert finding.field == "age" and '{"column": "age", "band": 10}' in finding.message


def test_a_larger_limit_is_a_relaxation_that_needs_a_reason() -> None:
    with pytest.raises(ValidationError, match=r"suppression_limit = 0.2 \(default 0.05\)"):
        PrivacyPolicy(suppression_limit=0.2)
    relaxed = PrivacyPolicy(suppression_limit=0.2, reason="pilot wards, agreed with the NSO")
    assert relaxed.relaxations() == ["suppression_limit = 0.2 (default 0.05)"]
