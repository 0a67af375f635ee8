"""What every catalogue backend promises, run against each one (tests/contract/conftest.py).

Publishing commits a version atomically; identical content is a no-op and other content
under the same version a conflict; `latest` is the highest committed version; a commit
is listed and fetches intact (verified against the coalition's trust store); refused
credentials raise the backend's coded error; a publisher that dies between upload and
commit leaves no visible version, and the next publish completes.

Each test publishes as a coalition of its own, so backends whose service is shared by the
session (S3's bucket, CKAN's site) need no cleaning between tests. A crash is injected
through the `_before_commit` seam every backend runs between its upload and its commit.
"""

from __future__ import annotations

import json
import shutil
import uuid
from pathlib import Path

import pytest

from cdx.connectors.catalogue import Catalogue, PackageRef
from cdx.core.errors import PackageNotFound, VersionConflict
from cdx.core.hashing import sha256_file
from cdx.core.keys import TrustStore
from cdx.seal.manifest import read_manifest
from cdx.verify.verification import verify_package
from tests.conftest import reseal_as
from tests.contract.conftest import BackendUnderTest

DATASET = "scores"


class PublisherCrashed(Exception):
    """Raised where a killed publisher would stop: after the upload, before the commit."""


def a_coalition() -> str:
    return f"contract-{uuid.uuid4().hex[:10]}"


