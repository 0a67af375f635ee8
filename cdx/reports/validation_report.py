"""reports/validation.json for machines and reports/validation.html for people.

After the protect step the page also carries the privacy decision (reports/privacy.json
holds it in full). The page is rendered from the templates the catalogue site uses
(cdx/reports/templates/, cdx/reports/rendering.py), with the dataset's metadata read from
datapackage.json when the package has one.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from cdx.core.findings import ValidationReport
from cdx.core.layout import DESCRIPTOR, REPORT_HTML, REPORT_JSON
from cdx.protect.decision import PrivacyDecision, write_privacy_report
from cdx.reports.rendering import render


def write_reports(
    package_dir: Path,
    report: ValidationReport,
    privacy: PrivacyDecision | None = None,
    *,
    lang: str = "en",
    translations: Any | None = None,
) -> None:
    json_path = package_dir / REPORT_JSON
    json_path.parent.mkdir(parents=True, exist_ok=True)
    json_path.write_text(
        json.dumps(report.to_dict(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    descriptor = _descriptor(package_dir / DESCRIPTOR)
    page = render_html(report, privacy, descriptor, lang=lang, translations=translations)
    (package_dir / REPORT_HTML).write_text(page, encoding="utf-8")
    if privacy is not None:
        write_privacy_report(package_dir, privacy)


def render_html(
    report: ValidationReport,
    privacy: PrivacyDecision | None = None,
    descriptor: dict[str, Any] | None = None,
    *,
    lang: str = "en",
    translations: Any | None = None,
) -> str:
    """A self-contained page: verdict, the dataset, the privacy decision, the findings."""
    return render_report_page(
        report.to_dict(),
        privacy.to_dict() if privacy is not None else None,
        descriptor,
        lang=lang,
        translations=translations,
    )


def render_report_page(
    report: dict[str, Any],
    privacy: dict[str, Any] | None,
    descriptor: dict[str, Any] | None,
    *,
    lang: str = "en",
    translations: Any | None = None,
) -> str:
    """The page from the documents a sealed package holds (validation.json, privacy.json)."""
    findings = report.get("findings", [])
    summary = report.get("summary", {})
    return render(
        "validation.html",
        lang=lang,
        translations=translations,
        report=report,
        privacy=privacy,
        descriptor=descriptor,
        by_rule=summary.get("by_rule", []),
        findings=[_FindingView(f) for f in findings],
        shown=len(findings),
        total=sum(summary.get("by_code", {}).values()),
    )


class _FindingView:
    """A finding's dict with attribute access and None for what it leaves out."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.severity = data.get("severity", "error")
        self.resource = data.get("resource")
        self.row = data.get("row")
        self.field = data.get("field")
        self.message = data.get("message", "")
        self.code = data.get("code", "")


def _descriptor(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None  # a report on sources that never became a package has no metadata
    return data if isinstance(data, dict) else None
