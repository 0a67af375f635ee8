"""Database names for loaded packages: readable where that is safe, never two for one."""

from __future__ import annotations

import pytest

from cdx.core.errors import InvalidVersion, UnsafeName
from cdx.load.naming import MAX_NAME, dataset_schema, quoted, version_schema


def test_a_plain_reference_reads_back_from_its_schema_name() -> None:
    assert version_schema("kenya-lnob", "health-scorecard", "1.0.0") == (
        "kenya_lnob__health_scorecard__v1_0_0"
    )
    assert dataset_schema("kenya-lnob", "health-scorecard") == "kenya_lnob__health_scorecard"


@pytest.mark.parametrize(
    ("one", "other"),
    [
        (("a--b", "c", "1.0.0"), ("a", "b--c", "1.0.0")),  # both would be a__b__c
        (("a", "b", "1.0.0-rc.1"), ("a", "b", "1.0.0-rc-1")),  # both would be …rc_1
        (("x" * 64, "y" * 64, "1.0.0"), ("x" * 64, "y" * 64, "1.0.1")),  # one cut-off head
    ],
)
def test_names_that_could_be_read_two_ways_differ_by_a_hash(
    one: tuple[str, str, str], other: tuple[str, str, str]
) -> None:
    first, second = version_schema(*one), version_schema(*other)
    assert first != second
    assert len(first) <= MAX_NAME and len(second) <= MAX_NAME


def test_unsafe_names_and_versions_are_refused_before_any_sql() -> None:
    with pytest.raises(UnsafeName):
        version_schema('kenya"; DROP SCHEMA cdx; --', "d", "1.0.0")
    with pytest.raises(InvalidVersion):
        version_schema("kenya-lnob", "d", "1.0")


def test_identifiers_are_always_quoted() -> None:
    assert quoted('we"ird') == '"we""ird"'
