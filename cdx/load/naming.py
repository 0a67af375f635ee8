"""Database names for a package: one schema per coalition, dataset and version.

`kenya-lnob/health-scorecard@1.0.0` loads into the schema
`kenya_lnob__health_scorecard__v1_0_0`; the view schema `kenya_lnob__health_scorecard`
points at its latest version. Names are slugs (cdx/core/names), so `-` → `_` is safe;
a name that could be read two ways (`--` in a slug, a pre-release version) or that is
longer than PostgreSQL's 63 bytes keeps a readable head and ends in a hash of the full
reference. Every name is quoted wherever it is used.
"""

from __future__ import annotations

import hashlib

from cdx.core.names import check_slug, check_version

MAX_NAME = 63  # PostgreSQL's identifier limit, in bytes (names here are ASCII)
HASHED = 8
META_SCHEMA = "cdx"  # the load log and the package documents; no package schema has no `__`


def quoted(name: str) -> str:
    """`name` as a quoted SQL identifier: "it""s"."""
    return '"' + name.replace('"', '""') + '"'


def qualified(schema: str, name: str) -> str:
    return f"{quoted(schema)}.{quoted(name)}"


def _bounded(readable: str, ambiguous: bool, full: str) -> str:
    if not ambiguous and len(readable) <= MAX_NAME:
        return readable
    digest = hashlib.sha256(full.encode()).hexdigest()[:HASHED]
    return f"{readable[: MAX_NAME - HASHED - 1]}_{digest}"


def dataset_schema(coalition: str, dataset: str) -> str:
    """The schema of the latest-version views of one coalition's dataset."""
    check_slug(coalition, what="coalition")
    check_slug(dataset, what="dataset")
    readable = f"{coalition}__{dataset}".replace("-", "_")
    ambiguous = "--" in coalition or "--" in dataset
    return _bounded(readable, ambiguous, f"{coalition}/{dataset}")


def version_schema(coalition: str, dataset: str, version: str) -> str:
    """The schema that holds one version's tables."""
    check_version(version)
    base = dataset_schema(coalition, dataset)
    readable = f"{base}__v{version.replace('.', '_')}".replace("-", "_").lower()
    ambiguous = base != f"{coalition}__{dataset}".replace("-", "_") or "-" in version
    return _bounded(readable, ambiguous, f"{coalition}/{dataset}@{version}")
