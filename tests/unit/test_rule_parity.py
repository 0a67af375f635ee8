"""Each declared rule (cdx/validations/table/rules.py) holds on every engine it names: its
example breaks it there, with the same findings from both engines; and no engine gives a
code that no rule declares. Generated from the declarations: a new rule is tested here
by declaring it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from cdx.core.findings import Finding
from cdx.validations import package_check
from cdx.validations.package_check import validate_table
from cdx.validations.table.checks import _code, key_checks, label_errors, row_checks
from cdx.validations.table.field_sql import SUPPORTED, fields_sql
from cdx.validations.table.rule import Engine, Rule
from cdx.validations.table.rules import RULES, checked_by
from tests.unit.test_table_parity import FIXTURES, described, reference

EXAMPLED = sorted(code for code, rule in RULES.items() if rule.example is not None)
ON_BOTH = [code for code in EXAMPLED if len(RULES[code].engines) == 2]
ON_ONE = [code for code in EXAMPLED if len(RULES[code].engines) == 1]


def _example_file(rule: Rule, folder: Path) -> tuple[Path, dict[str, Any]]:
    assert rule.example is not None
    csv_path = folder / "example.csv"
    csv_path.write_text(rule.example.text(), encoding="utf-8")
    return csv_path, json.loads(json.dumps(rule.example.schema))  # a plain, fresh copy


def _columnar(csv_path: Path, schema: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> Any:
    """validate_table where the columnar engine may not hand the table to frictionless."""

    def handed_over(*args: Any) -> Any:
        raise AssertionError("the columnar engine handed the example to frictionless")

    with monkeypatch.context() as patched:
        patched.setattr(package_check, "_validate_with_frictionless", handed_over)
        return validate_table(csv_path, schema, None, resource="t", cap=10**6)


def _found_by(engine: Engine, rule: Rule, folder: Path, monkeypatch: Any) -> list[Finding]:
    csv_path, schema = _example_file(rule, folder)
    if engine is Engine.COLUMNAR:
        return list(_columnar(csv_path, schema, monkeypatch)[0])
    return reference(csv_path, schema, None)[0]


def test_every_rule_has_an_example_or_says_why_it_cannot_have_one() -> None:
    for code, rule in RULES.items():
        assert (rule.example is None) == bool(rule.no_example), code
        assert rule.engines, code


@pytest.mark.parametrize("code", ON_BOTH)
def test_a_rule_both_engines_check_gives_the_same_findings_on_its_example(
    code: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rule = RULES[code]
    columnar = _found_by(Engine.COLUMNAR, rule, tmp_path, monkeypatch)
    frictionless = _found_by(Engine.FRICTIONLESS, rule, tmp_path, monkeypatch)
    assert code in {f.code for f in columnar}
    assert described(columnar) == described(frictionless)
    assert all(
        (f.origin, f.severity) == (rule.origin, rule.severity) for f in columnar if f.code == code
    )


@pytest.mark.parametrize("code", ON_ONE)
def test_a_rule_one_engine_checks_is_broken_by_its_example_there(
    code: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rule = RULES[code]
    (engine,) = rule.engines
    found = _found_by(engine, rule, tmp_path, monkeypatch)
    assert code in {f.code for f in found}


def _every_table(folder: Path) -> list[tuple[Path, dict[str, Any]]]:
    tables = []
    for code in EXAMPLED:
        (folder / code).mkdir()
        tables.append(_example_file(RULES[code], folder / code))
    for csv_path in sorted(FIXTURES.glob("*.csv")):
        schema_path = csv_path.with_name(f"{csv_path.stem}.schema.json")
        tables.append((csv_path, json.loads(schema_path.read_text())))
    return tables


def test_every_code_either_engine_gives_is_declared(tmp_path: Path) -> None:
    for csv_path, schema in _every_table(tmp_path):
        found = reference(csv_path, schema, None)[0]
        if csv_path.stat().st_size:  # the columnar engine reads no empty file
            found += validate_table(csv_path, schema, None, resource="t", cap=10**6)[0]
        undeclared = {f.code for f in found} - set(RULES)
        assert not undeclared, f"{csv_path.name}: {undeclared}"


def test_every_check_the_columnar_engine_builds_is_a_rule_it_is_declared_to_check(
    tmp_path: Path,
) -> None:
    """Each field constraint the columnar engine models, a unique field and both keys."""
    limits: dict[str, Any] = {
        "required": True,
        "minimum": 1,
        "maximum": 9,
        "exclusiveMinimum": 0,
        "exclusiveMaximum": 10,
        "minLength": 1,
        "maxLength": 5,
        "pattern": "[a-z]+",
    }
    fields = []
    for kind in ("string", "integer", "number", "boolean", "any"):
        constraints = {name: limits.get(name) for name in SUPPORTED[kind]}
        constraints["enum"] = {"boolean": [True], "string": ["a"], "any": ["a"]}.get(kind, [1])
        fields.append({"name": kind, "type": kind, "constraints": constraints})
    fields[0]["constraints"]["unique"] = True
    schema = {
        "fields": fields,
        "primaryKey": "integer",
        "foreignKeys": [{"fields": "number", "reference": {"resource": "", "fields": "integer"}}],
    }
    csv_path = tmp_path / "every_check.csv"
    csv_path.write_text("string,integer,number,boolean,any\nab,1,1,true,a\n", encoding="utf-8")
    sql = fields_sql(schema, ["string", "integer", "number", "boolean", "any"])
    table = package_check.load_for_checks(csv_path, sql, schema, None)
    try:
        codes = {_code(check) for check in row_checks(len(sql) + 1, sql)}
        codes |= {check.type for check in key_checks(table, sql, schema)}
    finally:
        table.close()
    codes |= {error.type for error in label_errors(["x", "", "x", "y", "z", "w"], ["a", "b", "c"])}
    codes |= {error.type for error in label_errors(["a"], ["a", "b"])}
    assert codes == checked_by(Engine.COLUMNAR)
