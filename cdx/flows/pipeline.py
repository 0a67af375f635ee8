"""The publish pipeline as plain functions: what the Prefect flows and the CLI compose.

stage → build → validate → protect → seal → publish, each taking the run
(flows/run_context.py) that `start_run` made. Nothing here imports Prefect.
"""

from __future__ import annotations

import datetime as dt
import secrets
import shutil
from pathlib import Path
from typing import Any

from cdx.connectors.catalogue import CredentialSet, PackageRef, PublishOutcome
from cdx.connectors.registry import open_catalogue
from cdx.connectors.sources import stage_file
from cdx.core.findings import ValidationReport
from cdx.core.i18n import tr
from cdx.core.keys import trust_entry
from cdx.core.references import resolve_reference
from cdx.flows.row_counts import check_row_counts
from cdx.flows.run_context import PublishRun
from cdx.packaging.build import build_dataset, resource_name
from cdx.protect.decision import PrivacyDecision
from cdx.reports.validation_report import write_reports
from cdx.seal.provenance import SourceRecord
from cdx.seal.sealing import SealedPackage, seal_package
from cdx.validations.package_check import validate_package


def stage_sources(run: PublishRun) -> tuple[list[SourceRecord], list[Path]]:
    records, staged = [], []
    for index, source in enumerate(run.spec.sources):
        result = stage_file(source.path, run.coalition.base_dir, run.paths.staged / str(index))
        records.append(result.record)
        staged.append(result.path)
    return records, staged


def build(run: PublishRun, staged: list[Path]) -> None:
    build_dataset(run.coalition, run.dataset, staged, run.paths.package)


def validate(run: PublishRun) -> ValidationReport:
    """Run every check, write reports/ into the package, and return the report."""
    report = validate_package(run.paths.package, load_suites(run), dataset=run.label)
    write_reports(run.paths.package, report, lang=run.language)
    return report


def protect(run: PublishRun, report: ValidationReport, *, preview: bool = False) -> PrivacyDecision:
    """The privacy gate: refuse, or replace data/ with the protected tables.

    Privacy findings join the validation report, and the reports are rewritten with the
    decision (reports/privacy.json and a section of the HTML page). Data that failed
    validation is only checked (roles, metadata, detectors), not protected. A preview
    (`cdx validate`) protects the run's own copy with a throwaway pseudonym key, so it
    reads no secret and creates none: its hashes are never published.
    """
    from cdx.protect.gate import protect_package
    from cdx.protect.identifiers import load_pseudonym_key
    from cdx.protect.masking import mask_finding_values

    coalition = run.coalition
    key_path = coalition.resolve(coalition.config.pseudonymisation.key)
    throwaway = secrets.token_bytes(32)
    decision, findings = protect_package(
        run.paths.package,
        run.spec.privacy,
        dataset=run.label,
        country=run.spec.metadata.geographic_coverage.country,
        pseudonym_key=(lambda: throwaway) if preview else lambda: load_pseudonym_key(key_path),
        transform=report.valid,
    )
    report.extend(findings)
    if decision.accepted and not preview:
        # Only a sealed package carries its findings out; a refusal stays with the officer,
        # who needs the values to correct them (privacy findings mask their own).
        mask_finding_values(report, run.paths.package)
    write_reports(run.paths.package, report, privacy=decision, lang=run.language)
    return decision


def load_suites(run: PublishRun) -> dict[str, dict[str, Any]]:
    suites: dict[str, dict[str, Any]] = {}
    for source in run.spec.sources:
        if source.suite:
            from cdx.validations.expectations.suites import load_suite

            path = resolve_reference(source.suite, run.coalition.base_dir, kind="suite")
            suites[resource_name(source)] = load_suite(path)
    return suites


def quarantine(run: PublishRun) -> Path:
    """Keep the reports of a refused dataset where the data officer can read them."""
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    target = run.work_dir / "quarantine" / run.dataset / run.version / stamp
    target.mkdir(parents=True, exist_ok=True)
    shutil.copytree(run.paths.package / "reports", target / "reports", dirs_exist_ok=True)
    return target


def seal(
    run: PublishRun,
    sources: list[SourceRecord],
    report: ValidationReport,
    privacy: PrivacyDecision,
) -> SealedPackage:
    """Sign a protected package; a package the privacy gate refused is never sealed."""
    if not privacy.accepted:
        from cdx.core.errors import DatasetInvalid

        raise DatasetInvalid(
            tr("{dataset} was refused by the privacy gate and cannot be sealed", dataset=run.label),
            hint=tr("open reports/validation.html, correct the data or the policy, publish again"),
        )
    check_row_counts(run.paths.package, report.rows_checked, privacy)
    info = run.coalition.config.coalition
    return seal_package(
        run.paths.package,
        key=run.signing_key,
        coalition={"id": info.id, "name": info.name, "country": info.country},
        dataset=run.dataset,
        sources=sources,
        run=run.record,
        validation={
            "valid": report.valid,
            "errors": report.error_count,
            "warnings": report.warning_count,
            "rowsChecked": report.rows_checked,
        },
        decisions=privacy.provenance(),
    )


def publish(
    run: PublishRun,
    sealed: SealedPackage,
    location: str,
    credentials: CredentialSet | None = None,
) -> PublishOutcome:
    catalogue = open_catalogue(location, base_dir=run.coalition.base_dir, credentials=credentials)
    ref = PackageRef(sealed.coalition, sealed.dataset, sealed.version)
    outcome = catalogue.publish(sealed.path, ref)
    catalogue.publish_key(run.coalition.id, trust_entry(run.signing_key.public))
    return outcome


def outcome(
    run: PublishRun, report: ValidationReport, published: list[dict[str, str]]
) -> dict[str, Any]:
    """What a published dataset's run returns, however it ran (flow or direct)."""
    return {
        "coalition": run.coalition.id,
        "dataset": run.dataset,
        "version": run.version,
        "valid": True,
        "warnings": report.warning_count,
        "published": published,
        "run_id": run.record.run_id,
    }
