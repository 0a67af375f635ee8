"""How the command line speaks: findings and errors in words, never tracebacks."""

from __future__ import annotations

import json
import sys
from typing import Any

from rich.console import Console
from rich.markup import escape

from cdx.core.errors import CdxError, DataUnacceptable
from cdx.core.findings import Severity, ValidationReport, rule_place
from cdx.core.i18n import localise, localise_all, say, say_n

# Exit codes: 0 fine, 1 the data or package is not acceptable, 2 usage or configuration,
# 3 a passing failure of a service (try again).
EXIT_INVALID = 1
EXIT_USAGE = 2
EXIT_TRANSIENT = 3

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)


def exit_code_for(error: CdxError) -> int:
    if isinstance(error, DataUnacceptable):
        return EXIT_INVALID
    return EXIT_TRANSIENT if error.transient else EXIT_USAGE


def report_error(error: CdxError, *, as_json: bool = False) -> int:
    """The error for people, or as JSON: its code and where as they are, its message and
    hint in the language in use (like every marked text print_json prints)."""
    if as_json:
        print_json({"ok": False, "error": error.to_dict()})
    else:
        heading = say("Error")
        err.print(f"[bold red]{escape(heading)}[/] {escape(f'[{error.code}]')}", end=" ")
        where = f"{error.where}: " if error.where else ""
        err.print(f"{where}{localise(error.message)}", markup=False)
        if error.hint:
            err.print("  " + say("How to fix: {hint}", hint=localise(error.hint)), markup=False)
    return exit_code_for(error)


def marked(colour: str, text: str) -> str:
    """`text` in a colour, as Rich markup (the text itself never read as markup)."""
    return f"[{colour}]{escape(text)}[/]"


def print_report(
    report: ValidationReport, *, limit: int, before_verdict: list[str] | None = None
) -> None:
    """The findings (the first of each rule first), counts by column, then the verdict."""
    shown = report.shown(limit)
    for finding in shown:
        mark = "[red]✗[/]" if finding.severity is Severity.ERROR else "[yellow]![/]"
        out.print(mark, end=" ", markup=True)
        out.print(f"{finding.sentence()}  [{finding.code}]", markup=False)
    hidden = sum(report.counts.values()) - len(shown)
    if hidden > 0:
        out.print(
            "  "
            + say("… and {hidden:,} more (use --json, or open the HTML report)", hidden=hidden),
            markup=False,
        )
        _print_by_rule(report)
    for line in before_verdict or []:
        out.print(line, markup=False)
    checked = ", ".join(
        say("{name}: {rows:,} rows", name=name, rows=rows)
        for name, rows in report.rows_checked.items()
    )
    verdict = marked("green", say("valid")) if report.valid else marked("red", say("invalid"))
    counts = ", ".join(
        (
            say_n("{count:,} error", "{count:,} errors", report.error_count),
            say_n("{count:,} warning", "{count:,} warnings", report.warning_count),
        )
    )
    out.print(f"{escape(report.dataset)}: {verdict} — {escape(counts)} ({escape(checked)})")


HEADER_CODES = ("incorrect-label", "missing-label", "extra-label")


def header_advice(report: ValidationReport, target: str) -> list[str]:
    """Where the header is not the one the Table Schema names (a builtin schema given to
    a file of another layout: every row then breaks it too), how to write one that fits."""
    resources = [f.resource for f in report.findings if f.code in HEADER_CODES]
    if not resources:
        return []
    schema = f"schemas/{resources[0] or 'table'}.json"
    return [
        say(
            "The file's columns are not the ones its Table Schema names, so most findings "
            "above follow from that. If the file is laid out as it should be, write a schema "
            "that fits it: `cdx schema infer {target} --out {schema}`, confirm each "
            "suggested role, then set `schema: {schema}` on its source in coalition.yaml "
            "(or give it to `cdx validate FILE` with --schema).",
            target=target,
            schema=schema,
        )
    ]


RULES_LISTED = 15  # columns and problems counted under the findings, most first


def _print_by_rule(report: ValidationReport) -> None:
    """How many findings each column has of each problem, where not all are shown."""
    rules = report.by_rule()
    if len(rules) < 2:
        return
    out.print(say("Findings by column and problem, most first:"), markup=False)
    width = len(f"{rules[0][1]:,}")
    files = len({resource for (resource, _, _), _ in rules}) > 1
    for rule, count in rules[:RULES_LISTED]:
        place = rule_place(rule, name_file=files)
        out.print(f"  {count:>{width},}  {place}  [{rule[2]}]", markup=False)
    if len(rules) > RULES_LISTED:
        more = len(rules) - RULES_LISTED
        out.print(
            "  " + say("… and {more:,} more columns and problems (see --json)", more=more),
            markup=False,
        )


def print_json(data: Any) -> None:
    json.dump(localise_all(data), sys.stdout, indent=2, ensure_ascii=False, default=str)
    sys.stdout.write("\n")
