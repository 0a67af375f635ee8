"""k-anonymity and cell suppression, checked by recomputing from the published table."""

from __future__ import annotations

import itertools
import json
import random
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cdx.core.coalition import AggregateTable, Generalisation
from cdx.protect.cells import suppress_cells
from cdx.protect.kanonymity import anonymise


def survey(rows: int, seed: int = 7) -> pd.DataFrame:
    rng = random.Random(seed)
    return pd.DataFrame(
        {
            "county": [rng.choice(["Kisumu", "Nairobi", "Turkana", "Kilifi"]) for _ in range(rows)],
            "age": [str(rng.randrange(15, 80)) for _ in range(rows)],
            "sex": [
                rng.choices(["female", "male", "intersex"], [49, 49, 2])[0] for _ in range(rows)
            ],
            "answer": [rng.choice(["yes", "no"]) for _ in range(rows)],
        }
    )


@pytest.mark.parametrize("k", [2, 5, 10])
def test_no_published_class_is_smaller_than_k(k: int) -> None:
    rules = [Generalisation(column="age", band=10), Generalisation(column="age", band=20)]
    published, outcome = anonymise(survey(500), ["county", "age", "sex"], k, rules)
    recomputed = published.groupby(["county", "age", "sex"]).size()
    assert recomputed.min() >= k
    assert outcome.smallest_class == recomputed.min()
    assert outcome.records_suppressed == 500 - len(published)
    assert outcome.smallest_class_before is not None and outcome.smallest_class_before < k


def test_generalisation_follows_the_rules_and_is_counted() -> None:
    rules = [
        Generalisation(column="age", band=10),
        Generalisation(column="county", map={"Kisumu": "Nyanza", "Nairobi": "Nairobi"}),
    ]
    published, outcome = anonymise(survey(400), ["county", "age", "sex"], 5, rules)
    assert set(published["age"]) <= {f"{low}-{low + 9}" for low in range(10, 80, 10)}
    assert outcome.rules_applied[0]["column"] == "age"
    assert outcome.records_generalised > 0
    assert set(published["county"]) <= {"Nyanza", "Nairobi", "other"}


def test_a_rule_that_protects_no_one_leaves_the_column_alone() -> None:
    frame = pd.DataFrame({"county": ["A"] * 6 + ["B"], "sex": ["f"] * 7})
    rule = Generalisation(column="sex", map={"f": "f"})
    published, outcome = anonymise(frame, ["county", "sex"], 5, [rule])
    assert outcome.rules_applied == [] and outcome.records_suppressed == 1
    assert list(published["county"]) == ["A"] * 6


def recoverable_cells(published: pd.DataFrame, dims: list[str], count: str) -> list[int]:
    """Independent check: a hidden cell is recoverable when its unit vector lies in the
    row space of the line-total equations (rank does not grow when it is added)."""
    hidden = np.flatnonzero((published[count] == "").to_numpy())
    if hidden.size == 0:
        return []
    rows = []
    for dim in dims:
        others = [d for d in dims if d != dim]
        keys = (
            published[others].astype(str).agg("|".join, axis=1)
            if others
            else pd.Series([""] * len(published))
        )
        for key in set(keys.iloc[hidden]):
            rows.append([1.0 if keys.iloc[i] == key else 0.0 for i in hidden])
    matrix = np.array(rows)
    rank = np.linalg.matrix_rank(matrix)
    found = []
    for position, row in enumerate(hidden):
        unit = np.zeros(hidden.size)
        unit[position] = 1
        if np.linalg.matrix_rank(np.vstack([matrix, unit])) == rank:
            found.append(int(row))
    return found


def crosstab(seed: int, shape: tuple[int, ...], small: float) -> pd.DataFrame:
    rng = random.Random(seed)
    names = ["county", "group", "sex"][: len(shape)]
    cells = []
    for combo in itertools.product(*(range(n) for n in shape)):
        count = rng.randrange(1, 10) if rng.random() < small else rng.randrange(10, 200)
        if rng.random() < 0.05:
            count = 0
        cells.append({**{n: f"{n}{v}" for n, v in zip(names, combo, strict=True)}, "people": count})
    frame = pd.DataFrame(cells).astype(str)
    frame["mean_score"] = "3.2"
    return frame


