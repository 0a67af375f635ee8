"""`cdx load` as an office's data engineer runs it: from a pulled directory and from a
catalogue reference, for people and as JSON, into a DuckDB file and into PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path

from tests.e2e.test_cli import cdx


def _catalogue_with(package: Path, root: Path) -> Path:
    from cdx.connectors.catalogue import PackageRef
    from cdx.connectors.registry import open_catalogue

    root.mkdir()
    open_catalogue(str(root)).publish(
        package, PackageRef("kenya-lnob", "health-scorecard", "1.0.0")
    )
    return root


def test_load_prints_what_it_loaded_then_unchanged(
    sealed: Path, trust_file: Path, tmp_path: Path
) -> None:
    office = tmp_path / "office.duckdb"
    first = cdx(
        "load", str(sealed), "--into", str(office), "--trust", str(trust_file), cwd=tmp_path
    )
    assert first.returncode == 0, first.stderr
    assert "✓ loaded kenya-lnob/health-scorecard@1.0.0 into duckdb:///" in first.stdout
    assert "kenya_lnob__health_scorecard__v1_0_0.scores  300 rows" in first.stdout
    assert "latest: kenya_lnob__health_scorecard.* now shows 1.0.0" in first.stdout
    again = cdx(
        "load", str(sealed), "--into", str(office), "--trust", str(trust_file), cwd=tmp_path
    )
    assert again.returncode == 0, again.stderr
    assert again.stdout.startswith("= unchanged kenya-lnob/health-scorecard@1.0.0")


def test_load_without_a_trust_store_is_refused_with_its_code(sealed: Path, tmp_path: Path) -> None:
    refused = cdx("load", str(sealed), "--into", "office.duckdb", "--json", cwd=tmp_path)
    assert refused.returncode == 1
    assert json.loads(refused.stdout)["error"]["code"] == "package-not-verified"
    allowed = cdx(
        "load", str(sealed), "--into", "office.duckdb", "--allow-untrusted", "--json", cwd=tmp_path
    )
    assert allowed.returncode == 0, allowed.stderr
    assert json.loads(allowed.stdout)["key_trusted"] is False


def test_load_a_reference_from_a_catalogue_into_postgresql_as_json(
    sealed: Path, trust_file: Path, tmp_path: Path, postgres_database: str
) -> None:
    catalogue = _catalogue_with(sealed, tmp_path / "catalogue")
    loaded = cdx(
        "load",
        "kenya-lnob/health-scorecard",
        "--from",
        str(catalogue),
        "--into",
        postgres_database,
        "--trust",
        str(trust_file),
        "--json",
        cwd=tmp_path,
    )
    assert loaded.returncode == 0, loaded.stderr
    result = json.loads(loaded.stdout)
    assert (result["outcome"], result["tables"]) == ("loaded", {"scores": 300})
    assert result["target"] == postgres_database


def test_an_unknown_database_kind_is_named(sealed: Path, trust_file: Path, tmp_path: Path) -> None:
    refused = cdx(
        "load", str(sealed), "--into", "oracle://db/x", "--trust", str(trust_file), cwd=tmp_path
    )
    assert refused.returncode == 2
    assert "[load-target-unknown]" in refused.stderr


def test_a_reference_signed_by_an_unknown_key_is_refused_before_any_database_file(
    sealed: Path, tmp_path: Path
) -> None:
    catalogue = _catalogue_with(sealed, tmp_path / "catalogue")
    refused = cdx(
        "load", "kenya-lnob/health-scorecard", "--from", str(catalogue),
        "--into", "office.duckdb", cwd=tmp_path,
    )  # fmt: skip
    assert refused.returncode == 1
    assert "[package-not-verified]" in refused.stderr
    assert "which is not in your trust store" in refused.stderr
    assert not (tmp_path / "office.duckdb").exists()
