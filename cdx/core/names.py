"""Names that become paths and URLs: coalition ids, dataset names, versions.

They end up as directories in catalogues and keys in S3, so anything that could
escape a directory (separators, `..`, control characters) is refused up front.
"""

from __future__ import annotations

import re

from cdx.core.errors import InvalidVersion, UnsafeName

SLUG = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?")
# The longest file name cdx composes from names is the local catalogue's lock file,
# `{coalition}.{dataset}.{version}.lock`: 64 + 64 + 64 + 7 = 199 bytes (names are ASCII),
# under the 255-byte limit of a file name. A 306-character version once ran the whole
# pipeline and failed at that file with ENAMETOOLONG.
MAX_SLUG = 64
MAX_VERSION = 64
# Semantic Versioning 2.0.0, without build metadata (a `+` is awkward in URLs and keys).
SEMVER = re.compile(
    r"(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)"
    r"(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?"
)


def check_slug(value: str, *, what: str) -> str:
    """Return `value` if it is a safe lowercase name, else raise UnsafeName."""
    # fullmatch, not match with `$`: `$` also matches before a final newline
    if len(value) > MAX_SLUG or not SLUG.fullmatch(value):
        shown = (
            repr(value)
            if len(value) <= MAX_SLUG
            else f"{value[:20]!r}… ({len(value):,} characters)"
        )
        raise UnsafeName(
            f"{what} {shown} is not a safe name",
            hint=(
                f"use 1–64 lowercase letters, digits and hyphens for the {what}, "
                "starting and ending with a letter or digit (e.g. `health-scorecard`); "
                "no `/`, `\\`, `..` or spaces"
            ),
        )
    return value


def check_version(value: str) -> str:
    """Return `value` if it is a semantic version like 1.2.0, else raise InvalidVersion."""
    if len(value) > MAX_VERSION:
        raise InvalidVersion(
            f"version {value[:20]!r}… is {len(value):,} characters long",
            hint=f"use at most {MAX_VERSION} characters (it becomes part of file names), "
            "e.g. `1.0.0` or `2.1.0-rc.1`",
        )
    if not SEMVER.fullmatch(value):
        raise InvalidVersion(
            f"version {value!r} is not a semantic version",
            hint="write the version as MAJOR.MINOR.PATCH, e.g. `1.0.0` or `2.1.3`",
        )
    return value


def is_version(value: str) -> bool:
    """Whether `value` is a version `check_version` accepts (a folder name, an S3 key part)."""
    return len(value) <= MAX_VERSION and SEMVER.fullmatch(value) is not None


def version_key(version: str) -> tuple[int, int, int, int, str]:
    """Sort key for semantic versions: a pre-release sorts before its release."""
    match = SEMVER.fullmatch(version)
    if not match:
        return (-1, -1, -1, -1, version)
    major, minor, patch, pre = match.groups()
    return (int(major), int(minor), int(patch), 0 if pre else 1, pre or "")


def package_id(coalition: str, dataset: str, version: str) -> str:
    """The URN that names one version of one dataset, in descriptors and provenance."""
    return f"urn:cdx:package:{coalition}/{dataset}@{version}"
