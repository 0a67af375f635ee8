"""reports/validation.html of a refused dataset (findings, refused table) in Chromium: it
fits a 360-px screen, axe finds nothing serious, and the page reads as sentences."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.site.test_site_browser import screenshot_dir
from tests.unit.test_validation_page import refused_page  # noqa: F401 - a fixture


def test_a_refused_report_reads_on_a_phone(
    browser: Any,
    refused_page: str,  # noqa: F811 - the fixture imported above
    axe_script: Path,
    tmp_path: Path,
) -> None:
    path = tmp_path / "validation.html"
    path.write_text(refused_page, encoding="utf-8")
    context = browser.new_context(viewport={"width": 360, "height": 800})
    page = context.new_page()
    page.goto(path.as_uri())
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    text = page.inner_text("body")
    assert "None" not in text and "`" not in text
    assert "none: publication refused" in text
    assert "attribute disclosure within classes (l-diversity)" in text
    shot = screenshot_dir(tmp_path) / "validation-refused-360.png"
    page.screenshot(path=str(shot), full_page=True)
    page.add_script_tag(path=str(axe_script))
    results = page.evaluate("async () => await axe.run(document)")
    serious = [v["id"] for v in results["violations"] if v["impact"] in ("serious", "critical")]
    assert not serious, serious
    context.close()
