"""Several counts of people per aggregate cell; age bands at given breaks; the schema of a
generalised column."""

from __future__ import annotations

import io

import pandas as pd
import pytest
from pydantic import ValidationError

from cdx.core.coalition import AggregateTable, Generalisation
from cdx.protect.cells import line_ids, recoverable, suppress_cells
from cdx.protect.kanonymity import generalise, generalised_field_schema

BARRIERS = """county,group,participants,reported_barrier,share_reporting
Kisumu,women,40,12,0.30
Kisumu,youth,35,1,0.03
Kisumu,persons-with-disabilities,22,2,0.09
Turkana,women,31,14,0.45
Turkana,youth,28,8,0.29
Turkana,persons-with-disabilities,19,11,0.58
"""


def barriers() -> pd.DataFrame:
    return pd.read_csv(io.StringIO(BARRIERS), dtype=str, keep_default_na=False)


def test_every_count_column_is_kept_at_or_above_the_threshold() -> None:
    table = AggregateTable(
        dimensions=["county", "group"],
        counts=["participants", "reported_barrier"],
        values=["share_reporting"],
    )
    published, outcome = suppress_cells(barriers(), table, 10)
    for column in table.count_columns:
        shown = pd.to_numeric(published[column].replace("", None)).dropna()
        assert ((shown == 0) | (shown >= 10)).all()
        hidden = (published[column] == "").to_numpy()
        lines = line_ids(published, table.dimensions)
        assert recoverable(hidden, lines).size == 0  # no hidden count is worked out
    assert outcome.by_count["reported_barrier"]["primarySuppressed"] == 3
    assert outcome.by_count["participants"]["primarySuppressed"] == 0
    assert (published["participants"] != "").all()
    assert (published.loc[published["reported_barrier"] == "", "share_reporting"] == "").all()


def test_one_count_is_still_written_as_count() -> None:
    table = AggregateTable(dimensions=["county"], count="participants")
    assert table.count_columns == ["participants"]
    with pytest.raises(ValidationError):
        AggregateTable(dimensions=["county"], count="a", counts=["b"])
    with pytest.raises(ValidationError):
        AggregateTable(dimensions=["county"])


def test_breaks_make_the_sdg_youth_band() -> None:
    rule = Generalisation(column="age", breaks=[0, 15, 25, 65])
    ages = pd.Series(["14", "15", "24", "25", "64", "65", "90", "", "-1"])
    assert list(generalise(ages, rule)) == [
        "0-14",
        "15-24",
        "15-24",
        "25-64",
        "25-64",
        "65+",
        "65+",
        "",
        "under 0",
    ]


def test_breaks_between_fractions_are_named_as_such() -> None:
    rule = Generalisation(column="distance_km", breaks=[0, 2.5, 5])
    assert list(generalise(pd.Series(["1", "3.2", "7"]), rule)) == [
        "0 to under 2.5",
        "2.5 to under 5",
        "5+",
    ]


@pytest.mark.parametrize(
    "rule",
    [
        {"column": "age", "breaks": [15, 15, 25]},
        {"column": "age", "breaks": [0]},
        {"column": "age", "band": 10, "breaks": [0, 15]},
    ],
)
def test_breaks_must_increase_and_stand_alone(rule: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        Generalisation.model_validate(rule)


def test_a_generalised_column_says_what_it_now_holds() -> None:
    field = {
        "name": "age",
        "type": "integer",
        "title": "Age in completed years",
        "constraints": {"required": True, "minimum": 10},
    }
    applied = {"rule": "bands starting at 0, 15, 25, 65", "labels": ["15-24", "25-64"]}
    generalised_field_schema(field, applied)
    assert field["type"] == "string"
    assert field["constraints"] == {"required": True}
    assert field["title"] == "Age in completed years (bands starting at 0, 15, 25, 65)"
    assert field["description"] == (
        "Generalised for privacy (k-anonymity): the original integer values are published "
        "as bands starting at 0, 15, 25, 65: 15-24, 25-64."
    )
