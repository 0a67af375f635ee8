"""Findings: what validation (structure, Table Schema, expectations, privacy) found.

A finding names the row, the field, the rule and the value, in words a coalition data
officer can act on. Rows are counted as a spreadsheet shows them: the header is row 1,
the first data row is row 2.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any

SHOWN = 100  # characters of a cell a finding repeats; a longer cell is cut there


def counted(count: int, noun: str) -> str:
    """1 error, 2 errors, 1,204 errors."""
    return f"{count:,} {noun}" + ("" if count == 1 else "s")


def shown_cell(text: str) -> str:
    """A cell's text as a finding repeats it: cut after SHOWN characters, where "…" says
    so (a pasted report or a photo in base64 would fill the report and the screen)."""
    return text if len(text) <= SHOWN else f"{text[:SHOWN]}…"


class Severity(StrEnum):
    ERROR = "error"  # blocks publishing
    WARNING = "warning"  # reported, does not block


class Origin(StrEnum):
    STRUCTURE = "structure"
    TABLE_SCHEMA = "table-schema"
    EXPECTATION = "expectation"
    PRIVACY = "privacy"


@dataclass(frozen=True)
class Finding:
    """One problem in one place. `code` is stable (e.g. `constraint-maximum`)."""

    code: str
    message: str
    origin: Origin
    severity: Severity = Severity.ERROR
    resource: str | None = None
    row: int | None = None
    field: str | None = None
    rule: str | None = None
    value: str | None = None

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["origin"] = str(self.origin)
        data["severity"] = str(self.severity)
        return {k: v for k, v in data.items() if v is not None}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Finding:
        return cls(
            **{
                **data,
                "origin": Origin(data["origin"]),
                "severity": Severity(data.get("severity", "error")),
            }
        )

    def location(self) -> str:
        """`row 1,204, column `age`` — where a person should look."""
        return place_of(self.resource, self.row, self.field)

    def sentence(self) -> str:
        where = self.location()
        return f"{where}: {self.message}" if where else self.message


def place_of(resource: str | None, row: int | None, field: str | None) -> str:
    """Where a finding is, in the words every report uses: file, row, column."""
    parts = []
    if resource:
        parts.append(f"file `{resource}`")
    if row is not None:
        parts.append(f"row {row:,}")
    if field:
        parts.append(f"column `{field}`")
    return ", ".join(parts)


# A rule as a report counts it: the file, the column and the code (`type-error` in
# `survey_date` and in `score` are two rules). None where a finding names no file or column.
Rule = tuple[str | None, str | None, str]
# Findings of each rule kept past the cap of its code: a column written otherwise on every
# row takes the 1,000 type errors kept, and a type error in another column must not then
# go unseen (counted, but with no row to look at)
FIRST_OF_EACH_RULE = 3


def kept_past(of_code: int, of_rule: int, cap: int) -> bool:
    """Whether the next finding of a code and rule is kept, `of_code` and `of_rule` of
    them seen before: within the cap of its code, or among the first of its rule."""
    return of_code < cap or of_rule < FIRST_OF_EACH_RULE


def rule_of(finding: Finding) -> Rule:
    return (finding.resource, finding.field, finding.code)


def rule_place(rule: Rule, *, name_file: bool = True) -> str:
    """Where a rule's findings are: `file `x.csv`, column `age``, or the file alone for a
    rule of whole rows (a repeated key, a blank row)."""
    resource, column, _ = rule
    named = [f"file `{resource}`"] * bool(resource and (name_file or not column))
    return ", ".join(named + [f"column `{column}`"] * bool(column)) or "the dataset"


class CappedFindings(list[Finding]):
    """Findings as a validator streams them: the first `cap` of each code, every one counted.

    A file with millions of bad cells must not become millions of objects; the findings
    beyond the cap are only counted, by rule and severity, in `rules_left_out`. The first
    FIRST_OF_EACH_RULE findings of each rule are kept whatever the cap.
    """

    def __init__(self, findings: list[Finding] | None = None, *, cap: int = 1000) -> None:
        super().__init__()
        self.cap = cap
        self.kept: dict[str, int] = {}
        self.kept_of_rule: dict[Rule, int] = {}
        self.rules_left_out: dict[tuple[Rule, str], int] = {}
        for finding in findings or []:
            self.add(finding)

    @property
    def left_out(self) -> dict[tuple[str, str], int]:
        """The findings left out, by code and severity."""
        by_code: dict[tuple[str, str], int] = {}
        for ((_, _, code), severity), count in self.rules_left_out.items():
            by_code[(code, severity)] = by_code.get((code, severity), 0) + count
        return by_code

    def add(self, finding: Finding) -> None:
        kept, rule = self.kept.get(finding.code, 0), rule_of(finding)
        of_rule = self.kept_of_rule.get(rule, 0)
        if kept_past(kept, of_rule, self.cap):
            self.kept[finding.code] = kept + 1
            self.kept_of_rule[rule] = of_rule + 1
            self.append(finding)
        else:
            self.count_left_out(finding.code, finding.severity, 1, *rule[:2])

    def count_left_out(
        self,
        code: str,
        severity: Severity | str,
        count: int,
        resource: str | None = None,
        column: str | None = None,
    ) -> None:
        """Count findings that were never built because the cap for their code is reached
        (of one `column` of `resource`, where they are all of one)."""
        if count:
            key = ((resource, column, code), str(severity))
            self.rules_left_out[key] = self.rules_left_out.get(key, 0) + count

    def merge(self, other: list[Finding]) -> None:
        for finding in other:
            self.add(finding)
        for ((resource, column, code), severity), count in getattr(
            other, "rules_left_out", {}
        ).items():
            self.count_left_out(code, severity, count, resource, column)

    def total(self, code: str | None = None) -> int:
        """How many findings there are, kept or not (of one code when given)."""
        kept = sum(1 for f in self if code is None or f.code == code)
        return kept + sum(n for (c, _), n in self.left_out.items() if code in (None, c))


@dataclass
class ValidationReport:
    """All findings for one dataset, with exact counts even where findings are capped."""

    dataset: str
    findings: list[Finding] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)  # by finding code, exact
    rule_counts: dict[Rule, int] = field(default_factory=dict)  # by rule, exact
    severity_counts: dict[str, int] = field(default_factory=dict)  # by severity, exact
    rows_checked: dict[str, int] = field(default_factory=dict)  # by resource

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity is Severity.WARNING]

    @property
    def error_count(self) -> int:
        return self.severity_counts.get(Severity.ERROR, 0)

    @property
    def warning_count(self) -> int:
        return self.severity_counts.get(Severity.WARNING, 0)

    @property
    def valid(self) -> bool:
        return self.error_count == 0

    def add(self, finding: Finding, *, cap: int = 1000) -> None:
        """Record a finding; keep at most `cap` of one code (and the first few of each
        rule: FIRST_OF_EACH_RULE) but count them all."""
        seen, rule = self.counts.get(finding.code, 0), rule_of(finding)
        of_rule = self.rule_counts.get(rule, 0)
        self._count(rule, str(finding.severity), 1)
        if kept_past(seen, of_rule, cap):
            self.findings.append(finding)

    def extend(self, findings: list[Finding], *, cap: int = 1000) -> None:
        """Record findings; a `CappedFindings` also brings the counts it left out."""
        for finding in findings:
            self.add(finding, cap=cap)
        for (rule, severity), count in getattr(findings, "rules_left_out", {}).items():
            self._count(rule, severity, count)

    def _count(self, rule: Rule, severity: str, count: int) -> None:
        code = rule[2]
        self.counts[code] = self.counts.get(code, 0) + count
        self.rule_counts[rule] = self.rule_counts.get(rule, 0) + count
        self.severity_counts[severity] = self.severity_counts.get(severity, 0) + count

    def shown(self, limit: int) -> list[Finding]:
        """`limit` findings for a person to read, in the report's order: the first of each
        rule, then the others. A column written otherwise on every row must not fill the
        screen and hide the one bad cell in another column."""
        firsts: dict[Rule, int] = {}
        for index, finding in enumerate(self.findings):
            firsts.setdefault(rule_of(finding), index)
        chosen = set(sorted(firsts.values())[:limit])
        for index in range(len(self.findings)):
            if len(chosen) >= limit:
                break
            chosen.add(index)
        return [self.findings[index] for index in sorted(chosen)]

    def by_rule(self) -> list[tuple[Rule, int]]:
        """Each rule and how many findings it has, most first."""
        return sorted(
            self.rule_counts.items(),
            key=lambda item: (-item[1], *(part or "" for part in item[0])),
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "dataset": self.dataset,
            "valid": self.valid,
            "summary": {
                "errors": self.error_count,
                "warnings": self.warning_count,
                "by_code": dict(sorted(self.counts.items())),
                "by_rule": [
                    {"resource": resource, "field": column, "code": code, "count": count}
                    for (resource, column, code), count in self.by_rule()
                ],
                "rows_checked": self.rows_checked,
            },
            "findings": [f.to_dict() for f in self.findings],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ValidationReport:
        return cls(
            dataset=data["dataset"],
            findings=[Finding.from_dict(f) for f in data["findings"]],
            counts=dict(data["summary"]["by_code"]),
            rule_counts={
                (rule.get("resource"), rule.get("field"), rule["code"]): rule["count"]
                for rule in data["summary"].get("by_rule", [])  # older reports lack it
            },
            severity_counts={
                "error": data["summary"]["errors"],
                "warning": data["summary"]["warnings"],
            },
            rows_checked=dict(data["summary"].get("rows_checked", {})),
        )
