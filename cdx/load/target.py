"""What a load target is: a database cdx can load a verified package into.

A target opens one `LoadSession`, a single transaction: nothing it did is kept unless
`commit` is called, so a failure at any step leaves the database as it was. Each database
says how it spells types and checks (`SqlDialect`) and how it bulk-loads a CSV file.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from cdx.load.column_types import Kind


@dataclass(frozen=True)
class LoadColumn:
    name: str
    kind: Kind
    missing: tuple[str, ...]  # the cells that mean "no value" (NULL)


@dataclass(frozen=True)
class RowCheck:
    """One CHECK of one column, for load.row_scan: `broken` is a DuckDB expression over
    the column read as its type, true on a cell that breaks it."""

    where: str  # "resource.column rule", as a message names it
    column: str
    broken: str


@dataclass(frozen=True)
class TableLoad:
    """One CSV file into one created table, its columns in the file's order; `checks` are
    the CHECKs declared NOT VALID, which the target tests on every row as it loads them."""

    table: str  # qualified and quoted
    csv: Path
    columns: tuple[LoadColumn, ...]
    checks: tuple[RowCheck, ...] = ()


class SqlDialect(Protocol):
    @property
    def name(self) -> str: ...

    @property
    def constraints_after_load(self) -> bool:
        """Add keys and checks after the bulk load (one scan) rather than in CREATE TABLE."""
        ...

    @property
    def max_identifier(self) -> int | None:
        """The longest name the database keeps, in bytes; None when it has no limit."""
        ...

    @property
    def checks_scanned_first(self) -> bool:
        """Declare CHECKs NOT VALID and test the loaded rows with load.row_scan instead."""
        ...

    def column_type(self, kind: Kind) -> str: ...

    def pattern_check(self, column: str, pattern: str) -> str:
        """A boolean SQL expression: the whole of `column` matches `pattern`."""
        ...


class LoadSession(Protocol):
    @property
    def dialect(self) -> SqlDialect: ...

    @property
    def placeholder(self) -> str:
        """How a query parameter is written: ? or %s."""
        ...

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None: ...

    def fetch_all(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]: ...

    def pattern_works(self, pattern: str) -> bool:
        """Whether the database's regular expressions accept `pattern` (asked outside the
        transaction, so a refusal cannot spoil it)."""
        ...

    def begin(self) -> None: ...

    def bulk_load(self, load: TableLoad) -> int:
        """Copy the file into the table with the database's bulk path; the rows loaded."""
        ...

    def commit(self) -> None: ...


class LoadTarget(Protocol):
    """One database, named by a URL; `shown` is that URL without a password."""

    @property
    def shown(self) -> str: ...

    def session(self) -> AbstractContextManager[LoadSession]:
        """Connect; leaving the block without `commit` rolls everything back."""
        ...
