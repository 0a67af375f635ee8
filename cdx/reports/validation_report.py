"""reports/validation.json for machines and reports/validation.html for people.

After the protect step the page also carries the privacy decision (reports/privacy.json
holds it in full).
"""

from __future__ import annotations

import html
import json
from pathlib import Path

from cdx.core.findings import ValidationReport
from cdx.core.layout import REPORT_HTML, REPORT_JSON
from cdx.protect.decision import PrivacyDecision, privacy_section, write_privacy_report


def write_reports(
    package_dir: Path, report: ValidationReport, privacy: PrivacyDecision | None = None
) -> None:
    json_path = package_dir / REPORT_JSON
    json_path.parent.mkdir(parents=True, exist_ok=True)
    json_path.write_text(
        json.dumps(report.to_dict(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    (package_dir / REPORT_HTML).write_text(render_html(report, privacy), encoding="utf-8")
    if privacy is not None:
        write_privacy_report(package_dir, privacy)


def _row(*cells: object) -> str:
    return "<tr>" + "".join(f"<td>{html.escape(str(cell))}</td>" for cell in cells) + "</tr>"


def render_html(report: ValidationReport, privacy: PrivacyDecision | None = None) -> str:
    """A self-contained page: verdict, counts, then one table row per finding."""
    verdict = "valid" if report.valid else "not valid"
    colour = "#1a7f37" if report.valid else "#b42318"
    rows = "\n".join(
        _row(
            finding.severity,
            finding.resource or "",
            "" if finding.row is None else f"{finding.row:,}",
            finding.field or "",
            finding.message,
            finding.code,
        )
        for finding in report.findings
    )
    counts = "".join(
        f"<li><code>{html.escape(code)}</code>: {count:,}</li>"
        for code, count in sorted(report.counts.items())
    )
    by_rule = "\n".join(
        _row(f"{count:,}", resource or "", column or "", code)
        for (resource, column, code), count in report.by_rule()
    )
    if by_rule:  # how many findings each column has of each problem (none: no table)
        by_rule = (
            "<h2>By column and problem</h2>\n<table><thead><tr><th>Findings</th><th>File</th>"
            f"<th>Column</th><th>Rule</th></tr></thead>\n<tbody>\n{by_rule}\n</tbody></table>"
        )
    shown = len(report.findings)
    total = sum(report.counts.values())
    capped = f"<p>Showing {shown:,} of {total:,} findings.</p>" if shown < total else ""
    checked = ", ".join(f"{name}: {rows:,} rows" for name, rows in report.rows_checked.items())
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>Validation report: {html.escape(report.dataset)}</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 2rem; color: #1f2328; }}
table {{ border-collapse: collapse; width: 100%; }}
th, td {{ border: 1px solid #d0d7de; padding: .35rem .5rem; text-align: left; }}
th {{ background: #f6f8fa; }}
.verdict {{ color: {colour}; font-weight: bold; }}
</style></head><body>
<h1>Validation report: {html.escape(report.dataset)}</h1>
<p class="verdict">The dataset is {verdict}: {report.error_count:,} errors (these block
publishing), {report.warning_count:,} warnings.</p>
<p>Checked: {html.escape(checked)}</p>
<ul>{counts}</ul>
{privacy_section(privacy) if privacy is not None else ""}
{capped}
{by_rule}
<h2>Findings</h2>
<table><thead><tr><th>Severity</th><th>File</th><th>Row</th><th>Column</th>
<th>What to fix</th><th>Rule</th></tr></thead>
<tbody>
{rows}
</tbody></table>
</body></html>
"""
