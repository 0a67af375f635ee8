"""A dataset refused for its errors or its privacy findings: what is kept, what is said.

Both ways of publishing (the Prefect flows, and flows/direct.py without a server) refuse
alike: the reports are quarantined with the quoted values of non-safe columns masked,
and the run fails with `dataset-invalid` naming the report.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from cdx.core.errors import DatasetInvalid
from cdx.core.findings import ValidationReport
from cdx.core.i18n import tr, tr_n
from cdx.flows.run_context import PublishRun

if TYPE_CHECKING:
    from cdx.protect.decision import PrivacyDecision


def mask_before_quarantine(
    run: PublishRun, report: ValidationReport, privacy: PrivacyDecision | None = None
) -> None:
    """Mask quoted values of non-safe columns in a report the privacy gate never saw.

    A dataset that fails validation is refused before the gate runs, so its reports
    still quote cells as read (a phone number in a column that breaks its pattern). The
    page is written again with the privacy decision, when there is one, still on it.
    """
    from cdx.protect.masking import mask_finding_values
    from cdx.reports.validation_report import write_reports

    if mask_finding_values(report, run.paths.package):
        write_reports(run.paths.package, report, privacy, lang=run.language)


def refusal(
    run: PublishRun, report: ValidationReport, kept: Path, private: int = 0
) -> DatasetInvalid:
    """The error a refused run fails with, carrying its report so the command line prints
    the findings as `cdx validate` does; `kept` is where its reports were quarantined and
    `private` how many of its errors the privacy gate found."""
    errors = tr_n("{count:,} error", "{count:,} errors", report.error_count)
    found = (
        tr_n(
            "{errors} ({count:,} privacy finding)",
            "{errors} ({count:,} privacy findings)",
            private,
            errors=errors,
        )
        if private
        else errors
    )
    return DatasetInvalid(
        tr(
            "{dataset} {version} has {found} and was not published",
            dataset=run.label,
            version=run.version,
            found=found,
        ),
        where=str(kept / "reports" / "validation.html"),
        hint=tr(
            "correct the data (or the privacy policy) as the findings above say, check it "
            "with `cdx validate {dataset}`, and publish again",
            dataset=run.dataset,
        ),
        report=report.to_dict(),
    )
