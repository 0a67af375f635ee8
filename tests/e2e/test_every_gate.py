"""`cdx validate` runs every gate `cdx publish` runs, and a refusal says what to fix.

A new coalition's case: a 40-row Nepal score card (district, ward, group, indicator,
score, participants, comment), with only the README and --help to go on.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.e2e.test_cli import cdx

COALITION = """\
coalition:
  id: nepal-lnob
  name: Leave No One Behind Nepal
  country: NP
  contact: {name: Data officer, email: data@lnob-nepal.example.org}
  licence: CC-BY-4.0
signing: {key: keys/nepal-lnob.key}
pseudonymisation: {key: keys/nepal-lnob.pseudonym.key}
catalogues: {local: ../catalogue}
datasets:
  health-scorecard:
    title: SDG community score card, four districts, 2026
    description: Scores that women's groups gave to two indicators in twenty wards.
    version: 1.0.0
    sources:
      - path: data/scorecard.csv
        name: scores
    metadata:
      collection_method: community-scorecard
      collection_period: {start: 2026-01-01, end: 2026-03-31}
      geographic_coverage: {country: NP, areas: [Kaski, Kavre, Dang, Jumla]}
      population: Women's groups in twenty wards
      disaggregation: [district, ward, indicator]
      sdg_indicators: ["4.1.1"]
      consent_basis: informed-verbal-consent-of-groups
      participation_level: design-and-collection
    privacy: {}
