"""What a cdx rule is: one declaration holding its code, wording, severity, where it
applies, which engines check it, and an example that breaks it.

The declarations are in structure_rules.py and schema_rules.py, gathered by code in
rules.py (`RULES`). An engine finds where a rule is broken and says so as a `Breach`;
the rule words it (`Rule.finding`), so a finding reads the same whichever engine found
it, and tests/unit/test_rule_parity.py checks each rule's example on the engines it
names.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from cdx.core.findings import Finding, Origin, Severity


class Engine(StrEnum):
    """A way cdx checks a table against its Table Schema (package_check.validate_table)."""

    COLUMNAR = "columnar"  # DuckDB SQL: checks.py, field_sql.py, header.py
    FRICTIONLESS = "frictionless"  # frictionless-py: table_schema.check_table


BOTH = frozenset({Engine.COLUMNAR, Engine.FRICTIONLESS})
FRICTIONLESS_ONLY = frozenset({Engine.FRICTIONLESS})


class Scope(StrEnum):
    """Where a rule applies."""

    HEADER = "header"  # the column names
    ROW = "row"  # a row as a whole: its length, whether it is blank
    CELL = "cell"  # one cell of a field (of its type, or of one of its constraints)
    TABLE = "table"  # rows compared across the table: unique values, keys
    SOURCE = "source"  # the file itself, before any row is read


@dataclass(frozen=True)
class Example:
    """A Table Schema and the lines of a CSV file that break exactly one rule."""

    schema: Mapping[str, Any]
    lines: tuple[str, ...]

    def text(self) -> str:
        return "".join(f"{line}\n" for line in self.lines)


@dataclass(frozen=True)
class Breach:
    """One place a rule is broken, as an engine says it: the parts a sentence is made of."""

    cell: Any = None  # the cell as a finding shows it (shown_cell), None where it has none
    field: Mapping[str, Any] = field(default_factory=dict)  # the schema's field, if any
    number: int | None = None  # the column's position, counted from 1
    note: str = ""  # the engine's note (frictionless'): which values, which positions
    said: str = ""  # the engine's own sentence (frictionless' message)
    label: str = ""  # the header's name for the column
    field_name: str = ""  # the schema's name for the column
    limit: str = ""  # a constraint's limit, as frictionless prints it
    earlier: int | None = None  # the column an earlier, same name is in (header.py)
    situation: str = ""  # which of a rule's sentences fits (header.py's first row)

    @property
    def value(self) -> str:
        """The cell as text, empty where there is none."""
        return "" if self.cell is None else str(self.cell)


def no_rule_named(breach: Breach) -> str | None:
    """Most rules of structure name no rule of the schema in their findings."""
    return None


@dataclass(frozen=True)
class Rule:
    """A rule cdx checks a table with, declared once for every engine that checks it."""

    code: str  # stable, as cdx reports it: type-error, constraint-maximum, blank-row, …
    origin: Origin
    scope: Scope
    engines: frozenset[Engine]
    words: Callable[[Breach], str]  # the sentence saying what is wrong and what to fix
    example: Example | None
    ruled: Callable[[Breach], str | None] = no_rule_named  # the finding's `rule`
    severity: Severity = Severity.ERROR
    constraint: str | None = None  # for a CELL rule: the field constraint it checks
    no_example: str = ""  # why a rule has no example (one no cdx package can break)

    def finding(
        self,
        breach: Breach,
        *,
        resource: str | None,
        row: int | None = None,
        field: str | None = None,
        value: str | None = None,
    ) -> Finding:
        """The finding for one breach of this rule, in this rule's words."""
        return Finding(
            code=self.code,
            message=self.words(breach),
            origin=self.origin,
            severity=self.severity,
            resource=resource,
            row=row,
            field=field,
            rule=self.ruled(breach),
            value=value,
        )
