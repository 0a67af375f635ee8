from __future__ import annotations

import json
from pathlib import Path

import pytest

from cdx.core.coalition import coalition_json_schema, load_coalition
from cdx.core.errors import ConfigError, ConfigNotFound, UnknownDataset

REPO = Path(__file__).resolve().parents[2]


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "coalition.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def example_text() -> str:
    return (REPO / "examples/kenya-lnob/coalition.yaml").read_text(encoding="utf-8")


def test_the_example_coalition_loads() -> None:
    coalition = load_coalition(REPO / "examples/kenya-lnob/coalition.yaml")
    assert coalition.id == "kenya-lnob"
    assert sorted(coalition.config.datasets) == ["health-scorecard", "youth-survey"]


def test_an_unknown_key_is_named_with_its_line(tmp_path: Path) -> None:
    text = example_text().replace("  licence: CC-BY-4.0\n", "  licence: CC-BY-4.0\n  licnse: x\n")
    line = text.splitlines().index("  licnse: x") + 1
    with pytest.raises(ConfigError) as caught:
        load_coalition(write(tmp_path, text))
    assert "unknown key `coalition.licnse`" in caught.value.message
    assert f"line {line}" in caught.value.message
    assert caught.value.code == "config-invalid"


def test_a_missing_required_field_is_named(tmp_path: Path) -> None:
    text = example_text().replace("      consent_basis: informed-written-consent\n", "")
    with pytest.raises(ConfigError) as caught:
        load_coalition(write(tmp_path, text))
    assert "datasets.youth-survey.metadata.consent_basis` is missing" in caught.value.message


@pytest.mark.parametrize("name", ["../escape", "a/b", "Health Scorecard", ".."])
def test_a_dataset_name_that_could_escape_a_directory_is_refused(tmp_path: Path, name: str) -> None:
    text = example_text().replace("  health-scorecard:\n", f"  {json.dumps(name)}:\n")
    with pytest.raises(ConfigError) as caught:
        load_coalition(write(tmp_path, text))
    assert "not a safe name" in caught.value.message


@pytest.mark.parametrize("version", ["1.0", "../1.0.0", "1.0.0/x", "v1.0.0"])
def test_a_version_that_is_not_semantic_is_refused(tmp_path: Path, version: str) -> None:
    text = example_text().replace("version: 1.0.0", f"version: {json.dumps(version)}", 1)
    with pytest.raises(ConfigError) as caught:
        load_coalition(write(tmp_path, text))
    assert "not a semantic version" in caught.value.message


def test_broken_yaml_points_at_its_line(tmp_path: Path) -> None:
    path = write(tmp_path, "coalition:\n  id: [unclosed\n")
    with pytest.raises(ConfigError) as caught:
        load_coalition(path)
    assert caught.value.where is not None and caught.value.where.startswith(str(path))


def test_a_missing_file_says_how_to_create_one(tmp_path: Path) -> None:
    with pytest.raises(ConfigNotFound) as caught:
        load_coalition(tmp_path / "coalition.yaml")
    assert "cdx init" in (caught.value.hint or "")


def test_an_unknown_dataset_lists_the_known_ones() -> None:
    coalition = load_coalition(REPO / "examples/kenya-lnob/coalition.yaml")
    with pytest.raises(UnknownDataset) as caught:
        coalition.dataset("scorecard")
    assert "health-scorecard, youth-survey" in (caught.value.hint or "")


def test_the_published_json_schema_is_generated_from_the_models() -> None:
    on_disk = json.loads((REPO / "schemas/coalition.schema.json").read_text(encoding="utf-8"))
    assert on_disk == json.loads(json.dumps(coalition_json_schema(), default=str)), (
        "regenerate it: cdx schema > schemas/coalition.schema.json"
    )
