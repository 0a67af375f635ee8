"""The `cdx` command line, run as a person runs it, in a temporary directory."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CDX = [sys.executable, "-m", "cdx.cli.app"]


def cdx(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "NO_COLOR": "1"}
    env.pop("PREFECT_API_URL", None)  # the command line runs Prefect without a server
    return subprocess.run(
        [*CDX, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=600, check=False
    )


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    target = tmp_path / "kenya-lnob"
    shutil.copytree(REPO / "examples" / "kenya-lnob", target, ignore=shutil.ignore_patterns("keys"))
    return target


def test_init_publish_pull_verify(workspace: Path, tmp_path: Path) -> None:
    init = cdx("init", ".", cwd=workspace)
    assert init.returncode == 0, init.stderr
    assert "created the signing key" in init.stdout

    published = cdx("publish", cwd=workspace)
    assert published.returncode == 0, published.stdout + published.stderr
    assert "kenya-lnob/health-scorecard@1.0.0 → local: published" in published.stdout
    assert "kenya-lnob/youth-survey@1.0.0 → local: published" in published.stdout
    # the run's logs reached the temporary server before it stopped (they retried for a
    # minute against a closed port when it was stopped first)
    assert "Error logging to API" not in published.stderr

    again = cdx("publish", "health-scorecard", cwd=workspace)
    assert again.returncode == 0 and "local: unchanged" in again.stdout

    catalogue = str(tmp_path / "catalogue")
    pulled = cdx(
        "pull",
        catalogue,
        "kenya-lnob/health-scorecard@latest",
        "--to",
        str(tmp_path / "got"),
        "--trust",
        "keys/kenya-lnob.pub.json",
        cwd=workspace,
    )
    assert pulled.returncode == 0, pulled.stdout + pulled.stderr
    assert "✓ verified kenya-lnob/health-scorecard@1.0.0" in pulled.stdout

    verified = cdx(
        "verify",
        str(tmp_path / "got"),
        "--trust",
        "keys/kenya-lnob.pub.json",
        "--json",
        cwd=workspace,
    )
    assert verified.returncode == 0 and json.loads(verified.stdout)["ok"] is True

    data = tmp_path / "got" / "data" / "scores.csv"
    data.write_bytes(data.read_bytes().replace(b"Kisumu", b"Kisumo", 1))
    refused = cdx(
        "verify", str(tmp_path / "got"), "--trust", "keys/kenya-lnob.pub.json", cwd=workspace
    )
    assert refused.returncode == 1 and "[file-modified]" in refused.stdout

    listed = cdx("list", catalogue, "--json", cwd=workspace)
    assert {e["dataset"] for e in json.loads(listed.stdout)} == {"health-scorecard", "youth-survey"}


def test_publishing_invalid_data_fails_with_the_reason_and_publishes_nothing(
    workspace: Path, tmp_path: Path
) -> None:
    assert cdx("init", ".", cwd=workspace).returncode == 0
    data = workspace / "data" / "health-scorecard-2026q1.csv"
    data.write_text(data.read_text().replace(",Kisumu,0031,women,", ",Kisumu,0031,woman,", 1))
    result = cdx("publish", "health-scorecard", cwd=workspace)
    assert result.returncode == 1
    assert "[dataset-invalid]" in result.stderr
    assert "validation.html" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert not (tmp_path / "catalogue").exists()


def test_validate_prints_findings_a_person_can_act_on(workspace: Path) -> None:
    data = workspace / "data" / "health-scorecard-2026q1.csv"
    lines = data.read_text().splitlines()
    lines[3] = lines[3].replace(",women,", ",woman,")
    data.write_text("\n".join(lines) + "\n")
    result = cdx("validate", "health-scorecard", cwd=workspace)
    assert result.returncode == 1
    assert "row 4, column `group`: 'woman' is not one of the allowed values" in result.stdout
    assert "invalid — 1 error, 0 warnings" in result.stdout
    as_json = cdx("validate", "health-scorecard", "--json", cwd=workspace)
    report = json.loads(as_json.stdout)
    assert report["valid"] is False and report["summary"]["by_code"] == {"constraint-enum": 1}


def test_validate_counts_findings_by_column_when_not_all_are_shown(workspace: Path) -> None:
    """Dates written day first on every row, and one bad group further down: the first
    finding of each column is printed, then how many each column has."""
    data = workspace / "data" / "health-scorecard-2026q1.csv"
    lines = [
        re.sub(r",2026-([0-9]{2})-([0-9]{2}),", r",\2/\1/2026,", line)
        for line in data.read_text().splitlines()
    ]
    cells = lines[200].split(",")
    lines[200] = ",".join([*cells[:3], "woman", *cells[4:]])
    data.write_text("\n".join(lines) + "\n")
    result = cdx("validate", "health-scorecard", "--limit", "3", cwd=workspace)
    assert result.returncode == 1
    printed = [line for line in result.stdout.splitlines() if line.startswith("✗")]
    assert len(printed) == 3 and "row 201, column `group`: 'woman'" in printed[2]
    assert "Findings by column and problem, most first:" in result.stdout
    assert "  300  column `session_date`  [type-error]" in result.stdout
    assert "    1  column `group`  [constraint-enum]" in result.stdout


def test_validate_a_file_directly_with_an_inferred_schema(workspace: Path) -> None:
    result = cdx("validate", "data/health-scorecard-2026q1.csv", cwd=workspace)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "valid — 0 errors" in result.stdout


def test_spaces_around_column_names_are_read_as_frictionless_reads_them(
    workspace: Path,
) -> None:
    """`score ` in the header (a spreadsheet cell with a trailing space): the Table Schema
    matched it to `score`, but the suite's expectation on `score` could not run (GX saw no
    column `score`) until the header was written without the spaces."""
    data = workspace / "data" / "health-scorecard-2026q1.csv"
    header, rest = data.read_text().split("\n", 1)
    data.write_text(header.replace(",score,", ", score ,") + "\n" + rest)
    result = cdx("validate", "health-scorecard", cwd=workspace)
    assert result.returncode == 0, result.stdout + result.stderr
    # it said: check 4 of the suite could not run: the file has no column 'score'
    assert "expectation-error" not in result.stdout
    assert "valid — 0 errors, 0 warnings" in result.stdout


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (("validate", "no-such-file.csv"), "source-missing"),
        (("validate", "no-such-dataset"), "dataset-unknown"),
        (("validate", "data/youth-survey-2026.xlsx"), "sheet-ambiguous"),
        (("publish", "--config", "nowhere.yaml"), "config-not-found"),
        (("verify", "data", "--trust", "nowhere.json"), "truststore-invalid"),
    ],
)
def test_usage_and_configuration_errors_exit_2_with_a_code(
    workspace: Path, args: tuple[str, ...], code: str
) -> None:
    result = cdx(*args, cwd=workspace)
    assert result.returncode == 2, result.stdout + result.stderr
    assert f"[{code}]" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_key_others_can_read_stops_publishing(workspace: Path, tmp_path: Path) -> None:
    assert cdx("init", ".", cwd=workspace).returncode == 0
    (workspace / "keys" / "kenya-lnob.key").chmod(0o644)
    result = cdx("publish", "youth-survey", cwd=workspace)
    assert result.returncode == 2 and "[key-permissions]" in result.stderr
    assert "chmod 600" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "catalogue").exists()
