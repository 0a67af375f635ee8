"""The protect step on the example coalition: what is refused, what is published, what is sealed."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from cdx.core.coalition import load_coalition
from cdx.core.errors import ConfigError
from cdx.core.settings import Settings
from cdx.flows import pipeline
from cdx.flows.run_context import RunPaths, start_run
from cdx.protect.decision import PrivacyDecision
from cdx.seal.provenance import RunRecord
from tests.conftest import seal_example


def run_gate(coalition_dir: Path, dataset: str) -> tuple[RunPaths, PrivacyDecision]:
    coalition = load_coalition(coalition_dir / "coalition.yaml")
    settings = Settings(work_dir=coalition_dir / ".cdx")
    run = start_run(coalition, dataset, RunRecord(), settings, publishing=False)
    _, staged = pipeline.stage_sources(run)
    pipeline.build(run, staged)
    report = pipeline.validate(run)
    assert report.valid
    return run.paths, pipeline.protect(run, report)


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def edit_schema(coalition_dir: Path, name: str, change: object) -> None:
    """Point the dataset at a local copy of a builtin schema, changed by `change`."""
    repo = Path(__file__).resolve().parents[2]
    schema = json.loads((repo / f"schemas/table-schemas/{name}.json").read_text())
    change(schema)  # type: ignore[operator]
    (coalition_dir / "schemas").mkdir(exist_ok=True)
    (coalition_dir / "schemas" / f"{name}.json").write_text(json.dumps(schema))
    config = coalition_dir / "coalition.yaml"
    config.write_text(
        config.read_text().replace(f"schema: builtin:{name}", f"schema: schemas/{name}.json")
    )


def test_the_published_survey_is_k_anonymous_and_pseudonymised(coalition_dir: Path) -> None:
    package = seal_example(coalition_dir, "youth-survey")
    published = rows(package / "data" / "responses.csv")
    classes: dict[tuple[str, ...], int] = {}
    for row in published:
        key = (row["area"], row["age"], row["sex"])
        classes[key] = classes.get(key, 0) + 1
    assert min(classes.values()) >= 5
    assert all(len(row["respondent_id"]) == 32 for row in published)
    assert not any(row["respondent_id"].startswith("R-") for row in published)
    key = (coalition_dir / "keys" / "kenya-lnob.pseudonym.key").read_text().strip()
    assert all(key not in p.read_text(errors="ignore") for p in package.rglob("*") if p.is_file())
    decision = json.loads((package / "reports" / "privacy.json").read_text())
    (resource,) = decision["resources"]
    assert (
        resource["rowsOut"] == len(published) == 400 - resource["kAnonymity"]["recordsSuppressed"]
    )
    assert decision["residualRisk"]["smallestEquivalenceClass"] == min(classes.values())


def test_the_decision_is_sealed_in_the_provenance(coalition_dir: Path) -> None:
    package = seal_example(coalition_dir, "youth-survey")
    graph = json.loads((package / "provenance.jsonld").read_text())["@graph"]
    activity = next(node for node in graph if node["@type"] == "prov:Activity")
    privacy = activity["cdx:privacy"]
    assert privacy["accepted"] is True and privacy["policy"]["k"] == 5
    assert privacy["detector"]["name"] == "cdx-patterns"
    assert privacy["report"] == "reports/privacy.json"
    manifest = json.loads((package / "manifest.json").read_text())
    assert "reports/privacy.json" in {entry["path"] for entry in manifest["files"]}
    html = (package / "reports" / "validation.html").read_text()
    assert "Privacy gate: passed" in html


def test_the_protected_package_is_still_a_valid_data_package(coalition_dir: Path) -> None:
    from frictionless import Package

    package = seal_example(coalition_dir, "youth-survey")
    report = Package(str(package / "datapackage.json")).validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])


def test_a_phone_number_in_a_comment_blocks_publishing_and_is_masked(coalition_dir: Path) -> None:
    data = coalition_dir / "data" / "health-scorecard-2026q1.csv"
    text = data.read_text().replace(
        "Short queue in the morning", "Call Mama Achieng 0712 345 678", 1
    )
    data.write_text(text)
    paths, decision = run_gate(coalition_dir, "health-scorecard")
    assert not decision.accepted
    report = json.loads((paths.package / "reports" / "validation.json").read_text())
    found = {(f["code"], f["row"], f["field"]) for f in report["findings"]}
    assert ("personal-data-phone", 3, "comment") in found
    assert ("personal-data-name", 3, "comment") in found
    assert "0712 345 678" not in json.dumps(report)
    assert (
        "345"
        not in next(f for f in report["findings"] if f["code"] == "personal-data-phone")["value"]
    )
    assert "Achieng" not in (paths.package / "reports" / "validation.html").read_text()


def test_an_accepted_hit_needs_a_reason_and_is_recorded(coalition_dir: Path) -> None:
    data = coalition_dir / "data" / "health-scorecard-2026q1.csv"
    data.write_text(
        data.read_text().replace("Short queue in the morning", "Clinic line 0712 345 678", 1)
    )
    config = coalition_dir / "coalition.yaml"
    config.write_text(
        config.read_text().replace(
            "    privacy: {}\n",
            "    privacy:\n      allow:\n        - column: comment\n          detector: phone\n"
            "          reason: the facility's public reception line, printed on its sign\n",
        )
    )
    _, decision = run_gate(coalition_dir, "health-scorecard")
    assert decision.accepted
    (accepted,) = decision.resources[0].accepted_hits
    assert accepted["count"] == 1 and "public reception" in accepted["reason"]


def test_unclassified_columns_are_listed_with_how_to_classify(coalition_dir: Path) -> None:
    def forget_roles(schema: dict) -> None:  # type: ignore[type-arg]
        for spec in schema["fields"][:2]:
            spec.pop("cdx:role")

    edit_schema(coalition_dir, "community-scorecard", forget_roles)
    paths, decision = run_gate(coalition_dir, "health-scorecard")
    assert not decision.accepted
    report = json.loads((paths.package / "reports" / "validation.json").read_text())
    (finding,) = [f for f in report["findings"] if f["code"] == "privacy-unclassified"]
    assert "`scorecard_id`, `area`" in finding["message"]
    assert '"cdx:role": "safe"' in finding["message"]
    original = coalition_dir / "data" / "health-scorecard-2026q1.csv"
    assert (paths.package / "data" / "scores.csv").read_bytes() == original.read_bytes()


def test_a_dataset_without_consent_basis_is_refused(coalition_dir: Path) -> None:
    config = coalition_dir / "coalition.yaml"
    config.write_text(
        config.read_text().replace(
            "consent_basis: informed-verbal-consent-of-groups", 'consent_basis: "unknown"'
        )
    )
    _, decision = run_gate(coalition_dir, "health-scorecard")
    assert not decision.accepted


@pytest.mark.parametrize("relaxed", ["k: 3", "cell_threshold: 5", "coordinate_decimals: 5"])
def test_relaxing_the_policy_without_a_reason_is_refused(coalition_dir: Path, relaxed: str) -> None:
    config = coalition_dir / "coalition.yaml"
    config.write_text(
        config.read_text().replace("    privacy: {}\n", f"    privacy: {{{relaxed}}}\n")
    )
    with pytest.raises(ConfigError) as caught:
        load_coalition(config)
    assert "needs a `reason:`" in caught.value.message


def test_a_relaxation_with_a_reason_is_recorded(coalition_dir: Path) -> None:
    config = coalition_dir / "coalition.yaml"
    config.write_text(
        config.read_text().replace(
            "      k: 5 ",
            "      k: 3\n      reason: the statistics office asked for k = 3 in writing\n      #",
        )
    )
    package = seal_example(coalition_dir, "youth-survey")
    decision = json.loads((package / "reports" / "privacy.json").read_text())
    assert decision["policy"]["relaxations"] == ["k = 3 (default 5)"]
    assert "in writing" in decision["policy"]["reason"]


def test_published_warnings_do_not_quote_values_of_sensitive_columns(coalition_dir: Path) -> None:
    from openpyxl import load_workbook

    source = coalition_dir / "data" / "youth-survey-2026.xlsx"
    book = load_workbook(source)
    sheet = book["responses"]
    assert sheet.cell(1, 8).value == "distance_to_facility_km"
    sheet.cell(5, 8).value = 187.3  # the suite warns above 150 km; the column is sensitive
    book.save(source)
    paths, decision = run_gate(coalition_dir, "youth-survey")
    assert decision.accepted
    published = (paths.package / "reports" / "validation.json").read_text()
    (warning,) = [
        f for f in json.loads(published)["findings"] if f["field"] == "distance_to_facility_km"
    ]
    assert warning["row"] == 5 and warning["value"] == "1•••3"
    assert "187.3" not in published
    assert "187.3" not in (paths.package / "reports" / "validation.html").read_text()
