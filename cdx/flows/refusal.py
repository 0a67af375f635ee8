"""A dataset refused for its errors or its privacy findings: what is kept, what is said.

Both ways of publishing (the Prefect flows, and flows/direct.py without a server) refuse
alike: the reports are quarantined with the quoted values of non-safe columns masked,
and the run fails with `dataset-invalid` naming the report.
"""

from __future__ import annotations

from pathlib import Path

from cdx.core.errors import DatasetInvalid
from cdx.core.findings import ValidationReport, counted
from cdx.flows.run_context import PublishRun


def mask_before_quarantine(run: PublishRun, report: ValidationReport) -> None:
    """Mask quoted values of non-safe columns in a report the privacy gate never saw.

    A dataset that fails validation is refused before the gate runs, so its reports
    still quote cells as read (a phone number in a column that breaks its pattern).
    """
    from cdx.protect.masking import mask_finding_values
    from cdx.reports.validation_report import write_reports

    if mask_finding_values(report, run.paths.package):
        write_reports(run.paths.package, report)


def refusal(
    run: PublishRun, report: ValidationReport, kept: Path, private: int = 0
) -> DatasetInvalid:
    """The error a refused run fails with, carrying its report so the command line prints
    the findings as `cdx validate` does; `kept` is where its reports were quarantined and
    `private` how many of its errors the privacy gate found."""
    found = counted(report.error_count, "error")
    if private:
        found += f" ({counted(private, 'privacy finding')})"
    return DatasetInvalid(
        f"{run.label} {run.version} has {found} and was not published",
        where=str(kept / "reports" / "validation.html"),
        hint="correct the data (or the privacy policy) as the findings above say, check it "
        f"with `cdx validate {run.dataset}`, and publish again",
        report=report.to_dict(),
    )
