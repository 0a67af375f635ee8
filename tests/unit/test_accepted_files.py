"""A suite GX, or a Table Schema frictionless, has accepted once is not checked again, so
clean runs need not import either library."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from cdx.core.errors import SchemaInvalid, SuiteInvalid
from cdx.packaging.descriptor import TABLE_SCHEMA_V2, load_table_schema
from cdx.validations.expectations.suites import load_suite

REPO = Path(__file__).parents[2]
NOT_NULL = {"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "a"}}


def _load_in_a_fresh_process(
    path: Path, cache: Path, *, loader: str = "cdx.validations.expectations.suites.load_suite"
) -> dict[str, object]:
    """The loader in a new interpreter: did it succeed, was GX or frictionless imported?"""
    module, name = loader.rsplit(".", 1)
    script = (
        "import json, sys\n"
        "from pathlib import Path\n"
        f"from {module} import {name}\n"
        "from cdx.core.errors import CdxError\n"
        "try:\n"
        f"    {name}(Path({str(path)!r})); ok = True\n"
        "except CdxError:\n"
        "    ok = False\n"
        "print(json.dumps({'ok': ok, 'gx': 'great_expectations' in sys.modules,"
        " 'frictionless': 'frictionless' in sys.modules}))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        cwd=REPO,
        env={**os.environ, "CDX_CACHE_DIR": str(cache)},
        check=True,
    )
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def test_an_accepted_suite_loads_again_without_importing_gx(tmp_path: Path) -> None:
    suite = tmp_path / "s.json"
    suite.write_text(json.dumps({"name": "s", "expectations": [NOT_NULL]}))
    first = _load_in_a_fresh_process(suite, tmp_path / "cache")
    again = _load_in_a_fresh_process(suite, tmp_path / "cache")
    assert first == {"ok": True, "gx": True, "frictionless": False}
    assert again == {"ok": True, "gx": False, "frictionless": False}


def test_an_accepted_table_schema_loads_again_without_importing_frictionless(
    tmp_path: Path,
) -> None:
    schema = tmp_path / "schema.json"
    schema.write_text(json.dumps({"fields": [{"name": "age", "type": "integer"}]}))
    loader = "cdx.packaging.descriptor.load_table_schema"
    first = _load_in_a_fresh_process(schema, tmp_path / "cache", loader=loader)
    again = _load_in_a_fresh_process(schema, tmp_path / "cache", loader=loader)
    assert first == {"ok": True, "gx": False, "frictionless": True}
    assert again == {"ok": True, "gx": False, "frictionless": False}


def test_a_table_schema_frictionless_refuses_is_refused_every_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CDX_CACHE_DIR", str(tmp_path / "cache"))
    schema = tmp_path / "schema.json"
    schema.write_text(json.dumps({"fields": [{"name": "age", "type": "whole number"}]}))
    for _ in range(2):
        with pytest.raises(SchemaInvalid, match="is not a valid Table Schema"):
            load_table_schema(schema)
    assert not (tmp_path / "cache").exists()


def test_a_table_schema_is_read_as_version_2_as_the_package_is(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """exclusiveMaximum is a version 2 constraint, and a cdx package is version 2: it is
    read (frictionless refused it as "descriptor is not valid"). A schema that names
    version 1 is refused with frictionless' reason and the profile to declare."""
    monkeypatch.setenv("CDX_CACHE_DIR", str(tmp_path / "cache"))
    schema = tmp_path / "schema.json"
    field = {"name": "age", "type": "integer", "constraints": {"exclusiveMaximum": 120}}
    schema.write_text(json.dumps({"fields": [field]}))
    assert load_table_schema(schema)["fields"] == [field]
    version_1 = "https://datapackage.org/profiles/1.0/tableschema.json"
    schema.write_text(json.dumps({"$schema": version_1, "fields": [field]}))
    with pytest.raises(SchemaInvalid) as caught:
        load_table_schema(schema)
    assert 'constraint "exclusiveMaximum" requires datapackage v2' in caught.value.message
    assert f'declare "$schema": "{TABLE_SCHEMA_V2}"' in (caught.value.hint or "")


def test_a_changed_suite_is_checked_again_and_refusals_are_not_remembered(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CDX_CACHE_DIR", str(tmp_path / "cache"))
    suite = tmp_path / "s.json"
    suite.write_text(json.dumps({"name": "s", "expectations": [NOT_NULL]}))
    load_suite(suite)
    bad = {"type": "expect_column_values_to_be_between", "kwargs": {"column": "a", "colour": 1}}
    suite.write_text(json.dumps({"name": "s", "expectations": [NOT_NULL, bad]}))
    for _ in range(2):
        with pytest.raises(SuiteInvalid, match="index 1"):
            load_suite(suite)
    assert len(list((tmp_path / "cache" / "accepted-by-great-expectations").iterdir())) == 1


def test_a_bound_not_written_in_its_fields_format_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """frictionless reads no such bound, then stops validating with a TypeError at the
    first cell it compares with it."""
    monkeypatch.setenv("CDX_CACHE_DIR", str(tmp_path / "cache"))
    schema = tmp_path / "schema.json"
    visited = {"name": "visited", "type": "date", "format": "%d %b %Y"}
    visited["constraints"] = {"minimum": "2020-01-01"}
    schema.write_text(json.dumps({"fields": [visited]}))
    with pytest.raises(SchemaInvalid) as caught:
        load_table_schema(schema)
    assert (
        'the minimum "2020-01-01" of field `visited` is not a date written "%d %b %Y"'
        in caught.value.message
    )
    visited["constraints"] = {"minimum": "01 Jan 2020"}
    schema.write_text(json.dumps({"fields": [visited]}))
    assert load_table_schema(schema)["fields"] == [visited]


def test_a_pattern_python_cannot_wrap_as_frictionless_does_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """frictionless matches ^PATTERN$, and Python's re takes a flag only at the very start:
    with "(?i)[a-z]+" it stopped validating with re.error, and the columnar engine read it."""
    monkeypatch.setenv("CDX_CACHE_DIR", str(tmp_path / "cache"))
    schema = tmp_path / "schema.json"
    district = {"name": "district", "type": "string", "constraints": {"pattern": "(?i)[a-z]+"}}
    schema.write_text(json.dumps({"fields": [district]}))
    with pytest.raises(SchemaInvalid) as caught:
        load_table_schema(schema)
    assert "the pattern '(?i)[a-z]+' of field `district` cannot be used" in caught.value.message
    assert "(?i:[a-z]+)" in (caught.value.hint or "")
    district["constraints"] = {"pattern": "(?i:[a-z]+)"}
    schema.write_text(json.dumps({"fields": [district]}))
    assert load_table_schema(schema)["fields"] == [district]
