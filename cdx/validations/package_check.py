"""Validate every table of a built package: header, Table Schema, then expectations.

A table is loaded once into DuckDB (table/loaded.py) and both the Table Schema checks
(table/checks.py) and the suite (expectations/columnar.py) read it from there. Files or
schemas the columnar engine does not model go to frictionless-py and to the suite on a
whole pandas frame; both paths give the same findings.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cdx.core.errors import ValidationMemory
from cdx.core.findings import CappedFindings, Finding, ValidationReport
from cdx.core.layout import DESCRIPTOR
from cdx.validations.table.header import check_header, read_header
from cdx.validations.table.table_schema import missing_values

if TYPE_CHECKING:
    from cdx.validations.table.field_sql import FieldSql
    from cdx.validations.table.loaded import LoadedTable

LABEL_FINDINGS = {"blank-label", "duplicate-label", "incorrect-label", "extra-label"}
CAP = 1000  # findings kept per code; the rest are only counted


def validate_table(
    csv_path: Path,
    schema: dict[str, Any],
    suite: dict[str, Any] | None,
    *,
    resource: str,
    cap: int = CAP,
) -> tuple[list[Finding], int]:
    """Header, Table Schema and (when given) the suite for one UTF-8 CSV table.

    The list is a `CappedFindings`: at most `cap` findings of a code, with exact counts of
    the others, which `ValidationReport.extend` adds to its totals.
    """
    from cdx.validations.table.loaded import TableNotColumnar

    header = check_header(csv_path, resource=resource)
    with _within_memory_budget(csv_path):
        try:
            return _validate_columnar(csv_path, schema, suite, header, resource, cap)
        except TableNotColumnar:
            return _validate_with_frictionless(csv_path, schema, suite, header, resource, cap)


def _validate_columnar(
    csv_path: Path,
    schema: dict[str, Any],
    suite: dict[str, Any] | None,
    header: list[Finding],
    resource: str,
    cap: int,
) -> tuple[list[Finding], int]:
    """validate_table with the columnar engine; TableNotColumnar where frictionless should.

    Besides what the engine does not model, and a wide, short table: a table DuckDB
    cannot read or check as written (its error), and a wide table DuckDB cannot check
    within its memory budget. DuckDB takes a block of memory for each column it stores,
    and the checks store a flag per check, so a wide table with many bad rows can run out
    of the budget while loading; frictionless' memory does not grow with the columns
    (docs/decisions/0014-duckdb-errors-to-frictionless.md).
    """
    import duckdb

    from cdx.validations.table.checks import check_cells
    from cdx.validations.table.field_sql import fields_sql
    from cdx.validations.table.loaded import MANY_COLUMNS, TableNotColumnar

    fields = fields_sql(schema, read_header(csv_path))
    if _wide_and_short(csv_path, len(fields)):
        raise TableNotColumnar("frictionless reads a wide, short table faster")
    try:
        table = load_for_checks(csv_path, fields, schema, suite)
        try:
            checked = check_cells(table, fields, schema, resource=resource, cap=cap)
            findings = _after_header(header, checked, cap)
            if suite is not None:
                findings.merge(_suite_findings(suite, table, csv_path, schema, resource, cap))
            return findings, table.rows
        finally:
            table.close()
    except duckdb.OutOfMemoryException as e:
        if len(fields) <= MANY_COLUMNS:
            raise  # a long table: more memory is the way (_within_memory_budget says so)
        raise TableNotColumnar("a wide table DuckDB cannot check within its budget") from e
    except duckdb.Error as e:
        if isinstance(e, duckdb.InterruptException):
            raise
        # a file or schema the SQL does not read as written (lines ending \r\n and \n
        # in one file, a pattern RE2 refuses): the reference engine reads it, slower,
        # rather than leaving a person with DuckDB's traceback
        raise TableNotColumnar(f"DuckDB could not check it: {str(e).splitlines()[0]}") from e


def _suite_findings(
    suite: dict[str, Any],
    table: LoadedTable,
    csv_path: Path,
    schema: dict[str, Any],
    resource: str,
    cap: int,
) -> list[Finding]:
    """The suite's findings, from the loaded table, or from a whole frame where the table
    cannot say them: an empty line is a row of '' to pandas, and where '' is no missing
    value its cells are values (repeated, off-pattern, …) that the table has no row for."""
    if table.blank_lines and "" not in missing_values(schema):
        from cdx.validations.expectations.suites import read_frame, run_suite

        return run_suite(suite, read_frame(csv_path, schema), resource=resource)
    from cdx.validations.expectations.columnar import run_suite_on_table

    return run_suite_on_table(suite, table, schema, resource=resource, cap=cap)


def load_for_checks(
    csv_path: Path, fields: list[FieldSql], schema: dict[str, Any], suite: dict[str, Any] | None
) -> LoadedTable:
    """The table loaded for check_cells and run_suite_on_table: the rules, the rows the
    suite's row-wise expectations are to see, and the columns read on every row, together
    (a column left out of `whole` is read by the suite only on `suspect` rows)."""
    from cdx.validations.table.checks import table_rules
    from cdx.validations.table.loaded import load_table

    labels = read_header(csv_path)
    suspect = None
    if suite is not None:
        from cdx.validations.expectations.columnar import suspect_rows

        suspect = suspect_rows(suite, schema, labels)
    return load_table(
        csv_path,
        fields=len(fields),
        rules=table_rules(fields, suspect),
        whole=_read_whole(fields, schema, suite, labels, picked=suspect is not None),
    )


# DuckDB's cost of planning the checks grows with the columns (the SQL does), whatever the
# rows; frictionless' cost grows with the cells: on a table of many columns and few rows,
# planning is all the time. Such a table goes to frictionless. SHORT is the number of rows
# where the two cross (tests/bench/wide_tables.py;
# docs/decisions/0025-wide-short-tables-to-frictionless.md).
SHORT = 2_000


def _wide_and_short(csv_path: Path, fields: int) -> bool:
    """Many columns and, judged from the size of the file and its first lines, few rows."""
    from cdx.validations.table.loaded import MANY_COLUMNS

    if fields <= MANY_COLUMNS:
        return False
    with csv_path.open("rb") as handle:
        sample = handle.read(1 << 20)
    if not sample:
        return False
    lines = max(sample.count(b"\n"), 1)
    rows = csv_path.stat().st_size / (len(sample) / lines)  # about, from the sample's lines
    return rows < SHORT


def _read_whole(
    fields: list[FieldSql],
    schema: dict[str, Any],
    suite: dict[str, Any] | None,
    labels: list[str],
    *,
    picked: bool,
) -> set[int] | None:
    """The columns the checks and the suite read on every row, not only on bad rows."""
    from cdx.validations.table.checks import whole_columns

    whole = whole_columns(fields, schema)
    if suite is None:
        return whole
    from cdx.validations.expectations.columnar import suite_columns

    needed = suite_columns(suite, labels, picked=picked)
    return None if needed is None else whole | needed


@contextlib.contextmanager
def _within_memory_budget(csv_path: Path) -> Iterator[None]:
    """DuckDB's out-of-memory error, said as what to change."""
    import duckdb

    from cdx.validations.table.loaded import MEMORY_LIMIT

    try:
        yield
    except duckdb.OutOfMemoryException as e:
        raise ValidationMemory(
            f"validating this file needed more than its memory budget of {MEMORY_LIMIT} "
            f"({str(e).splitlines()[0]})",
            where=str(csv_path),
            hint="set CDX_VALIDATION_MEMORY higher (e.g. 1GB), or free space in the temporary "
            "directory DuckDB spills to",
        ) from e


