"""The one protocol every catalogue implements (local directory, S3, CKAN, plug-ins).

Nothing here imports an implementation: the registry (cdx.connectors.registry) maps a
location to its backend, and each backend folder imports this module, not the reverse.
Optional abilities (garbage collection, series) are protocols in connectors/abilities.py.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Protocol

from cdx.core.errors import CatalogueError, InvalidVersion, PackageNotFound, UnsafeName
from cdx.core.names import check_slug, check_version

REF = re.compile(r"^(?P<coalition>[^/@]+)/(?P<dataset>[^/@]+)(?:@(?P<version>[^/@]+))?$")
LATEST = "latest"


@dataclass(frozen=True)
class PackageRef:
    """`coalition/dataset@version`; version may be `latest` until resolved."""

    coalition: str
    dataset: str
    version: str = LATEST

    def __post_init__(self) -> None:
        check_slug(self.coalition, what="coalition id")
        check_slug(self.dataset, what="dataset name")
        if self.version != LATEST:
            check_version(self.version)

    @classmethod
    def parse(cls, text: str) -> PackageRef:
        match = REF.match(text)
        if not match:
            raise UnsafeName(
                f"{text!r} is not a package reference",
                hint="write COALITION/DATASET or COALITION/DATASET@VERSION, e.g. "
                "kenya-lnob/health-scorecard@1.0.0",
            )
        return cls(match["coalition"], match["dataset"], match["version"] or LATEST)

    @property
    def key(self) -> str:
        """Relative location in a catalogue: `coalition/dataset/version`."""
        return f"{self.coalition}/{self.dataset}/{self.version}"

    def __str__(self) -> str:
        return f"{self.coalition}/{self.dataset}@{self.version}"


@dataclass(frozen=True)
class PublishOutcome:
    ref: PackageRef
    status: Literal["published", "unchanged"]
    location: str


@dataclass(frozen=True)
class CatalogueEntry:
    coalition: str
    dataset: str
    version: str
    content_digest: str
    key_id: str
    committed: str
    # The dataset's expected update frequency (datapackage.json's citizenData), so an
    # office computes freshness from the index; None in entries written before it.
    update_frequency: str | None = None
    # What a person reads in an index; absent from indexes written before they were listed.
    title: str = ""
    description: str = ""

    def __post_init__(self) -> None:
        """An index is read from a catalogue that may be hostile, and its names become
        folders and links (cdx site, cdx status): refuse an entry whose names are not
        safe or whose commit time is not an ISO 8601 time with its offset."""
        try:
            PackageRef(self.coalition, self.dataset, self.version)
        except (UnsafeName, InvalidVersion) as exc:
            raise CatalogueError(
                f"the catalogue's index lists a package it cannot hold: {exc.message}",
                hint=DAMAGED_INDEX,
            ) from None
        if not _is_aware_time(self.committed):
            raise CatalogueError(
                f"the catalogue's index says {self.coalition}/{self.dataset}@{self.version} "
                f"was committed at {self.committed[:40]!r}, which is not a time with its offset",
                hint=DAMAGED_INDEX,
            )

    def to_dict(self) -> dict[str, str]:
        frequency = {"updateFrequency": self.update_frequency} if self.update_frequency else {}
        said = {"title": self.title, "description": self.description}
        return {
            "coalition": self.coalition,
            "dataset": self.dataset,
            "version": self.version,
            "contentDigest": self.content_digest,
            "keyId": self.key_id,
            "committed": self.committed,
            **frequency,
            **{key: value for key, value in said.items() if value},
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CatalogueEntry:
        """An index entry; TypeError or KeyError when it is not an object of texts."""
        if not isinstance(data, dict):
            raise TypeError(f"a package entry is a {type(data).__name__}, not an object")
        values = [data[name] for name in ENTRY_FIELDS]
        if not all(isinstance(value, str) for value in values):
            raise TypeError("a package entry's fields must all be text")
        frequency = data.get("updateFrequency")
        said = [data.get(name, "") for name in ("title", "description")]
        if not all(isinstance(value, str) for value in said):
            raise TypeError("a package entry's title and description must be text")
        coalition, dataset, version, digest, key_id, committed = values
        title, description = said
        return cls(
            coalition,
            dataset,
            version,
            digest,
            key_id,
            committed,
            frequency if isinstance(frequency, str) else None,
            title,
            description,
        )


ENTRY_FIELDS = ("coalition", "dataset", "version", "contentDigest", "keyId", "committed")
DAMAGED_INDEX = (
    "the index was changed outside cdx; ask the catalogue's administrator to run "
    "`cdx catalogue gc`, which rebuilds it from the committed versions"
)


def _is_aware_time(text: str) -> bool:
    try:
        return dt.datetime.fromisoformat(text).tzinfo is not None
    except ValueError:
        return False


def update_frequency_of(descriptor: bytes) -> str | None:
    """The expected update frequency a datapackage.json states; None if it states none."""
    try:
        data = json.loads(descriptor)
    except ValueError:
        return None
    citizen = data.get("citizenData") if isinstance(data, dict) else None
    frequency = citizen.get("updateFrequency") if isinstance(citizen, dict) else None
    return frequency if isinstance(frequency, str) else None


def parse_index(data: object) -> list[CatalogueEntry]:
    """The entries of a catalog.json document; TypeError or KeyError when it is damaged."""
    if not isinstance(data, dict) or not isinstance(data.get("packages"), list):
        raise TypeError("it is not an object with a `packages` list")
    return [CatalogueEntry.from_dict(item) for item in data["packages"]]


class Catalogue(Protocol):
    """Where sealed packages are published and pulled from."""

    location: str

    def publish(self, package_dir: Path, ref: PackageRef) -> PublishOutcome:
        """Commit a sealed package; identical content is a no-op, other content a conflict."""
        ...

    def publish_key(self, coalition: str, entry: dict[str, Any]) -> None:
        """Publish the coalition's public key beside its packages (convenience only)."""
        ...

    def versions(self, coalition: str, dataset: str) -> list[str]:
        """Committed versions, oldest first."""
        ...

    def resolve(self, ref: PackageRef) -> PackageRef:
        """The committed version `ref` names (`latest` → the highest); PackageNotFound else."""
        ...

    def fetch(self, ref: PackageRef, dest: Path) -> None:
        """Copy the committed package's files into the empty directory `dest`.

        Unverified; `pull_package` checks the signature before it fetches the data."""
        ...

    def entries(self) -> list[CatalogueEntry]:
        """What catalog.json lists as committed."""
        ...

    def published_keys(self, coalition: str) -> dict[str, Any]:
        """Public keys the coalition published here: convenience, never trust."""
        ...


