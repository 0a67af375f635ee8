"""What a publish run leaves for a steward in the Prefect UI."""

from __future__ import annotations

import re
from typing import Any

from cdx.core.findings import ValidationReport

FIRST_FINDINGS = 50


def artifact_key(*parts: str) -> str:
    """Prefect artifact keys allow lowercase letters, digits and dashes only."""
    return re.sub(r"[^a-z0-9-]+", "-", "-".join(parts).lower()).strip("-")


def summary_markdown(
    dataset: str,
    version: str,
    report: ValidationReport,
    published: list[dict[str, str]],
    quarantined: str | None = None,
    privacy: dict[str, Any] | None = None,
) -> str:
    verdict = "valid" if report.valid else "**invalid: not published**"
    lines = [
        f"# {dataset} {version}",
        "",
        f"- Verdict: {verdict}",
        f"- Errors: {report.error_count:,} · Warnings: {report.warning_count:,}",
        "- Rows checked: "
        + (", ".join(f"{k}: {v:,}" for k, v in report.rows_checked.items()) or "none"),
    ]
    if published:
        lines += ["", "## Published", ""]
        lines += [
            f"- {p['catalogue']}: {p['status']} at {_place(p['location'])}" for p in published
        ]
        lines += ["", "## Reports", ""]
        lines += [f"- {p['catalogue']}: {_report(p['location'])}" for p in published]
    if quarantined:
        lines += ["", f"Reports kept in quarantine: `{quarantined}`"]
    if privacy is not None:
        lines += ["", "## Privacy decision", ""]
        lines += [f"- {name}: {value}" for name, value in privacy.items()]
    if report.counts:
        lines += ["", "## Findings by rule", "", "| rule | count |", "|---|---|"]
        lines += [f"| {code} | {count:,} |" for code, count in sorted(report.counts.items())]
    return "\n".join(lines) + "\n"


def _place(location: str) -> str:
    return (
        f"[{location}]({location})"
        if location.startswith(("http://", "https://"))
        else (f"`{location}`")
    )


def _report(location: str) -> str:
    """Where a steward opens the validation report of a published copy."""
    if location.startswith(("http://", "https://")):  # a CKAN dataset page lists it
        return f"[reports/validation.html on the dataset page]({location})"
    return f"`{location.rstrip('/')}/reports/validation.html`"


def findings_table(report: ValidationReport) -> list[dict[str, Any]]:
    return [
        {
            "severity": str(f.severity),
            "file": f.resource or "",
            "row": f.row if f.row is not None else "",
            "column": f.field or "",
            "what to fix": f.message,
            "rule": f.code,
        }
        for f in report.findings[:FIRST_FINDINGS]
    ]
