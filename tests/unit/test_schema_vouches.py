"""An expectation is judged on bad rows alone only where the schema's constraints imply it."""

from __future__ import annotations

from typing import Any

import pytest

from cdx.validations.expectations.schema_vouches import vouches

AGE = {"name": "age", "type": "integer", "constraints": {"minimum": 0, "maximum": 120}}
DAY = {
    "name": "day",
    "type": "date",
    "constraints": {"required": True, "minimum": "2024-01-01", "maximum": "2025-12-31"},
}
REGION = {
    "name": "region",
    "type": "string",
    "constraints": {"enum": ["Coast", "Nairobi"], "pattern": "[A-Z][a-z]+", "maxLength": 20},
}
WARDS = [f"W{i}" for i in range(101)]  # more than LONG_ENUM: checked after loading
LONG_ENUM = {"name": "ward", "type": "string", "constraints": {"enum": WARDS}}


def spec(kind: str, **kwargs: Any) -> dict[str, Any]:
    return {"type": f"expect_column_{kind}", "kwargs": {"column": "x", **kwargs}}


CASES = [
    # bounds: the schema's as tight or tighter on every side the expectation bounds
    (spec("values_to_be_between", min_value=0, max_value=120), AGE, True),
    (spec("values_to_be_between", min_value=-5, max_value=150), AGE, True),
    (spec("values_to_be_between", max_value=120), AGE, True),
    (spec("values_to_be_between", min_value=0, max_value=110), AGE, False),  # 111-120
    (spec("values_to_be_between", min_value=1), AGE, False),  # 0 passes the schema
    (spec("values_to_be_between", min_value=0, strict_min=True), AGE, False),  # so does 0
    (spec("values_to_be_between", min_value=-1, strict_min=True), AGE, True),
    (spec("values_to_be_between", min_value="0"), AGE, False),  # text bound on a number
    (spec("values_to_be_between", min_value=True), AGE, False),
    (spec("values_to_be_between"), AGE, False),
    (spec("values_to_be_between", min_value=0), {**AGE, "constraints": {}}, False),
    (spec("values_to_be_between", min_value="2024-01-01", max_value="2025-12-31"), DAY, True),
    (spec("values_to_be_between", min_value="2024-02-01"), DAY, False),
    (spec("values_to_be_between", min_value="2024-02-30"), DAY, False),  # no such day
    # missing values: required vouches for not null
    (spec("values_to_not_be_null"), DAY, True),
    (spec("values_to_not_be_null"), AGE, False),
    # text: the whole enum in the set, the schema's own pattern, lengths within
    (spec("values_to_be_in_set", value_set=["Coast", "Nairobi", "Rift Valley"]), REGION, True),
    (spec("values_to_be_in_set", value_set=["Coast"]), REGION, False),
    (spec("values_to_be_in_set", value_set=WARDS), LONG_ENUM, False),
    (spec("values_to_match_regex", regex="[A-Z][a-z]+"), REGION, True),
    (spec("values_to_match_regex", regex="^[A-Z][a-z]+$"), REGION, True),
    (spec("values_to_match_regex", regex="^(?:[A-Z][a-z]+)$"), REGION, True),
    (spec("values_to_match_regex", regex="^[A-Z][a-z]{3,}$"), REGION, False),
    (
        spec("values_to_match_regex", regex="^A|B$"),
        {"type": "string", "constraints": {"pattern": "A|B"}},
        False,  # ^A|B$ is "^A" or "B$": not the pattern
    ),
    (spec("value_lengths_to_be_between", max_value=20), REGION, True),
    (spec("value_lengths_to_be_between", max_value=10), REGION, False),
    (spec("value_lengths_to_be_between", min_value=1), REGION, False),  # no minLength
    # other kinds and types are judged on every row
    (spec("values_to_be_in_set", value_set=[0, 1]), AGE, False),
    (spec("values_to_not_match_regex", regex="[0-9]"), REGION, False),
    (spec("values_to_be_between", min_value=0), None, False),
]


@pytest.mark.parametrize(("expectation", "field", "expected"), CASES)
def test_the_schema_vouches_only_where_its_constraints_imply_the_expectation(
    expectation: dict[str, Any], field: dict[str, Any] | None, expected: bool
) -> None:
    assert vouches(expectation, field) is expected
