"""`cdx site --lang`: the pages in the language asked, with `<html lang dir>` set; the
--json summary and the search index the same in every language."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cdx.cli.app import app
from tests.conftest import EXAMPLE

pytestmark = pytest.mark.e2e

NOW = ["--now", "2026-06-30T00:00:00Z", "--config", str(EXAMPLE / "coalition.yaml")]


def build(catalogue: Path, out: Path, *options: str) -> dict[str, int]:
    result = CliRunner().invoke(
        app, ["site", str(catalogue), "--out", str(out), "--json", *NOW, *options]
    )
    assert result.exit_code == 0, result.output
    summary: dict[str, int] = json.loads(result.stdout)
    return summary


def version_page(out: Path) -> str:
    return (out / "kenya-lnob/health-scorecard/1.0.0/index.html").read_text(encoding="utf-8")


def test_lang_fr_gives_french_pages(site_catalogue: Path, tmp_path: Path) -> None:
    english, french = tmp_path / "en", tmp_path / "fr"
    build(site_catalogue, english)
    build(site_catalogue, french, "--lang", "fr")
    index = (french / "index.html").read_text(encoding="utf-8")
    assert '<html lang="fr" dir="ltr">' in index
    assert "Catalogue de données citoyennes" in index
    assert "attendue chaque trimestre" in index  # the frequency word is translated too
    page = version_page(french)
    assert "À propos des données" in page and "Signature et vérification" in page
    assert "About the data" not in page
    assert 'data-template="Jeux de données affichés : {shown} sur {total}"' in index
    assert (english / "static/search-index.js").read_text() == (
        french / "static/search-index.js"
    ).read_text()


def test_lang_ar_is_right_to_left_and_a_new_language_rebuilds_every_page(
    site_catalogue: Path, tmp_path: Path
) -> None:
    out = tmp_path / "site"
    first = build(site_catalogue, out)
    assert '<html lang="en" dir="ltr">' in version_page(out)
    again = build(site_catalogue, out, "--lang", "ar")
    assert again["written"] >= first["written"] - first["fetched"]  # every page again
    for page in (out / "index.html", out / "kenya-lnob/health-scorecard/index.html"):
        assert '<html lang="ar" dir="rtl">' in page.read_text(encoding="utf-8")
    assert "عن البيانات" in version_page(out)
    assert '<html lang="ar" dir="rtl">' in version_page(out)


def test_the_summary_line_is_said_in_the_language(site_catalogue: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["site", str(site_catalogue), "--out", str(tmp_path / "s"), *NOW, "--lang", "fr"]
    )
    assert result.exit_code == 0, result.output
    assert "4 jeux de données, 6 versions" in result.stdout
    assert "Ouvrez file://" in result.stdout