def package_as(
    sealed: Path, tmp_path: Path, ref: PackageRef, *, change_data: bool = False
) -> tuple[Path, Path]:
    """A copy of the sealed example, signed as `ref` by its coalition's test key; and the
    trust-store file holding that key."""
    package = tmp_path / f"package-{uuid.uuid4().hex[:8]}"
    shutil.copytree(sealed, package)
    if change_data:
        data = package / "data" / "scores.csv"
        data.write_text(data.read_text(encoding="utf-8") + "\n", encoding="utf-8")
        descriptor = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))
        descriptor["resources"][0]["hash"] = f"sha256:{sha256_file(data)}"
        descriptor["resources"][0]["bytes"] = data.stat().st_size
        (package / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    keys = tmp_path / "keys"
    keys.mkdir(exist_ok=True)
    trust = reseal_as(package, ref.coalition, ref.dataset, ref.version, keys)
    return package, trust


def listed(catalogue: Catalogue, coalition: str) -> list[tuple[str, str]]:
    return [(e.dataset, e.version) for e in catalogue.entries() if e.coalition == coalition]


def fetched_and_verified(catalogue: Catalogue, ref: PackageRef, to: Path, trust: Path) -> Path:
    to.mkdir()
    catalogue.fetch(ref, to)
    verification = verify_package(to, TrustStore.load(trust))
    assert verification.ok, [p.message for p in verification.problems]
    return to


def test_a_published_version_is_listed_and_fetches_intact(
    catalogue_backend: BackendUnderTest, sealed: Path, tmp_path: Path
) -> None:
    ref = PackageRef(a_coalition(), DATASET, "1.0.0")
    package, trust = package_as(sealed, tmp_path, ref)
    catalogue = catalogue_backend.open()

    assert catalogue.publish(package, ref).status == "published"

    assert catalogue.versions(ref.coalition, ref.dataset) == ["1.0.0"]
    assert listed(catalogue, ref.coalition) == [(DATASET, "1.0.0")]
    # the index says how often a version is expected, so an office computes freshness
    [entry] = [e for e in catalogue.entries() if e.coalition == ref.coalition]
    assert entry.update_frequency == "quarterly"
    got = fetched_and_verified(catalogue, ref, tmp_path / "got", trust)
    assert (got / "data" / "scores.csv").read_bytes() == (
        package / "data" / "scores.csv"
    ).read_bytes()


def test_republishing_identical_content_is_a_noop(
    catalogue_backend: BackendUnderTest, sealed: Path, tmp_path: Path
) -> None:
    ref = PackageRef(a_coalition(), DATASET, "1.0.0")
    package, _ = package_as(sealed, tmp_path, ref)
    catalogue = catalogue_backend.open()
    assert catalogue.publish(package, ref).status == "published"

    assert catalogue_backend.open().publish(package, ref).status == "unchanged"
    assert listed(catalogue, ref.coalition) == [(DATASET, "1.0.0")]


def test_different_content_under_a_published_version_is_a_conflict(
    catalogue_backend: BackendUnderTest, sealed: Path, tmp_path: Path
) -> None:
    ref = PackageRef(a_coalition(), DATASET, "1.0.0")
    first, trust = package_as(sealed, tmp_path, ref)
    changed, _ = package_as(sealed, tmp_path, ref, change_data=True)
    catalogue = catalogue_backend.open()
    catalogue.publish(first, ref)

    with pytest.raises(VersionConflict):
        catalogue.publish(changed, ref)

    got = fetched_and_verified(catalogue, ref, tmp_path / "got", trust)
    digest = read_manifest(first / "manifest.json")["contentDigest"]
    assert read_manifest(got / "manifest.json")["contentDigest"] == digest


def test_latest_resolves_to_the_highest_committed_version(
    catalogue_backend: BackendUnderTest, sealed: Path, tmp_path: Path
) -> None:
    coalition = a_coalition()
    catalogue = catalogue_backend.open()
    for version in ("1.2.0", "1.10.0", "1.9.0"):
        ref = PackageRef(coalition, DATASET, version)
        package, trust = package_as(sealed, tmp_path, ref)
        assert catalogue.publish(package, ref).status == "published"

    latest = catalogue.resolve(PackageRef(coalition, DATASET))
    assert latest == PackageRef(coalition, DATASET, "1.10.0")
    assert catalogue.versions(coalition, DATASET) == ["1.2.0", "1.9.0", "1.10.0"]
    assert sorted(listed(catalogue, coalition)) == [
        (DATASET, "1.10.0"),
        (DATASET, "1.2.0"),
        (DATASET, "1.9.0"),
    ]
    got = fetched_and_verified(catalogue, latest, tmp_path / "got", trust)
    assert read_manifest(got / "manifest.json")["package"]["version"] == "1.10.0"


def test_refused_credentials_give_the_backends_coded_error_and_publish_nothing(
    catalogue_backend: BackendUnderTest, sealed: Path, tmp_path: Path
) -> None:
    # The coalition is already there (its organisation, its prefix): only the
    # credentials stand between the publisher and the catalogue.
    earlier = PackageRef(a_coalition(), DATASET, "0.9.0")
    catalogue_backend.open().publish(package_as(sealed, tmp_path, earlier)[0], earlier)
    ref = PackageRef(earlier.coalition, DATASET, "1.0.0")
    package, _ = package_as(sealed, tmp_path, ref)

    with pytest.raises(catalogue_backend.refused) as caught:
        catalogue_backend.open_refused().publish(package, ref)

    assert caught.value.code and caught.value.hint  # coded, and says how to fix it
    assert catalogue_backend.open().versions(ref.coalition, ref.dataset) == ["0.9.0"]


def test_a_crash_before_commit_leaves_no_visible_version_and_a_later_publish_succeeds(
    catalogue_backend: BackendUnderTest,
    sealed: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ref = PackageRef(a_coalition(), DATASET, "1.0.0")
    package, trust = package_as(sealed, tmp_path, ref)
    dying = catalogue_backend.open()

    def crash(*_: object) -> None:
        raise PublisherCrashed("the publisher dies after the upload, before the commit")

    monkeypatch.setattr(dying, "_before_commit", crash)
    with pytest.raises(PublisherCrashed):
        dying.publish(package, ref)

    reader = catalogue_backend.open()
    assert reader.versions(ref.coalition, ref.dataset) == []
    assert listed(reader, ref.coalition) == []
    with pytest.raises(PackageNotFound):
        reader.resolve(ref)

    assert catalogue_backend.open().publish(package, ref).status == "published"
    fetched_and_verified(reader, ref, tmp_path / "got", trust)
