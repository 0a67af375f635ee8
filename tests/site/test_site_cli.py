"""`cdx site` as a person runs it: frequencies from coalition.yaml, a fixed clock, errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cdx.cli.app import app
from tests.conftest import EXAMPLE

pytestmark = pytest.mark.e2e


def test_frequencies_come_from_coalition_yaml_and_the_clock_from_now(
    site_catalogue: Path, tmp_path: Path
) -> None:
    out = tmp_path / "site"
    arguments = ["site", str(site_catalogue), "--out", str(out), "--json"]
    config = ["--config", str(EXAMPLE / "coalition.yaml")]
    result = CliRunner().invoke(app, [*arguments, *config, "--now", "2026-06-30T00:00:00Z"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {
        "out": str(out),
        "versions": 6,
        "datasets": 4,
        "fetched": 6,
        "written": json.loads(result.stdout)["written"],
        "uploaded": 0,
        "refused": [],
    }
    index = json.loads(
        (out / "static/search-index.js").read_text().removeprefix("window.CDX_INDEX = ")[:-2]
    )
    rows = {row["key"]: (row["frequency"], row["freshness"]) for row in index}
    # health-scorecard: quarterly in the example, latest 41 days old; youth-survey annually.
    assert rows["kenya-lnob/health-scorecard"] == ("quarterly", "fresh")
    assert rows["kenya-lnob/youth-survey"] == ("annually", "fresh")
    # not in that coalition.yaml: the frequency its package states
    assert rows["bangladesh-char/water-points"] == ("semiannually", "overdue")
    later = CliRunner().invoke(app, [*arguments, *config, "--now", "2026-10-01"])
    assert later.exit_code == 0, later.output
    # 134 days after 2026-05-20, quarterly (due 90, overdue 120, delinquent 150): overdue.
    assert '"freshness": "overdue"' in (out / "static/search-index.js").read_text()


def test_a_bad_clock_or_a_missing_catalogue_is_a_coded_error(tmp_path: Path) -> None:
    bad_now = CliRunner().invoke(
        app, ["site", str(tmp_path), "--out", str(tmp_path / "s"), "--now", "yesterday"]
    )
    assert bad_now.exit_code != 0 and "[config-invalid]" in bad_now.output
    assert "ISO 8601" in bad_now.output
    missing = CliRunner().invoke(
        app, ["site", str(tmp_path / "nowhere"), "--out", str(tmp_path / "s")]
    )
    assert missing.exit_code != 0 and "[catalogue-not-found]" in missing.output
    assert not (tmp_path / "s").exists()


def test_upload_beside_a_local_catalogue_is_refused_before_building(
    site_catalogue: Path, tmp_path: Path
) -> None:
    out = tmp_path / "site"
    result = CliRunner().invoke(app, ["site", str(site_catalogue), "--out", str(out), "--upload"])
    assert result.exit_code != 0 and "[catalogue-error]" in result.output, result.output
    assert "not in S3" in " ".join(result.output.split())
    assert not out.exists()
