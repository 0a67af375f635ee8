"""`cdx validate`: one file with an optional schema and suite, or a configured dataset."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from cdx.core.errors import CdxError
from cdx.core.findings import ValidationReport
from cdx.core.i18n import language_in_use, localise, say

if TYPE_CHECKING:
    from cdx.core.coalition import Coalition
    from cdx.protect.decision import PrivacyDecision, ResourceProtection


def validate_target(
    target: str,
    config: Path,
    *,
    schema: Path | None,
    suite: Path | None,
    sheet: str | None,
    encoding: str | None,
) -> tuple[ValidationReport, PrivacyDecision | None, CdxError | None]:
    """The report; for a dataset the privacy gate's preview decision, and what would stop
    `cdx publish` before it reads the data (its signing key file), if anything."""
    path = Path(target)
    if path.suffix.lower() in (".csv", ".xlsx", ".txt", ".tsv") or path.is_file():
        report = validate_file(path, schema=schema, suite=suite, sheet=sheet, encoding=encoding)
        return report, None, None
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


def validate_dataset(
    name: str, config: Path
) -> tuple[ValidationReport, PrivacyDecision, CdxError | None]:
    """Every gate `cdx publish` runs, privacy included, on a work copy; nothing sealed."""
    from cdx.core.coalition import load_coalition
    from cdx.core.settings import Settings
    from cdx.flows import pipeline
    from cdx.flows.run_context import end_run, start_run
    from cdx.seal.provenance import RunRecord

    coalition = load_coalition(config)
    # Validating neither publishes nor seals: no catalogues resolved, no key read.
    run = start_run(
        coalition, name, RunRecord(), Settings(), publishing=False, language=language_in_use()
    )
    try:
        _, staged = pipeline.stage_sources(run)
        pipeline.build(run, staged)
        report = pipeline.validate(run)
        return report, pipeline.protect(run, report, preview=True), key_blocker(coalition)
    finally:
        end_run(run)  # the staged copies hold the data as collected


def key_blocker(coalition: Coalition) -> CdxError | None:
    """Why `cdx publish` would stop at the signing key file (missing, or others can read
    it), checked without reading the key: a valid verdict then says so too."""
    from cdx.core.keys import check_signing_key_file

    try:
        check_signing_key_file(coalition.resolve(coalition.config.signing.key))
    except CdxError as error:
        return error
    return None


def blocker_lines(error: CdxError) -> list[str]:
    """The warning under the findings: the data may be valid, publishing would stop."""
    stops = say(
        "! `cdx publish` would stop before reading the data: {message}  [{code}]",
        message=localise(error.message),
        code=error.code,
    )
    if not error.hint:
        return [stops]
    return [stops, "  " + say("How to fix: {hint}", hint=localise(error.hint))]


def preview_lines(decision: PrivacyDecision) -> list[str]:
    """What the privacy gate would do to each table, in words, for the terminal."""
    lines = [say("Privacy gate (preview: nothing is sealed or published):")]
    for table in decision.resources:
        protection = _protection(table, decision.policy)
        lines.append(
            "  " + say("file `{file}`: {protection}", file=table.resource, protection=protection)
        )
    return lines


def _protection(table: ResourceProtection, policy: dict[str, object]) -> str:
    if table.rows_out is None:
        return say(
            "{rows:,} rows; not protected yet: the findings above come first "
            "(roles, metadata and personal data were checked)",
            rows=table.rows_in,
        )
    parts = [say("{rows_in:,} → {rows_out:,} rows", rows_in=table.rows_in, rows_out=table.rows_out)]
    parts += [f"`{column}` {treatment}" for column, treatment in table.identifiers.items()]
    k = table.k_anonymity
    if k and k["quasiIdentifiers"]:
        quasi = ", ".join(f"`{c}`" for c in k["quasiIdentifiers"])
        share = k["recordsSuppressed"] / k["recordsIn"] if k["recordsIn"] else 0.0
        limit = float(policy.get("suppression_limit", 0.0))  # type: ignore[arg-type]
        parts.append(
            say(
                "k = {k} on {columns}: {generalised:,} records generalised, "
                "{suppressed:,} suppressed ({share:.1%}; limit {limit:.0%}), "
                "smallest class {smallest}",
                k=k["k"],
                columns=quasi,
                generalised=k["recordsGeneralised"],
                suppressed=k["recordsSuppressed"],
                share=share,
                limit=limit,
                smallest="—" if k["smallestClass"] is None else k["smallestClass"],  # none left
            )
        )
    elif k is not None:
        parts.append(say("no quasi-identifiers: no records suppressed"))
    cells = table.cell_suppression
    if cells:
        hidden = cells["primarySuppressed"] + cells["secondarySuppressed"]
        threshold = policy.get("cell_threshold")
        parts.append(
            say(
                "{hidden:,} cells hidden (counts under {threshold})",
                hidden=hidden,
                threshold=threshold,
            )
        )
    return "; ".join(parts)
