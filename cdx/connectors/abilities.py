"""Optional abilities a catalogue may have beyond the `Catalogue` protocol.

Callers ask `isinstance(catalogue, CollectsGarbage)` rather than probing for a method
name: the protocol names the method and its signature in one place, and mypy checks
both the implementations and the callers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:
    from cdx.connectors.catalogue import PackageRef
    from cdx.connectors.fetching import PackageReader


class GarbageFound(Protocol):
    """One leftover a collector found: what it says about itself."""

    @property
    def removed(self) -> bool: ...

    @property
    def remedy(self) -> str:
        """What the collector does about it: "remove", or "index" a missing index entry."""
        ...

    def describe(self) -> str: ...

    def to_dict(self) -> dict[str, object]: ...


@runtime_checkable
class CollectsGarbage(Protocol):
    """A catalogue where interrupted publishers leave things only a collector removes."""

    location: str

    def collect_garbage(
        self, older_than: dt.timedelta, *, apply: bool, coalitions: list[str] | None = None
    ) -> Sequence[GarbageFound]:
        """Leftovers older than `older_than`; dealt with only when `apply` (else a dry run)."""
        ...


@runtime_checkable
class HasSeries(Protocol):
    """A catalogue that keeps a record grouping every version of a dataset (a series)."""

    location: str

    def refresh_series(self, coalition: str, dataset: str) -> bool:
        """Bring the dataset's series up to date with its committed versions; True if written."""
        ...


@runtime_checkable
class ReadsPackages(Protocol):
    """A catalogue that opens a committed version's members one at a time, so pull can
    check the signed manifest before it fetches any data (connectors/fetching.py)."""

    location: str

    def reader(self, ref: PackageRef) -> PackageReader:
        """The members of the committed version `ref` names; PackageNotFound else."""
        ...
