"""The local-directory catalogue: atomic, immutable, concurrent-safe, verified pulls."""

from __future__ import annotations

import json
import multiprocessing
import shutil
from pathlib import Path

import pytest

from cdx.connectors.catalogue import PackageRef
from cdx.connectors.local.catalogue import LocalCatalogue
from cdx.connectors.pull import pull_package
from cdx.core.errors import PackageNotFound, VersionConflict
from cdx.core.keys import TrustStore
from cdx.seal.manifest import build_manifest, write_manifest

REF = PackageRef("kenya-lnob", "health-scorecard", "1.0.0")


def reseal_with_changed_data(package: Path, key_dir: Path) -> None:
    """Change one data value and seal again with the coalition's own key."""
    from cdx.core.keys import load_signing_key
    from cdx.seal.signature import sign_manifest, write_signature

    data = package / "data" / "scores.csv"
    data.write_text(data.read_text().replace(",3,", ",2,", 1))
    descriptor = json.loads((package / "datapackage.json").read_text())
    from cdx.core.hashing import sha256_file

    descriptor["resources"][0]["hash"] = f"sha256:{sha256_file(data)}"
    descriptor["resources"][0]["bytes"] = data.stat().st_size
    (package / "datapackage.json").write_text(json.dumps(descriptor))
    manifest = build_manifest(
        package, coalition="kenya-lnob", dataset="health-scorecard", version="1.0.0"
    )
    write_manifest(package, manifest)
    key = load_signing_key("kenya-lnob", key_dir / "kenya-lnob.key")
    write_signature(package / "manifest.sig", sign_manifest(manifest, key))


def test_publish_then_pull_verifies(sealed: Path, trust_file: Path, tmp_path: Path) -> None:
    catalogue = LocalCatalogue(tmp_path / "catalogue")
    outcome = catalogue.publish(sealed, REF)
    assert outcome.status == "published"
    assert catalogue.versions("kenya-lnob", "health-scorecard") == ["1.0.0"]
    assert [e.version for e in catalogue.entries()] == ["1.0.0"]
    resolved, verification = pull_package(
        catalogue,
        PackageRef.parse("kenya-lnob/health-scorecard"),
        tmp_path / "got",
        TrustStore.load(trust_file),
    )
    assert resolved == REF and verification.ok
    assert (tmp_path / "got" / "data" / "scores.csv").read_bytes() == (
        sealed / "data" / "scores.csv"
    ).read_bytes()


def test_republishing_identical_content_is_a_noop(
    sealed_template: tuple[Path, Path], tmp_path: Path
) -> None:
    from tests.conftest import seal_example

    catalogue = LocalCatalogue(tmp_path / "catalogue")
    assert catalogue.publish(sealed_template[1], REF).status == "published"
    # A second run over the same sources: new provenance, same content.
    again = seal_example(sealed_template[0])
    assert (again / "provenance.jsonld").read_bytes() != (
        sealed_template[1] / "provenance.jsonld"
    ).read_bytes()
    assert catalogue.publish(again, REF).status == "unchanged"
    assert len(catalogue.entries()) == 1


def test_different_content_under_a_published_version_is_a_conflict(
    sealed: Path, sealed_template: tuple[Path, Path], tmp_path: Path
) -> None:
    catalogue = LocalCatalogue(tmp_path / "catalogue")
    catalogue.publish(sealed_template[1], REF)
    reseal_with_changed_data(sealed, sealed_template[0] / "keys")
    with pytest.raises(VersionConflict) as caught:
        catalogue.publish(sealed, REF)
    assert "raise `version`" in (caught.value.hint or "")
    published = tmp_path / "catalogue" / REF.key / "data" / "scores.csv"
    assert published.read_bytes() == (sealed_template[1] / "data" / "scores.csv").read_bytes()


def test_a_version_without_signature_is_invisible_and_replaced(
    sealed: Path, tmp_path: Path
) -> None:
    catalogue = LocalCatalogue(tmp_path / "catalogue")
    leftover = tmp_path / "catalogue" / REF.key
    # What a publisher killed between copying the data and committing leaves behind.
    shutil.copytree(sealed, leftover, ignore=shutil.ignore_patterns("manifest.sig"))
    assert catalogue.versions("kenya-lnob", "health-scorecard") == []
    with pytest.raises(PackageNotFound):
        catalogue.resolve(REF)
    assert catalogue.publish(sealed, REF).status == "published"
    assert (leftover / "manifest.sig").read_bytes() == (sealed / "manifest.sig").read_bytes()


def _publish_in_process(args: tuple[str, str, str, str, str]) -> str:
    root, package, coalition, dataset, version = args
    try:
        return (
            LocalCatalogue(Path(root))
            .publish(Path(package), PackageRef(coalition, dataset, version))
            .status
        )
    except VersionConflict:
        return "conflict"


def test_concurrent_publishers_of_one_version_leave_one_winner(
    sealed: Path, sealed_template: tuple[Path, Path], tmp_path: Path
) -> None:
    changed = tmp_path / "changed"
    shutil.copytree(sealed, changed)
    reseal_with_changed_data(changed, sealed_template[0] / "keys")
    root = str(tmp_path / "catalogue")
    jobs = [(root, str(sealed if i % 2 else changed), *REF.key.split("/")) for i in range(12)]
    with multiprocessing.get_context("fork").Pool(6) as pool:
        statuses = pool.map(_publish_in_process, jobs)
    assert statuses.count("published") == 1
    winner = jobs[statuses.index("published")][1]
    for (_, package, *_), status in zip(jobs, statuses, strict=True):
        if status != "published":
            assert status == ("unchanged" if package == winner else "conflict")
    winner = Path(winner)
    committed = tmp_path / "catalogue" / REF.key
    assert (committed / "manifest.sig").read_bytes() == (winner / "manifest.sig").read_bytes()
    assert len(LocalCatalogue(Path(root)).entries()) == 1