"""
DISTRICTS = ["Kaski", "Kavre", "Dang", "Jumla"]
INDICATORS = ["school-attendance", "health-post-staff"]


def nepal_scorecard(comment_of_row: dict[int, str] | None = None) -> str:
    """40 rows: 4 districts × 5 wards × 2 indicators; each district × ward has 2 rows."""
    lines = ["district,ward,group,indicator,score,participants,comment"]
    for district in DISTRICTS:
        for ward in range(1, 6):
            for indicator in INDICATORS:
                row = len(lines) + 1
                comment = (comment_of_row or {}).get(row, "Discussed in the ward meeting")
                lines.append(
                    f"{district},{ward},women,{indicator},{row % 5 + 1},{8 + row % 20},{comment}"
                )
    return "\n".join(lines) + "\n"


@pytest.fixture
def nepal(tmp_path: Path) -> Path:
    target = tmp_path / "nepal-lnob"
    (target / "data").mkdir(parents=True)
    (target / "coalition.yaml").write_text(COALITION)
    (target / "data" / "scorecard.csv").write_text(nepal_scorecard())
    assert cdx("init", ".", "--id", "nepal-lnob", cwd=target).returncode == 0
    return target


def use_schema(workspace: Path, schema: Path) -> None:
    config = workspace / "coalition.yaml"
    config.write_text(
        config.read_text().replace(
            "        name: scores\n", f"        name: scores\n        schema: {schema}\n"
        )
    )


def starter_schema(workspace: Path, **roles: str) -> dict:  # type: ignore[type-arg]
    """`cdx schema infer` into schemas/scores.json, with some roles changed; the schema."""
    (workspace / "schemas").mkdir(exist_ok=True)
    out = workspace / "schemas" / "scores.json"
    inferred = cdx("schema", "infer", "health-scorecard", "--out", str(out), cwd=workspace)
    assert inferred.returncode == 0, inferred.stdout + inferred.stderr
    schema = json.loads(out.read_text())
    for spec in schema["fields"]:
        spec["cdx:role"] = roles.get(spec["name"], spec["cdx:role"])
    out.write_text(json.dumps(schema))
    use_schema(workspace, Path("schemas/scores.json"))
    return schema


def findings_printed(result: subprocess.CompletedProcess[str]) -> list[str]:
    return [line for line in result.stdout.splitlines() if line.startswith("✗")]


def test_unclassified_columns_make_validate_invalid_and_publish_prints_the_same_finding(
    nepal: Path, tmp_path: Path
) -> None:
    validated = cdx("validate", "health-scorecard", cwd=nepal)
    assert validated.returncode == 1, validated.stdout + validated.stderr
    (line,) = findings_printed(validated)
    assert "7 column(s) have no privacy role: `district`, `ward`, `group`" in line
    assert line.endswith("[privacy-unclassified]")
    assert "not protected yet" in validated.stdout

    published = cdx("publish", "health-scorecard", cwd=nepal)
    assert published.returncode == 1
    assert findings_printed(published) == [line]
    assert "invalid — 1 error, 0 warnings" in published.stdout
    assert "[dataset-invalid]" in published.stderr
    assert "has 1 error (1 privacy finding)" in published.stderr
    assert "validation.html" in published.stderr
    assert "Traceback" not in published.stdout + published.stderr
    assert not (tmp_path / "catalogue").exists()


def test_publish_json_is_one_document_with_the_findings(nepal: Path) -> None:
    published = cdx("publish", "health-scorecard", "--json", cwd=nepal)
    assert published.returncode == 1
    outcome = json.loads(published.stdout)["health-scorecard"]
    assert outcome["ok"] is False and outcome["error"]["code"] == "dataset-invalid"
    assert outcome["report"]["summary"]["by_code"] == {"privacy-unclassified": 1}
    assert outcome["error"]["where"].endswith("validation.html")


def test_schema_infer_suggests_a_role_per_column_with_its_reason(nepal: Path) -> None:
    result = cdx("schema", "infer", "data/scorecard.csv", cwd=nepal)
    assert result.returncode == 0, result.stderr
    fields = {spec["name"]: spec for spec in json.loads(result.stdout)["fields"]}
    assert {name: spec["cdx:role"] for name, spec in fields.items()} == {
        "district": "quasi-identifier",
        "ward": "quasi-identifier",
        "group": "safe",
        "indicator": "safe",
        "score": "safe",
        "participants": "safe",
        "comment": "sensitive",
    }
    assert fields["comment"]["cdx:detect"] == ["name", "free-text"]
    assert "an area (ward)" in fields["ward"]["cdx:roleReason"]
    assert "  district      quasi-identifier: an area (district)" in result.stderr
    assert fields["ward"]["type"] == "integer"


def test_suppressing_every_record_refuses_with_the_classes_and_the_fix(
    nepal: Path, tmp_path: Path
) -> None:
    """Every district × ward has 2 records (< k = 5): k-anonymity would suppress all 40."""
    starter_schema(nepal)
    validated = cdx("validate", "health-scorecard", cwd=nepal)
    assert validated.returncode == 1, validated.stdout + validated.stderr
    (line,) = findings_printed(validated)
    assert "would suppress 40 of 40 records (100%), and publish a table with no rows" in line
    assert "Smallest classes: district=Dang, ward=1: 2 records; district=Dang, ward=2" in line
    assert "generalise `ward`: map its values to coarser ones (wards to municipalities" in line
    assert "or drop `ward` from the quasi-identifiers" in line
    assert line.endswith("[privacy-table-emptied]")
    assert "40 → 0 rows" in validated.stdout
    assert "40 suppressed (100.0%; limit 5%), smallest class —" in validated.stdout  # not None

    published = cdx("publish", "health-scorecard", cwd=nepal)
    assert published.returncode == 1
    assert findings_printed(published) == [line]
    assert not (tmp_path / "catalogue").exists()


def test_a_phone_in_a_comment_makes_validate_invalid_with_the_finding(nepal: Path) -> None:
    data = nepal / "data" / "scorecard.csv"
    data.write_text(nepal_scorecard({7: "Call the chair on 9841234567"}))
    starter_schema(nepal, ward="safe")
    validated = cdx("validate", "health-scorecard", cwd=nepal)
    assert validated.returncode == 1, validated.stdout + validated.stderr
    (line,) = findings_printed(validated)
    assert line.startswith("✗ file `scores`, row 7, column `comment`: a phone number (")
    assert "9841234567" not in validated.stdout
    assert line.endswith("[personal-data-phone]")


def test_what_validate_accepts_publish_publishes(nepal: Path, tmp_path: Path) -> None:
    starter_schema(nepal, ward="safe")
    validated = cdx("validate", "health-scorecard", cwd=nepal)
    assert validated.returncode == 0, validated.stdout + validated.stderr
    assert "k = 5 on `district`: 0 records generalised, 0 suppressed" in validated.stdout
    published = cdx("publish", "health-scorecard", cwd=nepal)
    assert published.returncode == 0, published.stdout + published.stderr
    assert "nepal-lnob/health-scorecard@1.0.0 → local: published" in published.stdout
    rows = (tmp_path / "catalogue/nepal-lnob/health-scorecard/1.0.0/data/scores.csv").read_text()
    assert len(rows.splitlines()) == 41


def test_a_row_with_an_extra_cell_is_reported_with_the_privacy_findings(nepal: Path) -> None:
    """The gate checks data that failed validation too, so one round shows every finding;
    a row pandas cannot read as the header says must not stop it."""
    data = nepal / "data" / "scorecard.csv"
    lines = data.read_text().splitlines()
    lines[5] += ",extra"
    data.write_text("\n".join(lines) + "\n")
    validated = cdx("validate", "health-scorecard", cwd=nepal)
    assert validated.returncode == 1, validated.stdout + validated.stderr
    codes = [line.rsplit("[", 1)[1] for line in findings_printed(validated)]
    assert codes == ["extra-cell]", "privacy-unclassified]"]
    assert "cdx schema infer DATASET --out FILE" in validated.stdout
    assert "Traceback" not in validated.stdout + validated.stderr


def test_schema_infer_writes_into_a_folder_it_creates_as_the_readme_shows(nepal: Path) -> None:
    result = cdx("schema", "infer", "data/scorecard.csv", "--out", "schemas/mine.json", cwd=nepal)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert json.loads((nepal / "schemas" / "mine.json").read_text())["fields"]


def test_the_init_template_with_its_builtin_schema_says_to_write_one_that_fits(
    nepal: Path,
) -> None:
    """The first try `cdx init`'s commented example leads to: the shared score card schema
    on a file of another layout, which breaks it on every row. The officer is told which
    command writes a schema of the file's own columns, by validate and by publish alike."""
    template = (nepal / "keys").parent / "template"
    template.mkdir()
    assert cdx("init", str(template), "--id", "nepal-lnob", cwd=nepal).returncode == 0
    assert "cdx schema infer data/scorecard.csv --out" in (template / "coalition.yaml").read_text()
    use_schema(nepal, Path("builtin:community-scorecard"))
    advice = (
        "If the file is laid out as it should be, write a schema that fits it: "
        "`cdx schema infer health-scorecard --out schemas/scores.json`, confirm each "
        "suggested role, then set `schema: schemas/scores.json` on its source"
    )
    for command in ("validate", "publish"):
        result = cdx(command, "health-scorecard", cwd=nepal)
        assert result.returncode == 1, result.stdout + result.stderr
        assert "[incorrect-label]" in result.stdout and advice in result.stdout, command
    (nepal / "coalition.yaml").write_text(COALITION)  # the schema of the file's own columns
    starter_schema(nepal, ward="safe")
    fitting = cdx("validate", "health-scorecard", cwd=nepal)
    assert fitting.returncode == 0 and "schema infer" not in fitting.stdout


