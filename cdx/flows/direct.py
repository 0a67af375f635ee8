"""Publishing one dataset without a Prefect server: the plain steps, called in order.

When no server is configured, `cdx publish` runs this instead of the `publish_dataset`
flow: the same steps (flows/pipeline.py), the same retries of transient failures
(flows/retry.py), the same refusal (flows/refusal.py); the run is recorded in the
coalition's journal (flows/run_journal.py) instead of a server's database. Nothing here
imports Prefect (docs/decisions/0068-publish-without-a-server.md).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from cdx.core.coalition import Coalition
from cdx.core.errors import CdxError
from cdx.core.findings import ValidationReport
from cdx.core.settings import Settings
from cdx.flows import pipeline, run_journal
from cdx.flows.refusal import mask_before_quarantine, refusal
from cdx.flows.retry import PUBLISH_RETRIES, STAGE_RETRIES, call_with_retries
from cdx.flows.run_context import PublishRun, end_run, start_run
from cdx.seal.provenance import RunRecord


def publish_directly(
    coalition: Coalition,
    dataset: str,
    settings: Settings,
    *,
    wait: Callable[[float], None] = time.sleep,
    language: str | None = None,
) -> dict[str, Any]:
    """stage → build → validate → protect → seal → publish one dataset, journalled; its
    reports in `language` (default: the coalition's, the locale's or English)."""
    version = coalition.dataset(dataset).version
    record = RunRecord(orchestrator="cdx", flow_run_name=f"{coalition.id}/{dataset}@{version}")
    work_dir = settings.work_dir_for(coalition.base_dir)
    started = run_journal.RunEvent(
        record.run_id, coalition.id, dataset, version, "Running", run_journal.now()
    )
    run_journal.record(work_dir, started)
    try:
        result = _publish(coalition, dataset, record, settings, wait, language)
    except CdxError as error:
        failed = started.ending(
            "Failed",
            error_code=error.code,
            message=error.message,
            where=error.where or "",
            hint=error.hint or "",
            findings=_first_findings(error),
        )
        run_journal.record(work_dir, failed)
        raise
    except BaseException as error:
        message = f"{type(error).__name__}: {error}"
        run_journal.record(work_dir, started.ending("Failed", message=message))
        raise
    statuses = {place["catalogue"]: place["status"] for place in result["published"]}
    run_journal.record(work_dir, started.ending("Completed", catalogues=statuses))
    return result


def _first_findings(error: CdxError, shown: int = 3) -> list[str]:
    """A refused run's first findings (the first of each rule first), values masked as in
    its quarantined report, for `cdx status --runs` to show the cause."""
    report = getattr(error, "report", None)
    if not report:
        return []
    findings = ValidationReport.from_dict(report).shown(shown)
    return [f"{finding.sentence()}  [{finding.code}]" for finding in findings]


def _publish(
    coalition: Coalition,
    dataset: str,
    record: RunRecord,
    settings: Settings,
    wait: Callable[[float], None],
    language: str | None,
) -> dict[str, Any]:
    # Fails before any work when a catalogue is undefined or the key is missing or
    # readable by others.
    run = start_run(coalition, dataset, record, settings, language=language)
    try:
        return _steps(run, wait)
    finally:
        end_run(run)


def _steps(run: PublishRun, wait: Callable[[float], None]) -> dict[str, Any]:
    sources, staged = call_with_retries(STAGE_RETRIES, pipeline.stage_sources, run, wait=wait)
    pipeline.build(run, staged)
    report = pipeline.validate(run)
    errors_before = report.error_count
    # The gate checks even data that failed validation (roles, metadata, detectors), so
    # a refusal lists every finding at once, as `cdx validate` does; it protects only
    # valid data.
    privacy = pipeline.protect(run, report)
    if not report.valid or not privacy.accepted:
        mask_before_quarantine(run, report, privacy)
        private = report.error_count - errors_before
        raise refusal(run, report, pipeline.quarantine(run), private)
    sealed = pipeline.seal(run, sources, report, privacy)
    published = []
    for name, location in run.catalogues.items():
        outcome = call_with_retries(
            PUBLISH_RETRIES, pipeline.publish, run, sealed, location, wait=wait
        )
        published.append(
            {"catalogue": name, "status": outcome.status, "location": outcome.location}
        )
    return pipeline.outcome(run, report, published)
