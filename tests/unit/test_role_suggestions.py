"""Suggested privacy roles: from a column's name first, then from its values."""

from __future__ import annotations

import pytest

from cdx.protect.role_suggestions import ColumnValues, suggest_role


def values_of(*cells: str) -> ColumnValues:
    column = ColumnValues()
    for cell in cells:
        column.add(cell)
    return column


@pytest.mark.parametrize(
    ("name", "kind", "cells", "role"),
    [
        ("respondent_name", "string", ("Sita",), "direct-identifier"),
        ("phone", "string", ("0700000000",), "direct-identifier"),
        ("respondent_id", "string", ("R-00001",), "direct-identifier"),
        ("Age", "integer", ("34",), "quasi-identifier"),
        ("sex", "string", ("female", "male"), "quasi-identifier"),
        ("village_name", "string", ("Kadongo",), "quasi-identifier"),
        ("upazila", "string", ("Sadar",), "quasi-identifier"),
        ("comment", "string", ("ok",), "sensitive"),
        ("answer", "string", ("the nurse asked us to come back next week",), "sensitive"),
        ("score", "integer", ("3",), "safe"),
        ("facility_code", "string", ("0031", "0042"), "safe"),
        ("session_date", "date", ("2026-01-01",), "safe"),
    ],
)
def test_suggested_roles(name: str, kind: str, cells: tuple[str, ...], role: str) -> None:
    suggestion = suggest_role(name, kind, values_of(*cells))
    assert str(suggestion.role) == role
    assert suggestion.reason


def test_free_text_is_scanned_for_names() -> None:
    assert suggest_role("remarks", "string", values_of("fine")).detect == ("name", "free-text")