def test_concurrent_publishers_of_different_datasets_are_all_listed(
    sealed: Path, tmp_path: Path
) -> None:
    root = str(tmp_path / "catalogue")
    jobs = [(root, str(sealed), "kenya-lnob", f"dataset-{i}", "1.0.0") for i in range(10)]
    with multiprocessing.get_context("fork").Pool(5) as pool:
        statuses = pool.map(_publish_in_process, jobs)
    assert statuses == ["published"] * 10
    listed = {entry.dataset for entry in LocalCatalogue(Path(root)).entries()}
    assert listed == {f"dataset-{i}" for i in range(10)}


def test_a_tampered_catalogue_copy_is_refused_and_nothing_is_left(
    sealed: Path, trust_file: Path, tmp_path: Path
) -> None:
    catalogue = LocalCatalogue(tmp_path / "catalogue")
    catalogue.publish(sealed, REF)
    stored = tmp_path / "catalogue" / REF.key / "data" / "scores.csv"
    stored.write_bytes(stored.read_bytes().replace(b"Kisumu", b"Kisumo", 1))
    _, verification = pull_package(catalogue, REF, tmp_path / "got", TrustStore.load(trust_file))
    assert {p.code for p in verification.problems} == {"file-modified"}
    assert not (tmp_path / "got").exists()
    assert list(tmp_path.glob(".got*")) == []


def test_a_package_vouched_for_only_by_the_catalogue_is_not_placed(
    sealed: Path, trust_file: Path, tmp_path: Path
) -> None:
    catalogue = LocalCatalogue(tmp_path / "catalogue")
    catalogue.publish(sealed, REF)
    catalogue.publish_key("kenya-lnob", json.loads(trust_file.read_text()))
    _, verification = pull_package(catalogue, REF, tmp_path / "got", None)
    assert verification.intact and not verification.trusted
    assert not (tmp_path / "got").exists()
    _, accepted = pull_package(catalogue, REF, tmp_path / "got", None, accept_catalogue_keys=True)
    assert accepted.intact and not accepted.trusted
    assert (tmp_path / "got" / "manifest.sig").exists()


def test_a_signed_package_served_under_another_version_is_refused(
    sealed: Path, trust_file: Path, tmp_path: Path
) -> None:
    catalogue = LocalCatalogue(tmp_path / "catalogue")
    catalogue.publish(sealed, REF)
    # Someone copies the sealed 1.0.0 into the place of a 2.0.0 that was never published.
    shutil.copytree(
        tmp_path / "catalogue" / REF.key,
        tmp_path / "catalogue" / "kenya-lnob/health-scorecard/2.0.0",
    )
    resolved, verification = pull_package(
        catalogue,
        PackageRef.parse("kenya-lnob/health-scorecard@latest"),
        tmp_path / "got",
        TrustStore.load(trust_file),
    )
    assert resolved.version == "2.0.0"
    assert {p.code for p in verification.problems} == {"package-mismatch"}
    assert not (tmp_path / "got").exists()


def test_a_pull_removes_partial_copies_left_by_killed_pulls_only(
    sealed: Path, trust_file: Path, tmp_path: Path
) -> None:
    import os
    import subprocess
    import sys

    catalogue = LocalCatalogue(tmp_path / "catalogue")
    catalogue.publish(sealed, REF)
    gone = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    abandoned = tmp_path / f".got.partial-{int(gone.stdout)}-0badc0de"
    (abandoned / "data").mkdir(parents=True)
    (abandoned / "data" / "scores.csv").write_text("half a file")
    running = tmp_path / f".got.partial-{os.getpid()}-5afe5afe"  # a pull still going
    running.mkdir()
    _, verification = pull_package(catalogue, REF, tmp_path / "got", TrustStore.load(trust_file))
    assert verification.ok
    assert not abandoned.exists()
    assert running.is_dir()


def test_a_version_committed_but_not_indexed_is_indexed_by_the_next_publish(
    sealed: Path, tmp_path: Path
) -> None:
    catalogue = LocalCatalogue(tmp_path / "catalogue")
    catalogue.publish(sealed, REF)
    index = tmp_path / "catalogue" / "catalog.json"
    listed = json.loads(index.read_text())
    # what a publisher killed between writing manifest.sig and catalog.json leaves, a while ago
    index.write_text(json.dumps({**listed, "packages": []}))
    import datetime as dt
    import os

    committed = dt.datetime(2026, 3, 1, 9, 30, tzinfo=dt.UTC)
    signature = tmp_path / "catalogue" / REF.key / "manifest.sig"
    os.utime(signature, (committed.timestamp(), committed.timestamp()))
    assert catalogue.entries() == [] and catalogue.versions(REF.coalition, REF.dataset)
    assert catalogue.publish(sealed, REF).status == "unchanged"
    (entry,) = catalogue.entries()
    assert (entry.coalition, entry.dataset, entry.version) == (
        REF.coalition,
        REF.dataset,
        REF.version,
    )
    # the commit's own time (manifest.sig's), not the time of the repair
    assert dt.datetime.fromisoformat(entry.committed) == committed
    before = index.read_bytes()
    assert catalogue.publish(sealed, REF).status == "unchanged"
    assert index.read_bytes() == before  # an indexed republish writes nothing
