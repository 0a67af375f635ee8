"""`cdx validate`: one file with an optional schema and suite, or a configured dataset."""

from __future__ import annotations

import tempfile
from pathlib import Path

from cdx.core.findings import ValidationReport


def validate_target(
    target: str,
    config: Path,
    *,
    schema: Path | None,
    suite: Path | None,
    sheet: str | None,
    encoding: str | None,
) -> ValidationReport:
    path = Path(target)
    if path.suffix.lower() in (".csv", ".xlsx", ".txt", ".tsv") or path.is_file():
        return validate_file(path, schema=schema, suite=suite, sheet=sheet, encoding=encoding)
    return validate_dataset(target, config)


def validate_file(
    path: Path,
    *,
    schema: Path | None,
    suite: Path | None,
    sheet: str | None,
    encoding: str | None,
) -> ValidationReport:
    from cdx.packaging.descriptor import load_table_schema
    from cdx.packaging.inference import infer_schema
    from cdx.packaging.tabular import normalise_table
    from cdx.validations.package_check import validate_table

    with tempfile.TemporaryDirectory(prefix="cdx-validate-") as scratch:
        table = normalise_table(path, Path(scratch) / "table.csv", encoding=encoding, sheet=sheet)
        table_schema = load_table_schema(schema) if schema else infer_schema(table.path)
        loaded_suite = None
        if suite:
            from cdx.validations.expectations.suites import load_suite

            loaded_suite = load_suite(suite)
        findings, rows = validate_table(table.path, table_schema, loaded_suite, resource=path.name)
    report = ValidationReport(dataset=str(path))
    report.extend(findings)
    report.rows_checked[path.name] = rows
    return report


def validate_dataset(name: str, config: Path) -> ValidationReport:
    from cdx.core.coalition import load_coalition
    from cdx.core.settings import Settings
    from cdx.flows import pipeline
    from cdx.flows.run_context import end_run, start_run
    from cdx.seal.provenance import RunRecord

    coalition = load_coalition(config)
    # Validating neither publishes nor seals: no catalogues resolved, no key read.
    run = start_run(coalition, name, RunRecord(), Settings(), publishing=False)
    try:
        _, staged = pipeline.stage_sources(run)
        pipeline.build(run, staged)
        return pipeline.validate(run)
    finally:
        end_run(run)  # the staged copies hold the data as collected