def _validate_with_frictionless(
    csv_path: Path,
    schema: dict[str, Any],
    suite: dict[str, Any] | None,
    header: list[Finding],
    resource: str,
    cap: int,
) -> tuple[list[Finding], int]:
    from cdx.validations.table.table_schema import check_table

    checked, rows = check_table(csv_path, schema, resource=resource)
    findings = _after_header(header, checked, cap)
    if suite is not None:
        from cdx.validations.expectations.suites import read_frame, run_suite

        findings.merge(run_suite(suite, read_frame(csv_path, schema), resource=resource))
    return findings, rows


def _after_header(header: list[Finding], checked: list[Finding], cap: int) -> CappedFindings:
    findings = CappedFindings(header, cap=cap)
    if header:
        # The header check already named these columns; frictionless would repeat it.
        # (what `kept` leaves out past the cap is counted there, beside what `checked`
        # had already left out: frictionless' list is plain and had nothing counted)
        kept = CappedFindings([f for f in checked if f.code not in LABEL_FINDINGS], cap=cap)
        for ((resource, column, code), severity), n in getattr(
            checked, "rules_left_out", {}
        ).items():
            if code not in LABEL_FINDINGS:
                kept.count_left_out(code, severity, n, resource, column)
        checked = kept
    findings.merge(checked)
    return findings


def validate_package(
    package_dir: Path, suites: dict[str, dict[str, Any]], *, dataset: str
) -> ValidationReport:
    """Findings for all resources; `suites` maps a resource name to its GX suite."""
    descriptor = json.loads((package_dir / DESCRIPTOR).read_text(encoding="utf-8"))
    report = ValidationReport(dataset=dataset)
    for resource in descriptor["resources"]:
        name = resource["name"]
        findings, rows = validate_table(
            package_dir / resource["path"], resource["schema"], suites.get(name), resource=name
        )
        report.extend(findings)
        report.rows_checked[name] = rows
    return report
