"""Prefect flows that publish: one dataset, or every dataset of a coalition."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn, cast

from prefect import flow, get_run_logger, runtime, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.task_runners import TaskRunner, ThreadPoolTaskRunner

from cdx.connectors.catalogue import PublishOutcome
from cdx.core.coalition import Coalition, load_coalition
from cdx.core.errors import CoalitionIncomplete
from cdx.core.findings import ValidationReport
from cdx.core.settings import Settings
from cdx.flows import pipeline
from cdx.flows.artifacts import artifact_key, findings_table, summary_markdown
from cdx.flows.credentials import credentials_from_blocks
from cdx.flows.refusal import mask_before_quarantine, refusal
from cdx.flows.retry import (
    PUBLISH_ONE_RETRIES,
    PUBLISH_RETRIES,
    STAGE_RETRIES,
    retry_only_transient,
)
from cdx.flows.run_context import PublishRun, end_run, start_run
from cdx.protect.decision import PrivacyDecision
from cdx.seal.provenance import RunRecord, SourceRecord
from cdx.seal.sealing import SealedPackage


@task(
    name="stage",
    retries=STAGE_RETRIES.retries,
    retry_delay_seconds=list(STAGE_RETRIES.delays),
    retry_condition_fn=retry_only_transient,
    cache_policy=NO_CACHE,
)
def stage_task(run: PublishRun) -> tuple[list[SourceRecord], list[Path]]:
    return pipeline.stage_sources(run)


@task(name="build", cache_policy=NO_CACHE)
def build_task(run: PublishRun, staged: list[Path]) -> None:
    pipeline.build(run, staged)


@task(name="validate", cache_policy=NO_CACHE)
def validate_task(run: PublishRun) -> ValidationReport:
    return pipeline.validate(run)


@task(name="protect", cache_policy=NO_CACHE)
def protect_task(run: PublishRun, report: ValidationReport) -> PrivacyDecision:
    return pipeline.protect(run, report)


@task(name="seal", cache_policy=NO_CACHE)
def seal_task(
    run: PublishRun,
    sources: list[SourceRecord],
    report: ValidationReport,
    privacy: PrivacyDecision,
) -> SealedPackage:
    return pipeline.seal(run, sources, report, privacy)


@task(
    name="publish",
    retries=PUBLISH_RETRIES.retries,
    retry_delay_seconds=list(PUBLISH_RETRIES.delays),
    retry_condition_fn=retry_only_transient,
    cache_policy=NO_CACHE,
)
def publish_task(run: PublishRun, sealed: SealedPackage, location: str) -> PublishOutcome:
    return _publish_with_blocks(run, sealed, location)


def _publish_with_blocks(run: PublishRun, sealed: SealedPackage, location: str) -> PublishOutcome:
    # Secrets are loaded inside the task, never passed as parameters (they would be
    # stored with the task run's inputs).
    credentials = credentials_from_blocks([location])
    get_run_logger().info("credentials: %s", credentials.source)
    return pipeline.publish(run, sealed, location, credentials)


@dataclass(frozen=True)
class Steps:
    """How a publish runs its steps: as task runs (publish_dataset) or as plain calls."""

    stage: Callable[..., tuple[list[SourceRecord], list[Path]]]
    build: Callable[..., None]
    validate: Callable[..., ValidationReport]
    protect: Callable[..., PrivacyDecision]
    seal: Callable[..., SealedPackage]
    publish: Callable[..., PublishOutcome]


AS_TASKS = Steps(stage_task, build_task, validate_task, protect_task, seal_task, publish_task)
# Inside a coalition run the dataset's own task run is the unit a steward reads; six
# nested task runs per dataset would only add orchestration calls.
AS_CALLS = Steps(
    pipeline.stage_sources,
    pipeline.build,
    pipeline.validate,
    pipeline.protect,
    pipeline.seal,
    _publish_with_blocks,
)


def _run_name() -> str:
    parameters = runtime.flow_run.parameters
    try:
        coalition = load_coalition(Path(parameters["config_path"]))
        version = coalition.dataset(parameters["dataset"]).version
        return f"{coalition.id}/{parameters['dataset']}@{version}"
    except Exception:  # the flow itself reports a bad config; the name must not fail
        return f"publish {parameters.get('dataset', '?')}"


@flow(name="publish_dataset", flow_run_name=_run_name)
def publish_dataset(config_path: str, dataset: str, language: str | None = None) -> dict[str, Any]:
    """stage → build → validate → protect → seal → publish one dataset to its catalogues.

    `language` is that of the run's reports (`cdx publish --lang`); a deployment leaves it
    out and the coalition's (or the worker's locale) is used."""
    coalition = load_coalition(Path(config_path))
    return _publish(coalition, dataset, runtime.flow_run.name, AS_TASKS, language)


def _dataset_task_name() -> str:
    parameters = runtime.task_run.parameters
    coalition: Coalition = parameters["coalition"]
    dataset = parameters["dataset"]
    return f"{coalition.id}/{dataset}@{coalition.dataset(dataset).version}"


@task(
    name="publish_one",
    task_run_name=_dataset_task_name,
    retries=PUBLISH_ONE_RETRIES.retries,
    retry_delay_seconds=list(PUBLISH_ONE_RETRIES.delays),
    retry_condition_fn=retry_only_transient,  # publishing again is idempotent
    cache_policy=NO_CACHE,
)
def publish_one_task(
    coalition: Coalition, dataset: str, language: str | None = None
) -> dict[str, Any]:
    """One dataset of a coalition run: the same steps as publish_dataset, in one task run."""
    return _publish(coalition, dataset, runtime.flow_run.name, AS_CALLS, language)


def _publish(
    coalition: Coalition, dataset: str, run_name: str, steps: Steps, language: str | None
) -> dict[str, Any]:
    record = RunRecord(
        orchestrator="prefect", flow_run_id=str(runtime.flow_run.id), flow_run_name=run_name
    )
    # Fails before any work when a catalogue is undefined or the key is missing or
    # readable by others.
    run = start_run(coalition, dataset, record, Settings(), language=language)
    try:  # nothing unprotected outlives the run
        return _publish_steps(run, steps)
    finally:
        end_run(run)


def _publish_steps(run: PublishRun, steps: Steps) -> dict[str, Any]:
    logger = get_run_logger()
    sources, staged = steps.stage(run)
    steps.build(run, staged)
    report = steps.validate(run)
    validated, errors_before = report.valid, report.error_count
    # The gate checks even data that failed validation (roles, metadata, detectors), so
    # a refusal lists every finding at once, as `cdx validate` does; it protects only
    # valid data.
    privacy = steps.protect(run, report)
    if validated:
        risk: dict[str, Any] = {"accepted": privacy.accepted, **privacy.residual_risk()}
    else:
        risk = {"accepted": "not assessed: the data failed validation first"}
    if not report.valid or not privacy.accepted:
        mask_before_quarantine(run, report, privacy)
        _refuse(run, report, risk, report.error_count - errors_before)
    sealed = steps.seal(run, sources, report, privacy)
    published = []
    for name, location in run.catalogues.items():
        outcome = steps.publish(run, sealed, location)
        logger.info("%s → %s: %s", run.label, name, outcome.status)
        published.append(
            {"catalogue": name, "status": outcome.status, "location": outcome.location}
        )
    _artifacts(run, report, published, None, risk)
    return pipeline.outcome(run, report, published)


def _refuse(
    run: PublishRun, report: ValidationReport, privacy: dict[str, Any], private: int
) -> NoReturn:
    """Quarantine the reports of a refused dataset and fail the run with its findings."""
    kept = pipeline.quarantine(run)
    _artifacts(run, report, [], str(kept), privacy)
    raise refusal(run, report, kept, private)


def _artifacts(
    run: PublishRun,
    report: ValidationReport,
    published: list[dict[str, str]],
    quarantined: str | None,
    privacy: dict[str, Any] | None = None,
) -> None:
    key = artifact_key("publish", run.coalition.id, run.dataset)
    label, version = run.label, run.version
    create_markdown_artifact(
        key=key,
        markdown=summary_markdown(label, version, report, published, quarantined, privacy),
        description=f"Publish summary for {label} {version}",
    )
    if report.findings:
        create_table_artifact(
            key=f"{key}-findings",
            table=findings_table(report),
            description=f"First findings for {label} {version}",
        )


def _coalition_run_name() -> str:
    parameters = runtime.flow_run.parameters
    try:
        coalition = load_coalition(Path(parameters["config_path"]))
        count = len(parameters.get("datasets") or coalition.config.datasets)
        return f"{coalition.id}: {count} datasets"
    except Exception:  # the flow itself reports a bad config; the name must not fail
        return "publish coalition"


@flow(
    name="publish_coalition",
    flow_run_name=_coalition_run_name,
    task_runner=cast("TaskRunner[Any]", ThreadPoolTaskRunner(Settings().publish_workers)),
)
def publish_coalition(
    config_path: str, datasets: list[str] | None = None, language: str | None = None
) -> dict[str, Any]:
    """Publish every dataset (or the named ones); one failing dataset does not stop the rest.

    Each dataset is one task run (named coalition/dataset@version, with the same step
    tasks and artifacts as a publish_dataset run) rather than a subflow, which costs far
    more orchestration per dataset (docs/decisions/0049-coalition-run-task-runs.md).
    """
    coalition = load_coalition(Path(config_path))
    names = datasets or sorted(coalition.config.datasets)
    states = {}
    # The first dataset goes alone: it creates what a coalition's datasets share in a
    # catalogue (the CKAN organisation, the keys record), so the others never race to.
    for group in (names[:1], names[1:]):
        futures = {name: publish_one_task.submit(coalition, name, language) for name in group}
        for name, future in futures.items():
            future.wait()
            states[name] = future.state
    failures = {
        name: getattr(state.result(raise_on_failure=False), "code", "system-error")
        for name, state in states.items()
        if not state.is_completed()
    }
    if failures:
        raise CoalitionIncomplete(failures, len(names))
    return {name: state.result() for name, state in states.items()}