def now_iso(timestamp: float | None = None) -> str:
    """UTC to the second, ISO 8601: now, or at a POSIX `timestamp` (a file's mtime)."""
    moment = (
        dt.datetime.now(dt.UTC)
        if timestamp is None
        else dt.datetime.fromtimestamp(timestamp, dt.UTC)
    )
    return moment.replace(microsecond=0).isoformat()


def resolve_among(ref: PackageRef, versions: list[str], location: str) -> PackageRef:
    """`ref` among a dataset's committed `versions` (oldest first): `latest` → the highest."""
    if ref.version == LATEST and versions:
        return PackageRef(ref.coalition, ref.dataset, versions[-1])
    if ref.version != LATEST and ref.version in versions:
        return ref
    known = ", ".join(versions) or "none"
    raise PackageNotFound(
        f"{ref} is not in the catalogue {location}",
        hint=f"published versions of {ref.coalition}/{ref.dataset}: {known}",
    )


@dataclass(frozen=True)
class CredentialSet:
    """Credentials handed to catalogues explicitly, each backend's own object by its name.

    Flows load them from Prefect blocks (cdx.flows.credentials); a backend without an
    entry falls back to the environment. Each object says in `source` where it came
    from, for logs; none of them shows its secret in `repr`.
    """

    by_backend: dict[str, Any] = field(default_factory=dict)

    def of(self, backend: str) -> Any | None:
        """The credentials of the backend named `backend`, or None (the environment)."""
        return self.by_backend.get(backend)

    @property
    def source(self) -> str:
        """Where the credentials came from (never the secrets): for the run's log."""
        return "; ".join(c.source for c in self.by_backend.values()) or "environment"
