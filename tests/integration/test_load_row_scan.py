"""A signed package whose rows break its own Table Schema is refused at load, nothing
written; in PostgreSQL the CHECKs DuckDB tested are NOT VALID, the others validated."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cdx.core.errors import LoadFailed, LoadRowsBreakSchema
from cdx.core.keys import TrustStore
from cdx.load.loading import load_package
from tests.conftest import reseal_as
from tests.integration.loading import (
    copy_package,
    examples,
    execute,
    query,
    resealed,
    rewrite_data,
    schemas,
)


@pytest.fixture(scope="module")
def sealed_examples(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Path]]:
    return examples(tmp_path_factory.mktemp("load-row-scan"))


@pytest.fixture
def keys(sealed_examples: tuple[Path, dict[str, Path]]) -> Path:
    return sealed_examples[0] / "keys"


@pytest.fixture
def trust(sealed_examples: tuple[Path, dict[str, Path]]) -> TrustStore:
    return TrustStore.load(sealed_examples[0] / "keys" / "kenya-lnob.pub.json")


@pytest.fixture
def scorecard(sealed_examples: tuple[Path, dict[str, Path]]) -> Path:
    return sealed_examples[1]["health-scorecard"]


@pytest.mark.parametrize(
    ("broken_row", "named"),
    [
        ("XX-00002,Kisumu,0031,women,staff-attitude,4,25,2026-04-03,", "scorecard_id pattern"),
        ("SC-00002,Kisumu,0031,aliens,staff-attitude,4,25,2026-04-03,", "group enum"),
        ("SC-00002,Kisumu,0031,women,staff-attitude,4,999,2026-04-03,", "participants maximum"),
    ],
)
def test_rows_breaking_their_own_pattern_enum_or_bound_are_refused_with_nothing_written(
    into: str,
    scorecard: Path,
    tmp_path: Path,
    trust: TrustStore,
    keys: Path,
    broken_row: str,
    named: str,
) -> None:
    def rewrite(text: str) -> str:
        line = next(row for row in text.splitlines() if row.startswith("SC-00002,"))
        return text.replace(line, broken_row)

    broken, _ = resealed(scorecard, tmp_path / "broken", "2.0.0", keys, rewrite=("scores", rewrite))
    with pytest.raises(LoadFailed) as refused:
        load_package(broken, into, trust)
    assert schemas(into) == set()
    if into.startswith("postgresql://"):  # found by cdx's row scan, named in the message
        assert isinstance(refused.value, LoadRowsBreakSchema)
        assert refused.value.code == "load-rows-break-schema"
        assert f"1 break scores.{named}" in str(refused.value)


def test_postgres_checks_tested_by_the_scan_are_not_valid_and_still_guard_new_rows(
    postgres_database: str, scorecard: Path, trust: TrustStore
) -> None:
    load_package(scorecard, postgres_database, trust)
    rows = query(
        postgres_database,
        "SELECT contype, convalidated FROM pg_constraint "
        "WHERE conrelid = 'kenya_lnob__health_scorecard__v1_0_0.scores'::regclass",
    )
    assert {validated for kind, validated in rows if kind == "c"} == {False}
    assert [validated for kind, validated in rows if kind == "p"] == [True]
    bad_id = "INSERT INTO kenya_lnob__health_scorecard__v1_0_0.scores VALUES " + (
        "('XX-9', 'Kisumu', '0031', 'women', 'waiting-time', 3, 10, DATE '2026-04-03', NULL)"
    )
    import psycopg

    with pytest.raises(psycopg.errors.CheckViolation):
        execute(postgres_database, bad_id)


def _with_lookahead(scorecard: Path, to: Path, keys: Path, rewrite: bool) -> Path:
    """The score card whose id pattern has a look-ahead, which PostgreSQL's regular
    expressions read and RE2 (DuckDB) does not; the second row's id broken if asked."""
    package = copy_package(scorecard, to)
    descriptor = json.loads((package / "datapackage.json").read_text())
    fields = {f["name"]: f for f in descriptor["resources"][0]["schema"]["fields"]}
    fields["scorecard_id"]["constraints"]["pattern"] = "(?=SC-)[A-Z]{2}-[0-9]{5}"
    (package / "datapackage.json").write_text(json.dumps(descriptor, indent=2))
    if rewrite:
        rewrite_data(package, "scores", lambda text: text.replace("SC-00002,", "XY-00002,", 1))
    reseal_as(package, "kenya-lnob", "health-scorecard", "2.0.0", keys)
    return package


def test_a_pattern_duckdb_cannot_read_stays_a_check_postgres_validates(
    postgres_database: str, scorecard: Path, tmp_path: Path, trust: TrustStore, keys: Path
) -> None:
    broken = _with_lookahead(scorecard, tmp_path / "broken", keys, rewrite=True)
    with pytest.raises(LoadFailed) as refused:
        load_package(broken, postgres_database, trust)
    assert not isinstance(refused.value, LoadRowsBreakSchema)  # PostgreSQL refused it
    assert "check constraint" in str(refused.value)
    assert schemas(postgres_database) == set()
    good = _with_lookahead(scorecard, tmp_path / "good", keys, rewrite=False)
    load_package(good, postgres_database, trust)
    assert query(
        postgres_database,
        "SELECT convalidated FROM pg_constraint WHERE contype = 'c' AND "
        "conrelid = 'kenya_lnob__health_scorecard__v2_0_0.scores'::regclass "
        "AND pg_get_constraintdef(oid) LIKE '%(?=SC-)%'",
    ) == [(True,)]