def test_validate_warns_when_publish_would_stop_at_the_signing_key(nepal: Path) -> None:
    """The key file copied with the data (mode 644), or left behind: the data is valid,
    and validate says publishing would stop at the key, with publish's code and fix."""
    starter_schema(nepal, ward="safe")
    key = nepal / "keys" / "nepal-lnob.key"
    key.chmod(0o644)
    validated = cdx("validate", "health-scorecard", cwd=nepal)
    assert validated.returncode == 0, validated.stdout + validated.stderr
    assert "! `cdx publish` would stop before reading the data: the signing key" in validated.stdout
    assert "[key-permissions]" in validated.stdout and f"chmod 600 {key}" in validated.stdout
    published = cdx("publish", "health-scorecard", cwd=nepal)
    assert published.returncode == 2 and "[key-permissions]" in published.stderr

    key.rename(nepal / "keys" / "elsewhere.key")
    as_json = json.loads(cdx("validate", "health-scorecard", "--json", cwd=nepal).stdout)
    assert as_json["valid"] is True
    assert as_json["publishing"]["error"]["code"] == "key-missing"

    (nepal / "keys" / "elsewhere.key").rename(key)
    key.chmod(0o600)
    ready = cdx("validate", "health-scorecard", "--json", cwd=nepal)
    assert json.loads(ready.stdout)["publishing"] == {"ok": True}
    assert "would stop" not in cdx("validate", "health-scorecard", cwd=nepal).stdout
