"""The publish pipeline as plain functions: what the Prefect flows and the CLI compose.

stage → build → validate → protect → seal → publish. Nothing here imports Prefect.
"""

from __future__ import annotations

import datetime as dt
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cdx.connectors.catalogue import (
    CredentialSet,
    PackageRef,
    PublishOutcome,
    open_catalogue,
)
from cdx.connectors.sources import stage_file
from cdx.core.coalition import Coalition
from cdx.core.findings import ValidationReport
from cdx.core.keys import load_signing_key, trust_entry
from cdx.core.references import resolve_reference
from cdx.packaging.build import build_dataset, resource_name
from cdx.protect.decision import PrivacyDecision
from cdx.reports.validation_report import write_reports
from cdx.seal.provenance import RunRecord, SourceRecord
from cdx.seal.sealing import SealedPackage, seal_package
from cdx.validations.package_check import validate_package


@dataclass(frozen=True)
class RunPaths:
    """A run's private work area: staged sources and the package being built."""

    root: Path

    @property
    def staged(self) -> Path:
        return self.root / "staged"

    @property
    def package(self) -> Path:
        return self.root / "package"


def new_run_paths(work_dir: Path, run: RunRecord) -> RunPaths:
    paths = RunPaths(work_dir / "runs" / run.run_id)
    paths.root.mkdir(parents=True, exist_ok=False)
    return paths


def stage_sources(
    coalition: Coalition, dataset: str, paths: RunPaths
) -> tuple[list[SourceRecord], list[Path]]:
    records, staged = [], []
    for index, source in enumerate(coalition.dataset(dataset).sources):
        result = stage_file(source.path, coalition.base_dir, paths.staged / str(index))
        records.append(result.record)
        staged.append(result.path)
    return records, staged


def build(coalition: Coalition, dataset: str, staged: list[Path], paths: RunPaths) -> None:
    build_dataset(coalition, dataset, staged, paths.package)


def validate(coalition: Coalition, dataset: str, paths: RunPaths) -> ValidationReport:
    """Run every check, write reports/ into the package, and return the report."""
    suites = load_suites(coalition, dataset)
    report = validate_package(paths.package, suites, dataset=f"{coalition.id}/{dataset}")
    write_reports(paths.package, report)
    return report


def protect(
    coalition: Coalition, dataset: str, paths: RunPaths, report: ValidationReport
) -> PrivacyDecision:
    """The privacy gate: refuse, or replace data/ with the protected tables.

    Privacy findings join the validation report, and the reports are rewritten with the
    decision (reports/privacy.json and a section of the HTML page).
    """
    from cdx.protect.gate import protect_package
    from cdx.protect.identifiers import load_pseudonym_key
    from cdx.protect.masking import mask_finding_values

    spec = coalition.dataset(dataset)
    key_path = coalition.resolve(coalition.config.pseudonymisation.key)
    decision, findings = protect_package(
        paths.package,
        spec.privacy,
        dataset=f"{coalition.id}/{dataset}",
        country=spec.metadata.geographic_coverage.country,
        pseudonym_key=lambda: load_pseudonym_key(key_path),
    )
    report.extend(findings)
    mask_finding_values(report, paths.package)
    write_reports(paths.package, report, privacy=decision)
    return decision


def load_suites(coalition: Coalition, dataset: str) -> dict[str, dict[str, Any]]:
    suites: dict[str, dict[str, Any]] = {}
    for source in coalition.dataset(dataset).sources:
        if source.suite:
            from cdx.validations.expectations.suites import load_suite

            path = resolve_reference(source.suite, coalition.base_dir, kind="suite")
            suites[resource_name(source)] = load_suite(path)
    return suites


def quarantine(paths: RunPaths, work_dir: Path, dataset: str, version: str) -> Path:
    """Keep the reports of a refused dataset where the data officer can read them."""
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    target = work_dir / "quarantine" / dataset / version / stamp
    target.mkdir(parents=True, exist_ok=True)
    shutil.copytree(paths.package / "reports", target / "reports", dirs_exist_ok=True)
    return target


def seal(
    coalition: Coalition,
    dataset: str,
    paths: RunPaths,
    sources: list[SourceRecord],
    run: RunRecord,
    report: ValidationReport,
    privacy: PrivacyDecision,
) -> SealedPackage:
    """Sign a protected package; a package the privacy gate refused is never sealed."""
    if not privacy.accepted:
        from cdx.core.errors import DatasetInvalid

        raise DatasetInvalid(
            f"{coalition.id}/{dataset} was refused by the privacy gate and cannot be sealed",
            hint="open reports/validation.html, correct the data or the policy, publish again",
        )
    info = coalition.config.coalition
    key = load_signing_key(info.id, coalition.resolve(coalition.config.signing.key))
    return seal_package(
        paths.package,
        key=key,
        coalition={"id": info.id, "name": info.name, "country": info.country},
        dataset=dataset,
        sources=sources,
        run=run,
        validation={
            "valid": report.valid,
            "errors": report.error_count,
            "warnings": report.warning_count,
            "rowsChecked": report.rows_checked,
        },
        decisions=privacy.provenance(),
    )


def catalogue_locations(coalition: Coalition, dataset: str) -> dict[str, str]:
    """The catalogues this dataset goes to, by name."""
    wanted = coalition.dataset(dataset).catalogues
    known = coalition.config.catalogues
    if wanted is None:
        return dict(known)
    missing = [name for name in wanted if name not in known]
    if missing:
        from cdx.core.errors import ConfigError

        raise ConfigError(
            f"dataset {dataset!r} names catalogues that are not defined: {', '.join(missing)}",
            where=str(coalition.path),
            hint=f"define them under `catalogues:` (known: {', '.join(known) or 'none'})",
        )
    return {name: known[name] for name in wanted}


def publish(
    coalition: Coalition,
    sealed: SealedPackage,
    location: str,
    credentials: CredentialSet | None = None,
) -> PublishOutcome:
    catalogue = open_catalogue(location, base_dir=coalition.base_dir, credentials=credentials)
    ref = PackageRef(sealed.coalition, sealed.dataset, sealed.version)
    outcome = catalogue.publish(sealed.path, ref)
    key = load_signing_key(coalition.id, coalition.resolve(coalition.config.signing.key))
    catalogue.publish_key(coalition.id, trust_entry(key.public))
    return outcome
