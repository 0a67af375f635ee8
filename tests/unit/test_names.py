from __future__ import annotations

import pytest

from cdx.connectors.catalogue import PackageRef
from cdx.core.errors import InvalidVersion, UnsafeName
from cdx.core.names import check_slug, check_version, version_key


@pytest.mark.parametrize("name", ["..", "a/b", "a\\b", "../x", "", "A", "-x", "x-", "a b"])
def test_unsafe_names_are_refused(name: str) -> None:
    with pytest.raises(UnsafeName):
        check_slug(name, what="dataset name")


@pytest.mark.parametrize("version", ["1.0", "01.0.0", "1.0.0/..", "1.0.0+build", ".."])
def test_versions_must_be_semantic(version: str) -> None:
    with pytest.raises(InvalidVersion):
        check_version(version)


def test_prereleases_sort_before_their_release() -> None:
    ordered = sorted(["1.10.0", "1.2.0", "1.2.0-rc.1", "0.9.9"], key=version_key)
    assert ordered == ["0.9.9", "1.2.0-rc.1", "1.2.0", "1.10.0"]


@pytest.mark.parametrize("text", ["kenya-lnob/../x", "kenya-lnob/x@../../1", "a/b/c", "kenya-lnob"])
def test_package_references_cannot_escape(text: str) -> None:
    with pytest.raises((UnsafeName, InvalidVersion)):
        PackageRef.parse(text)


def test_a_reference_without_version_means_latest() -> None:
    assert PackageRef.parse("kenya-lnob/health-scorecard").version == "latest"
