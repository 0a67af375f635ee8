"""The catalogue site in headless Chromium (Debian's, through Playwright): navigation,
download, search and filters, freshness badges, JSON-LD, accessibility and screenshots.

Screenshots go to $CDX_SCREENSHOTS when set (e.g. docs/screenshots), else the test's
temporary directory.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from cdx.connectors.registry import open_catalogue
from cdx.site.build import build_site
from tests.site.conftest import EXPECTED_FRESHNESS, FREQUENCIES, NOW, PUBLISHED

WIDTHS = (1280, 360)


@pytest.fixture
def site(site_catalogue: Path, tmp_path: Path) -> Path:
    out = tmp_path / "site"
    build_site(open_catalogue(str(site_catalogue)), out, now=NOW, frequencies=FREQUENCIES)
    return out


@pytest.fixture
def page(browser: Any) -> Any:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    opened = context.new_page()
    errors: list[str] = []
    opened.on("pageerror", lambda error: errors.append(str(error)))
    yield opened
    context.close()
    assert not errors, errors


def visible_keys(page: Any) -> set[str]:
    return set(
        page.eval_on_selector_all(
            "li.dataset:not([hidden])", "items => items.map(i => i.dataset.key)"
        )
    )


def test_index_to_dataset_to_version_to_download(
    page: Any, site: Path, site_catalogue: Path
) -> None:
    page.goto((site / "index.html").as_uri())
    assert page.title() == "Citizen data catalogue"
    page.get_by_role("link", name="Clinic score card, Karnali and Lumbini").click()
    assert page.url.endswith("nepal-dalit-forum/clinic-scores/index.html")
    assert (
        page.get_by_role("heading", level=1).inner_text()
        == "Clinic score card, Karnali and Lumbini"
    )
    page.get_by_role("link", name="1.0.0", exact=True).click()
    assert page.url.endswith("nepal-dalit-forum/clinic-scores/1.0.0/index.html")
    assert "Clinic score card, Karnali" in page.get_by_role("heading", level=1).inner_text()
    with page.expect_download() as info:
        page.get_by_role("link", name="data/scores.csv").click()
    downloaded = Path(info.value.path())
    original = site_catalogue / "nepal-dalit-forum/clinic-scores/1.0.0/data/scores.csv"
    assert downloaded.read_bytes() == original.read_bytes()
    page.get_by_role("link", name="Catalogue").click()
    assert page.url.endswith("/site/index.html")


def test_search_and_filters(page: Any, site: Path) -> None:
    page.goto((site / "index.html").as_uri())
    everything = set(EXPECTED_FRESHNESS)
    assert visible_keys(page) == everything
    assert page.inner_text("#count") == "Datasets shown: 4 of 4"
    page.fill("#q", "karnali")
    assert visible_keys(page) == {"nepal-dalit-forum/clinic-scores"}
    page.fill("#q", "")
    page.select_option("#country", "KE")
    assert visible_keys(page) == {"kenya-lnob/health-scorecard", "kenya-lnob/youth-survey"}
    page.select_option("#country", "")
    page.select_option("#sdg", "6.1.1")
    assert visible_keys(page) == {"bangladesh-char/water-points"}
    page.select_option("#sdg", "")
    page.select_option("#group", "slum-dwellers")
    assert visible_keys(page) == everything - {"kenya-lnob/youth-survey"}
    page.select_option("#country", "BD")
    assert visible_keys(page) == {"bangladesh-char/water-points"}
    page.fill("#q", "no such thing")
    assert visible_keys(page) == set()
    assert page.is_visible("#none-found")


def test_freshness_badges_against_a_fixed_clock(page: Any, site: Path) -> None:
    page.goto((site / "index.html").as_uri())
    shown = {
        key: page.inner_text(f'li.dataset[data-key="{key}"] .badge') for key in EXPECTED_FRESHNESS
    }
    assert shown == EXPECTED_FRESHNESS
    page.goto((site / "kenya-lnob/health-scorecard/index.html").as_uri())
    assert page.inner_text(".badge") == "due"


def test_each_version_page_carries_schema_org_json_ld(page: Any, site: Path) -> None:
    for coalition, dataset, version, *_ in PUBLISHED:
        page.goto((site / coalition / dataset / version / "index.html").as_uri())
        text = page.eval_on_selector('script[type="application/ld+json"]', "e => e.textContent")
        document = json.loads(text)
        assert document["@type"] == "Dataset" and document["version"] == version
        assert (
            document["name"] == page.get_by_role("heading", level=1).inner_text().rsplit(" ", 1)[0]
        )
        for item in document["distribution"]:
            assert (site / coalition / dataset / version / item["contentUrl"]).is_file()


PAGE_KINDS = {
    "index": "index.html",
    "dataset": "kenya-lnob/health-scorecard/index.html",
    "version": "kenya-lnob/health-scorecard/1.1.0/index.html",
    "validation-report": "kenya-lnob/health-scorecard/1.1.0/report.html",
}


def screenshot_dir(tmp_path: Path) -> Path:
    where = Path(os.environ.get("CDX_SCREENSHOTS") or tmp_path / "screenshots")
    where.mkdir(parents=True, exist_ok=True)
    return where


def test_every_page_kind_is_accessible_and_fits_a_phone(
    page: Any, site: Path, axe_script: Path, tmp_path: Path
) -> None:
    shots = screenshot_dir(tmp_path)
    for kind, path in PAGE_KINDS.items():
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            page.goto((site / path).as_uri())
            overflow = page.evaluate("document.documentElement.scrollWidth")
            assert overflow <= width, f"{kind} is {overflow} px wide at {width} px"
            page.screenshot(path=str(shots / f"{kind}-{width}.png"), full_page=True)
        page.add_script_tag(path=str(axe_script))
        results = page.evaluate("async () => await axe.run(document)")
        serious = [
            (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
            for v in results["violations"]
            if v["impact"] in ("serious", "critical")
        ]
        assert not serious, (kind, serious)
    assert len(list(shots.glob("*.png"))) >= len(PAGE_KINDS) * len(WIDTHS)
