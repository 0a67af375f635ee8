"""The pages a run writes (reports/validation.html, kept in the catalogue and in the
quarantine) in the language chosen for the run: --lang, else coalition.yaml's
`language:`, else the locale; validation.json and the error codes the same in every one."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

REPO = Path(__file__).resolve().parents[2]
CDX = [sys.executable, "-m", "cdx.cli.app"]
SCORES = Path("data/health-scorecard-2026q1.csv")
HIDDEN = ("PREFECT_API_URL", "PREFECT_HOME", "CDX_CONFIG", "CDX_TRUST", "CDX_WORK_DIR")
LOCALE = ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE")


def cdx(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """`cdx …` without a Prefect server, in no locale: only --lang or coalition.yaml choose."""
    env = {k: v for k, v in os.environ.items() if k not in HIDDEN + LOCALE}
    env.update({"NO_COLOR": "1", "HOME": str(cwd.parent / "home")})
    (cwd.parent / "home").mkdir(exist_ok=True)
    return subprocess.run(
        [*CDX, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=600, check=False
    )


@pytest.fixture
def swahili(tmp_path: Path) -> Path:
    """The example coalition, which says in coalition.yaml that it works in Swahili."""
    target = tmp_path / "kenya-lnob"
    shutil.copytree(REPO / "examples" / "kenya-lnob", target, ignore=shutil.ignore_patterns("keys"))
    config = target / "coalition.yaml"
    text = config.read_text(encoding="utf-8")
    assert "\ncoalition:\n" in text and "language:" not in text.split("\ndatasets:")[0]
    config.write_text(text.replace("\ncoalition:\n", "\ncoalition:\n  language: sw\n", 1))
    assert cdx("init", ".", cwd=target).returncode == 0
    return target


def html_tag(page: str) -> str:
    found = re.search(r"<html[^>]*>", page)
    assert found, page[:200]
    return found.group(0)


def test_a_publish_in_a_swahili_coalition_writes_a_swahili_validation_page(
    swahili: Path,
) -> None:
    result = cdx("publish", "health-scorecard", cwd=swahili)
    assert result.returncode == 0, result.stderr
    (version,) = (swahili.parent / "catalogue" / "kenya-lnob" / "health-scorecard").iterdir()
    page = (version / "reports" / "validation.html").read_text(encoding="utf-8")
    assert html_tag(page) == '<html lang="sw" dir="ltr">'
    assert "Ripoti ya uthibitishaji: kenya-lnob/health-scorecard" in page
    assert "Seti ya data ni halali: hitilafu 0, maonyo 0." in page
    assert "Kichujio cha faragha: kimekubali" in page
    assert "Validation report" not in page and "The dataset is valid" not in page
    # the machine-readable report is not translated
    report = json.loads((version / "reports" / "validation.json").read_text(encoding="utf-8"))
    assert report["valid"] is True
    assert "Seti" not in json.dumps(report, ensure_ascii=False)


def test_a_refusal_keeps_its_page_in_the_language_asked_and_the_same_code(
    swahili: Path,
) -> None:
    scores = swahili / SCORES
    lines = scores.read_text(encoding="utf-8").splitlines()
    lines[3] = lines[3].replace(",women,", ",Call Mama Achieng 0712 345 678,", 1)
    scores.write_text("\n".join(lines) + "\n", encoding="utf-8")

    swahili_run = cdx("publish", "health-scorecard", "--json", cwd=swahili)
    arabic_run = cdx("publish", "health-scorecard", "--json", "--lang", "ar", cwd=swahili)
    kept = sorted((swahili / ".cdx" / "quarantine" / "health-scorecard" / "1.0.0").iterdir())
    assert len(kept) == 2
    pages = [(place / "reports" / "validation.html").read_text(encoding="utf-8") for place in kept]
    # --lang wins over coalition.yaml; Arabic is written right to left
    assert html_tag(pages[0]) == '<html lang="sw" dir="ltr">'
    assert "Seti ya data si halali:" in pages[0]
    assert "hitilafu 2 (hizi zinazuia uchapishaji)" in pages[0]
    assert '<h2 id="findings">Matokeo</h2>' in pages[0]
    assert "Kichujio cha faragha: kimekataa kuchapisha" in pages[0]  # the decision stays
    assert html_tag(pages[1]) == '<html lang="ar" dir="rtl">'
    assert "مجموعة البيانات غير صالحة:" in pages[1]
    assert '<h2 id="findings">النتائج</h2>' in pages[1]
    assert "بوابة الخصوصية: رُفض النشر" in pages[1]

    said = [json.loads(run.stdout)["health-scorecard"] for run in (swahili_run, arabic_run)]
    assert [entry["error"]["code"] for entry in said] == ["dataset-invalid"] * 2
    assert said[0]["report"] == said[1]["report"]  # findings and codes, in English
    reports = [(place / "reports" / "validation.json").read_text() for place in kept]
    assert json.loads(reports[0])["findings"] == json.loads(reports[1])["findings"]
