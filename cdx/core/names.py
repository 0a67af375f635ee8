"""Names that become paths and URLs: coalition ids, dataset names, versions.

They end up as directories in catalogues and keys in S3, so anything that could
escape a directory (separators, `..`, control characters) is refused up front.
"""

from __future__ import annotations

import re

from cdx.core.errors import InvalidVersion, UnsafeName

SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")
# Semantic Versioning 2.0.0, without build metadata (a `+` is awkward in URLs and keys).
SEMVER = re.compile(
    r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)"
    r"(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?$"
)


def check_slug(value: str, *, what: str) -> str:
    """Return `value` if it is a safe lowercase name, else raise UnsafeName."""
    if not SLUG.match(value):
        raise UnsafeName(
            f"{what} {value!r} is not a safe name",
            hint=(
                f"use 1–64 lowercase letters, digits and hyphens for the {what}, "
                "starting and ending with a letter or digit (e.g. `health-scorecard`); "
                "no `/`, `\\`, `..` or spaces"
            ),
        )
    return value


def check_version(value: str) -> str:
    """Return `value` if it is a semantic version like 1.2.0, else raise InvalidVersion."""
    if not SEMVER.match(value):
        raise InvalidVersion(
            f"version {value!r} is not a semantic version",
            hint="write the version as MAJOR.MINOR.PATCH, e.g. `1.0.0` or `2.1.3`",
        )
    return value


def version_key(version: str) -> tuple[int, int, int, int, str]:
    """Sort key for semantic versions: a pre-release sorts before its release."""
    match = SEMVER.match(version)
    if not match:
        return (-1, -1, -1, -1, version)
    major, minor, patch, pre = match.groups()
    return (int(major), int(minor), int(patch), 0 if pre else 1, pre or "")


def package_id(coalition: str, dataset: str, version: str) -> str:
    """The URN that names one version of one dataset, in descriptors and provenance."""
    return f"urn:cdx:package:{coalition}/{dataset}@{version}"
