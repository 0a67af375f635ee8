"""The site in French, Bengali and Arabic in headless Chromium: each page kind fits a
360-px screen with its longer words, Arabic is laid out right to left (the page's
direction, its text aligned to the right, a date kept in its order), and axe finds no
serious or critical violation in any of them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from cdx.connectors.registry import open_catalogue
from cdx.site.build import build_site
from tests.site.conftest import FREQUENCIES, NOW
from tests.site.test_site_browser import PAGE_KINDS, screenshot_dir

pytestmark = [pytest.mark.integration, pytest.mark.e2e]

OUTSIDE = """() => Array.from(document.querySelectorAll('body *')).filter(e => {
  const box = e.getBoundingClientRect();
  return (box.right > window.innerWidth + 1 || box.left < -1)
    && !e.closest('.table-wrap') && !e.closest('pre');
}).map(e => e.tagName + ' ' + (e.textContent || '').slice(0, 40))"""


@pytest.mark.parametrize("lang", ["fr", "bn", "ar"])
def test_translated_pages_fit_a_phone_and_are_accessible(
    lang: str, browser: Any, site_catalogue: Path, axe_script: Path, tmp_path: Path
) -> None:
    out = tmp_path / "site"
    build_site(
        open_catalogue(str(site_catalogue)), out, now=NOW, frequencies=FREQUENCIES, lang=lang
    )
    shots = screenshot_dir(tmp_path)
    page = browser.new_page(viewport={"width": 360, "height": 900})
    for kind, path in PAGE_KINDS.items():
        page.goto((out / path).as_uri())
        assert page.evaluate("document.documentElement.lang") == lang
        assert page.evaluate(OUTSIDE) == [], (lang, kind)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 360, f"{lang} {kind} is {width} px wide at 360 px"
        direction = page.evaluate("getComputedStyle(document.body).direction")
        assert direction == ("rtl" if lang == "ar" else "ltr")
        if lang == "ar":
            heading = page.locator("h2").first.bounding_box()
            assert heading is not None and heading["x"] + heading["width"] > 300  # on the right
        page.screenshot(path=str(shots / f"{kind}-{lang}-360.png"), full_page=True)
        page.add_script_tag(path=str(axe_script))
        results = page.evaluate("async () => await axe.run(document)")
        serious = [v["id"] for v in results["violations"] if v["impact"] in ("serious", "critical")]
        assert not serious, (lang, kind, serious)
    page.close()


def test_a_date_keeps_its_order_in_an_arabic_sentence(
    browser: Any, site_catalogue: Path, tmp_path: Path
) -> None:
    out = tmp_path / "site"
    build_site(
        open_catalogue(str(site_catalogue)), out, now=NOW, frequencies=FREQUENCIES, lang="ar"
    )
    page = browser.new_page(viewport={"width": 360, "height": 900})
    page.goto((out / "index.html").as_uri())
    date = page.locator("header bdi").first
    assert date.get_attribute("dir") == "ltr"
    assert date.inner_text().startswith(NOW.date().isoformat())
    page.close()
