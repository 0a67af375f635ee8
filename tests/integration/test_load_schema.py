"""`cdx load` puts each table in the database typed and constrained as its Table Schema says,
in a real DuckDB file and a real PostgreSQL database (127.0.0.1:5432)."""

from __future__ import annotations

import datetime
import hashlib
import json
from collections import Counter
from pathlib import Path
from typing import Any

import duckdb
import psycopg
import pytest

from cdx.core.keys import TrustStore
from cdx.load.loading import load_package
from tests.integration.loading import examples, execute, query

TYPES = {
    "duckdb": {
        "string": "VARCHAR",
        "integer": "BIGINT",
        "number": "DOUBLE",
        "boolean": "BOOLEAN",
        "date": "DATE",
    },
    "postgres": {
        "string": "text",
        "integer": "bigint",
        "number": "double precision",
        "boolean": "boolean",
        "date": "date",
    },
}
CHECKED = ("enum", "minimum", "maximum", "minLength", "maxLength", "pattern")
REFUSED = (duckdb.ConstraintException, psycopg.IntegrityError)


@pytest.fixture(scope="module")
def sealed_examples(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Path]]:
    return examples(tmp_path_factory.mktemp("load-examples"))


def _kind(url: str) -> str:
    return "postgres" if url.startswith("postgresql://") else "duckdb"


def _load_both(url: str, sealed_examples: tuple[Path, dict[str, Path]]) -> dict[str, Any]:
    coalition, sealed = sealed_examples
    trust = TrustStore.load(coalition / "keys" / "kenya-lnob.pub.json")
    return {name: load_package(package, url, trust) for name, package in sealed.items()}


def _schema_of(package: Path) -> dict[str, Any]:
    descriptor = json.loads((package / "datapackage.json").read_text())
    return {r["name"]: r["schema"] for r in descriptor["resources"]}


def _key_columns(url: str, schema: str, table: str, kind: str) -> list[str]:
    rows = query(
        url,
        "SELECT kcu.column_name FROM information_schema.table_constraints tc "
        "JOIN information_schema.key_column_usage kcu ON tc.constraint_name = "
        "kcu.constraint_name AND tc.table_schema = kcu.table_schema "
        f"WHERE tc.table_schema = '{schema}' AND tc.table_name = '{table}' "
        f"AND tc.constraint_type = '{kind}' ORDER BY kcu.ordinal_position",
    )
    return [str(name) for (name,) in rows]


def _checked_columns(url: str, schema: str, table: str) -> Counter[str]:
    if _kind(url) == "postgres":
        rows = query(
            url,
            "SELECT a.attname FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace "
            "JOIN pg_class t ON t.oid = c.conrelid JOIN pg_attribute a ON a.attrelid = t.oid "
            f"AND a.attnum = ANY (c.conkey) WHERE n.nspname = '{schema}' AND t.relname = "
            f"'{table}' AND c.contype = 'c'",
        )
        return Counter(str(name) for (name,) in rows)
    rows = query(
        url,
        "SELECT unnest(constraint_column_names) FROM duckdb_constraints() "
        f"WHERE schema_name = '{schema}' AND table_name = '{table}' AND constraint_type = 'CHECK'",
    )
    return Counter(str(name) for (name,) in rows)


def _comments(url: str, schema: str, table: str) -> dict[str, str | None]:
    if _kind(url) == "postgres":
        sql = (
            "SELECT column_name, col_description(format('%I.%I', table_schema, table_name)"
            "::regclass, ordinal_position) FROM information_schema.columns "
            f"WHERE table_schema = '{schema}' AND table_name = '{table}'"
        )
    else:
        sql = (
            "SELECT column_name, comment FROM duckdb_columns() "
            f"WHERE schema_name = '{schema}' AND table_name = '{table}'"
        )
    return {str(name): comment or None for name, comment in query(url, sql)}


def test_both_examples_load_with_the_types_keys_and_checks_of_their_table_schema(
    into: str, sealed_examples: tuple[Path, dict[str, Path]]
) -> None:
    results = _load_both(into, sealed_examples)
    for dataset, result in results.items():
        assert result.outcome == "loaded"
        for table, spec in _schema_of(sealed_examples[1][dataset]).items():
            columns = {
                str(name): (str(data_type), str(nullable))
                for name, data_type, nullable in query(
                    into,
                    "SELECT column_name, data_type, is_nullable FROM information_schema.columns "
                    f"WHERE table_schema = '{result.schema}' AND table_name = '{table}'",
                )
            }
            assert list(columns) == [f["name"] for f in spec["fields"]]
            primary = spec.get("primaryKey", [])
            expected_checks: Counter[str] = Counter()
            for field in spec["fields"]:
                constraints = field.get("constraints", {})
                data_type, nullable = columns[field["name"]]
                assert data_type == TYPES[_kind(into)][field["type"]], field["name"]
                required = constraints.get("required") or field["name"] in primary
                assert nullable == ("NO" if required else "YES"), field["name"]
                expected_checks[field["name"]] += sum(rule in constraints for rule in CHECKED)
            assert _key_columns(into, result.schema, table, "PRIMARY KEY") == primary
            assert _checked_columns(into, result.schema, table) == +expected_checks
            comments = _comments(into, result.schema, table)
            for field in spec["fields"]:
                if "title" in field:
                    assert comments[field["name"]].startswith(field["title"])  # type: ignore[union-attr]
        assert all(rows > 0 for rows in result.tables.values())


