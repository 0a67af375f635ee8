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
        parts = []
        if self.resource:
            parts.append(f"file `{self.resource}`")
        if self.row is not None:
            parts.append(f"row {self.row:,}")
        if self.field:
            parts.append(f"column `{self.field}`")
        return ", ".join(parts)

    def sentence(self) -> str:
        where = self.location()
        return f"{where}: {self.message}" if where else self.message


class CappedFindings(list[Finding]):
    """Findings as a validator streams them: the first `cap` of each code, every one counted.

    A file with millions of bad cells must not become millions of objects; the findings
    beyond the cap are only counted, by code and severity, in `left_out`.
    """

    def __init__(self, findings: list[Finding] | None = None, *, cap: int = 1000) -> None:
        super().__init__()
        self.cap = cap
        self.kept: dict[str, int] = {}
        self.left_out: dict[tuple[str, str], int] = {}
        for finding in findings or []:
            self.add(finding)

    def add(self, finding: Finding) -> None:
        kept = self.kept.get(finding.code, 0)
        if kept < self.cap:
            self.kept[finding.code] = kept + 1
            self.append(finding)
        else:
            self.count_left_out(finding.code, finding.severity, 1)

    def count_left_out(self, code: str, severity: Severity | str, count: int) -> None:
        """Count findings that were never built because the cap for their code is reached."""
        if count:
            key = (code, str(severity))
            self.left_out[key] = self.left_out.get(key, 0) + count

    def merge(self, other: list[Finding]) -> None:
        for finding in other:
            self.add(finding)
        for (code, severity), count in getattr(other, "left_out", {}).items():
            self.count_left_out(code, severity, count)

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
        """Record a finding; keep at most `cap` of one code but count them all."""
        seen = self.counts.get(finding.code, 0)
        self.counts[finding.code] = seen + 1
        severity = str(finding.severity)
        self.severity_counts[severity] = self.severity_counts.get(severity, 0) + 1
        if seen < cap:
            self.findings.append(finding)

    def extend(self, findings: list[Finding], *, cap: int = 1000) -> None:
        """Record findings; a `CappedFindings` also brings the counts it left out."""
        for finding in findings:
            self.add(finding, cap=cap)
        for (code, severity), count in getattr(findings, "left_out", {}).items():
            self.counts[code] = self.counts.get(code, 0) + count
            self.severity_counts[severity] = self.severity_counts.get(severity, 0) + count

    def to_dict(self) -> dict[str, Any]:
        return {
            "dataset": self.dataset,
            "valid": self.valid,
            "summary": {
                "errors": self.error_count,
                "warnings": self.warning_count,
                "by_code": dict(sorted(self.counts.items())),
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
            severity_counts={
                "error": data["summary"]["errors"],
                "warning": data["summary"]["warnings"],
            },
            rows_checked=dict(data["summary"].get("rows_checked", {})),
        )
