"""What a sealed package says: a valid Data Package, provenance, warnings that do not block."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from cdx.core.hashing import sha256_file

REPO = Path(__file__).resolve().parents[2]


def test_frictionless_accepts_the_package(sealed: Path) -> None:
    from frictionless import Package

    report = Package(str(sealed / "datapackage.json")).validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])


def test_the_descriptor_carries_hashes_licences_and_citizen_data(sealed: Path) -> None:
    descriptor = json.loads((sealed / "datapackage.json").read_text())
    (resource,) = descriptor["resources"]
    assert resource["hash"] == f"sha256:{sha256_file(sealed / resource['path'])}"
    assert resource["bytes"] == (sealed / resource["path"]).stat().st_size
    assert descriptor["licenses"][0]["name"] == "CC-BY-4.0"
    assert descriptor["version"] == "1.0.0"
    facility = next(f for f in resource["schema"]["fields"] if f["name"] == "facility_code")
    assert facility["type"] == "string"
    citizen = descriptor["citizenData"]
    assert citizen["consentBasis"] and citizen["sdgIndicators"] == ["3.8.1", "16.7.2"]


def test_provenance_names_sources_run_software_and_outcome(
    sealed_template: tuple[Path, Path],
) -> None:
    coalition_dir, package = sealed_template
    graph = json.loads((package / "provenance.jsonld").read_text())["@graph"]
    by_type: dict[str, list[dict[str, object]]] = {}
    for node in graph:
        kinds = node["@type"] if isinstance(node["@type"], list) else [node["@type"]]
        for kind in kinds:
            by_type.setdefault(kind, []).append(node)
    source = next(n for n in by_type["prov:Entity"] if "cdx:sha256" in n)
    original = coalition_dir / "data" / "health-scorecard-2026q1.csv"
    assert source["cdx:sha256"] == sha256_file(original)
    run, fieldwork = by_type["prov:Activity"]  # the publish run, then the fieldwork
    assert run["cdx:validation"]["valid"] is True  # type: ignore[index]
    assert "prov:startedAtTime" in run and "prov:endedAtTime" in run
    assert run["prov:wasInformedBy"] == {"@id": fieldwork["@id"]}
    assert source["prov:wasGeneratedBy"] == {"@id": fieldwork["@id"]}
    (software,) = by_type["prov:SoftwareAgent"]
    libraries = {library["schema:name"] for library in software["cdx:libraries"]}  # type: ignore[attr-defined, index]
    assert {"cdx", "frictionless", "great-expectations", "prefect"} <= libraries
    coalition, *collectors = by_type["prov:Organization"]
    assert coalition["@id"] == "urn:cdx:coalition:kenya-lnob"
    assert {c["prov:actedOnBehalfOf"]["@id"] for c in collectors} == {coalition["@id"]}  # type: ignore[index]


def test_warnings_are_reported_but_do_not_block(coalition_dir: Path) -> None:
    from cdx.core.coalition import load_coalition
    from cdx.core.settings import Settings
    from cdx.flows import pipeline
    from cdx.flows.run_context import start_run
    from cdx.seal.provenance import RunRecord

    data = coalition_dir / "data" / "health-scorecard-2026q1.csv"
    lines = data.read_text().splitlines()
    cells = lines[1].split(",")
    cells[6] = "75"  # participants: the suite warns above 60; the schema allows up to 200
    lines[1] = ",".join(cells)
    data.write_text("\n".join(lines) + "\n")
    coalition = load_coalition(coalition_dir / "coalition.yaml")
    settings = Settings(work_dir=coalition_dir / ".cdx")
    run = start_run(coalition, "health-scorecard", RunRecord(), settings, publishing=False)
    _, staged = pipeline.stage_sources(run)
    pipeline.build(run, staged)
    report = pipeline.validate(run)
    assert report.valid
    (warning,) = report.warnings
    assert (warning.row, warning.field, warning.value) == (2, "participants", "75")
    html = (run.paths.package / "reports" / "validation.html").read_text()
    assert "The dataset is valid" in html and "participants" in html


def test_help_and_verify_do_not_import_heavy_libraries(sealed: Path, trust_file: Path) -> None:
    probe = (
        "import sys\n"
        "from typer.testing import CliRunner\n"
        "from cdx.cli.app import app\n"
        "runner = CliRunner()\n"
        "assert runner.invoke(app, ['--help']).exit_code == 0\n"
        f"args = ['verify', {str(sealed)!r}, '--trust', {str(trust_file)!r}]\n"
        "result = runner.invoke(app, args)\n"
        "assert result.exit_code == 0, result.output\n"
        "heavy = [m for m in ('great_expectations', 'prefect', 'pandas', 'frictionless', 'boto3',"
        " 'duckdb', 'pyarrow')"
        " if m in sys.modules]\n"
        "print(heavy)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=REPO, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