def test_codes_stay_text_dates_are_dates_and_missing_values_are_null(
    into: str, sealed_examples: tuple[Path, dict[str, Path]]
) -> None:
    _load_both(into, sealed_examples)
    codes = query(into, "SELECT DISTINCT facility_code FROM kenya_lnob__health_scorecard.scores")
    assert ("0031",) in codes
    ((first,),) = query(into, "SELECT min(session_date) FROM kenya_lnob__health_scorecard.scores")
    assert isinstance(first, datetime.date)
    csv = (sealed_examples[1]["youth-survey"] / "data" / "responses.csv").read_text()
    empty = sum(1 for line in csv.splitlines()[1:] if line.split(",")[5] == "")
    ((nulls,),) = query(
        into,
        "SELECT count(*) FROM kenya_lnob__youth_survey.responses WHERE employment_status IS NULL",
    )
    assert nulls == empty


@pytest.mark.parametrize(
    ("change", "value"),
    [
        ("score", "9"),  # maximum 5
        ("score", "NULL"),  # required
        ("group", "'aliens'"),  # enum
        ("scorecard_id", "'XX-1'"),  # pattern
        ("scorecard_id", "(SELECT min(scorecard_id) FROM kenya_lnob__health_scorecard.scores)"),
    ],
)
def test_a_row_breaking_the_table_schema_is_refused_by_the_database(
    into: str, sealed_examples: tuple[Path, dict[str, Path]], change: str, value: str
) -> None:
    _load_both(into, sealed_examples)
    good = {
        "scorecard_id": "'SC-99999'",
        "area": "'Kisumu'",
        "facility_code": "'0031'",
        "group": "'women'",
        "indicator": "'waiting-time'",
        "score": "3",
        "participants": "10",
        "session_date": "DATE '2026-04-03'",
        "comment": "NULL",
    }
    columns = ", ".join(f'"{c}"' for c in good)

    def insert(row: dict[str, str]) -> str:
        return (
            f"INSERT INTO kenya_lnob__health_scorecard__v1_0_0.scores ({columns}) "
            f"VALUES ({', '.join(row.values())})"
        )

    with pytest.raises(REFUSED):
        execute(into, insert({**good, change: value}))
    execute(into, insert(good))  # the same row within the schema is accepted
    assert query(
        into,
        "SELECT count(*) FROM kenya_lnob__health_scorecard.scores WHERE scorecard_id = 'SC-99999'",
    ) == [(1,)]


def _with_facilities(package: Path, keys: Path, to: Path) -> Path:
    """The score card with a second table, facilities, that scores refer to by code."""
    import csv

    from tests.conftest import reseal_as
    from tests.integration.loading import copy_package

    copy = copy_package(package, to)
    with (copy / "data" / "scores.csv").open(newline="") as handle:
        codes = sorted({row["facility_code"] for row in csv.DictReader(handle)})
    (copy / "data" / "facilities.csv").write_text(
        "facility_code,name\n" + "".join(f"{code},Facility {code}\n" for code in codes)
    )
    descriptor = json.loads((copy / "datapackage.json").read_text())
    scores = descriptor["resources"][0]
    scores["schema"]["foreignKeys"] = [
        {
            "fields": ["facility_code"],
            "reference": {"resource": "facilities", "fields": ["facility_code"]},
        }
    ]
    descriptor["resources"].append(
        {
            "name": "facilities",
            "type": "table",
            "path": "data/facilities.csv",
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "schema": {
                "fields": [
                    {"name": "facility_code", "type": "string", "constraints": {"required": True}},
                    {"name": "name", "type": "string", "title": "Facility name"},
                ],
                "primaryKey": ["facility_code"],
            },
        }
    )
    data = (copy / "data" / "facilities.csv").read_bytes()
    descriptor["resources"][1]["bytes"] = len(data)
    descriptor["resources"][1]["hash"] = f"sha256:{hashlib.sha256(data).hexdigest()}"
    (copy / "datapackage.json").write_text(json.dumps(descriptor, indent=2))
    reseal_as(copy, "kenya-lnob", "health-scorecard", "1.0.0", keys)
    return copy


def test_foreign_keys_between_tables_are_the_databases_own(
    into: str, sealed_examples: tuple[Path, dict[str, Path]], tmp_path: Path
) -> None:
    coalition, sealed = sealed_examples
    package = _with_facilities(sealed["health-scorecard"], coalition / "keys", tmp_path / "fk")
    trust = TrustStore.load(coalition / "keys" / "kenya-lnob.pub.json")
    result = load_package(package, into, trust)
    assert list(result.tables) == ["facilities", "scores"]  # the referred-to table first
    assert _key_columns(into, result.schema, "scores", "FOREIGN KEY") == ["facility_code"]
    with pytest.raises(REFUSED):
        execute(
            into,
            f"UPDATE {result.schema}.scores SET facility_code = 'NO-SUCH' "
            "WHERE scorecard_id = 'SC-00001'",
        )