@pytest.mark.parametrize(
    ("seed", "shape", "small"),
    [(1, (5, 4), 0.15), (2, (8, 6), 0.3), (3, (4, 3, 2), 0.2), (4, (10,), 0.2), (5, (6, 6), 0.5)],
)
def test_no_small_cell_is_published_and_none_can_be_recovered(
    seed: int, shape: tuple[int, ...], small: float
) -> None:
    frame = crosstab(seed, shape, small)
    dims = [c for c in frame.columns if c not in ("people", "mean_score")]
    table = AggregateTable(dimensions=dims, count="people", values=["mean_score"])
    published, outcome = suppress_cells(frame, table, threshold=10)
    assert not outcome.unprotectable
    shown = pd.to_numeric(published["people"].replace("", np.nan)).dropna()
    assert ((shown == 0) | (shown >= 10)).all()
    assert (published["mean_score"] == "").equals(published["people"] == "")
    assert recoverable_cells(published, dims, "people") == []
    primary = int(((frame["people"].astype(int) > 0) & (frame["people"].astype(int) < 10)).sum())
    assert outcome.primary == primary
    assert int((published["people"] == "").sum()) == outcome.primary + outcome.secondary


def test_a_lone_small_cell_gets_a_complement_in_its_row() -> None:
    frame = pd.DataFrame(
        {
            "county": ["A", "A", "A", "B", "B", "B"],
            "group": ["x", "y", "z", "x", "y", "z"],
            "people": ["3", "40", "50", "60", "70", "80"],
        }
    )
    table = AggregateTable(dimensions=["county", "group"], count="people")
    published, outcome = suppress_cells(frame, table, threshold=10)
    assert outcome.primary == 1 and outcome.secondary == 3  # a 2×2 rectangle
    assert sorted(published.index[published["people"] == ""]) == [0, 1, 3, 4]


def test_the_gate_suppresses_an_aggregate_table_named_by_the_policy(tmp_path: Path) -> None:
    from cdx.core.coalition import PrivacyPolicy
    from cdx.protect.gate import protect_package

    frame = crosstab(11, (6, 5), 0.25)
    (tmp_path / "data").mkdir()
    frame.to_csv(tmp_path / "data" / "by-county.csv", index=False, lineterminator="\n")
    roles = {"county": "quasi-identifier", "group": "quasi-identifier"}
    schema = {
        "fields": [
            {"name": name, "type": "string", "cdx:role": roles.get(name, "safe")}
            for name in frame.columns
        ]
    }
    descriptor = {
        "citizenData": {"consentBasis": "informed-verbal", "collectionMethod": "survey"},
        "resources": [{"name": "by-county", "path": "data/by-county.csv", "schema": schema}],
    }
    (tmp_path / "datapackage.json").write_text(json.dumps(descriptor))
    table = AggregateTable(dimensions=["county", "group"], count="people", values=["mean_score"])
    policy = PrivacyPolicy(aggregates={"by-county": table})
    decision, findings = protect_package(
        tmp_path, policy, dataset="x/y", country="KE", pseudonym_key=lambda: b"unused" * 4
    )
    assert decision.accepted, findings
    published = pd.read_csv(tmp_path / "data" / "by-county.csv", dtype=str, keep_default_na=False)
    shown = pd.to_numeric(published["people"].replace("", np.nan)).dropna()
    assert ((shown == 0) | (shown >= 10)).all()
    assert recoverable_cells(published, ["county", "group"], "people") == []
    cells = decision.resources[0].cell_suppression
    assert cells is not None and cells["primarySuppressed"] > 0
    assert decision.residual_risk()["cellsSuppressed"] == int((published["people"] == "").sum())
