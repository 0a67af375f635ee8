"""The S3 catalogue against a real S3 server (SeaweedFS): publish, pull, crashes, identities.

No mocks: every test talks to the server `tests/services/seaweedfs.py` starts. The bucket
is shared by the session, so each test works under its own prefix — except where a
coalition's own credentials publish, which may write only at `<bucket>/<coalition>/`:
those tests use dataset names no other test uses.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import boto3
import pytest
from typer.testing import CliRunner

from cdx.connectors.catalogue import PackageRef, PublishOutcome
from cdx.connectors.pull import pull_package
from cdx.connectors.registry import open_catalogue
from cdx.connectors.s3.catalogue import S3Catalogue
from cdx.connectors.s3.settings import S3Settings
from cdx.core.errors import (
    CatalogueError,
    CatalogueUnreachable,
    CdxError,
    CredentialsRefused,
    NotAllowed,
    PackageNotFound,
    VersionConflict,
)
from cdx.core.keys import TrustStore, load_signing_key
from cdx.core.names import package_id
from cdx.seal.manifest import build_manifest, write_manifest
from cdx.seal.signature import sign_manifest, write_signature
from infra.seaweedfs.seaweedfs_service import S3Identity, SeaweedFSService

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]
REF = PackageRef("kenya-lnob", "health-scorecard", "1.0.0")
MIB = 1024 * 1024


def unique(name: str) -> str:
    return f"{name}-{uuid.uuid4().hex[:8]}"


def settings_for(service: SeaweedFSService, **overrides: Any) -> S3Settings:
    values: dict[str, Any] = {
        "endpoint_url": service.endpoint_url,
        "region": service.region,
        "addressing_style": "path",
        "attempts": 2,
        "connect_timeout_s": 2,
        "read_timeout_s": 20,
        "part_size_mb": 5,
        "lease_s": 2.0,
    }
    return S3Settings(**(values | overrides))


def catalogue_as(
    service: SeaweedFSService,
    identity: S3Identity | None,
    prefix: str = "",
    *,
    kind: type[S3Catalogue] = S3Catalogue,
    bucket: str | None = None,
    **overrides: Any,
) -> S3Catalogue:
    """A catalogue with its own boto3 session, as `identity` (admin by default)."""
    identity = identity or service.admin
    session = boto3.Session(
        aws_access_key_id=identity.access_key_id,
        aws_secret_access_key=identity.secret_access_key,
        region_name=service.region,
    )
    return kind(
        bucket or service.bucket, prefix, settings_for(service, **overrides), session=session
    )


def keys_under(service: SeaweedFSService, prefix: str) -> list[str]:
    listed = service.client().list_objects_v2(Bucket=service.bucket, Prefix=prefix)
    return sorted(item["Key"] for item in listed.get("Contents", []))


def reseal(
    package: Path,
    key_dir: Path,
    *,
    dataset: str = "health-scorecard",
    version: str = "1.0.0",
    change_data: bool = False,
    big_file_mib: int = 0,
) -> Path:
    """Seal `package` again with the coalition's key, as another dataset or version."""
    descriptor = json.loads((package / "datapackage.json").read_text())
    descriptor |= {"id": package_id("kenya-lnob", dataset, version), "version": version}
    (package / "datapackage.json").write_text(json.dumps(descriptor))
    if change_data:
        data = package / "data" / "scores.csv"
        data.write_text(data.read_text() + "\n")
    if big_file_mib:  # not a resource: only the manifest and signature speak for it
        with (package / "data" / "big.bin").open("wb") as handle:
            for number in range(big_file_mib):
                handle.write(hashlib.sha256(str(number).encode()).digest() * (MIB // 32))
    manifest = build_manifest(package, coalition="kenya-lnob", dataset=dataset, version=version)
    write_manifest(package, manifest)
    key = load_signing_key("kenya-lnob", key_dir / "kenya-lnob.key")
    write_signature(package / "manifest.sig", sign_manifest(manifest, key))
    return package


def copy_of(sealed: Path, tmp_path: Path) -> Path:
    target = tmp_path / unique("package")
    shutil.copytree(sealed, target)
    return target


def pull_and_verify(catalogue: S3Catalogue, ref: str, to: Path, trust_file: Path) -> PackageRef:
    resolved, verification = pull_package(
        catalogue, PackageRef.parse(ref), to, TrustStore.load(trust_file)
    )
    assert verification.ok, [p.message for p in verification.problems]
    return resolved


@pytest.fixture
def key_dir(sealed_template: tuple[Path, Path]) -> Path:
    return sealed_template[0] / "keys"


# --------------------------------------------------------------------------- the happy path


def test_publish_then_pull_verifies_through_the_standard_aws_chain(
    s3_service: SeaweedFSService,
    sealed: Path,
    trust_file: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    prefix = unique("roundtrip")
    publisher = catalogue_as(s3_service, None, prefix)
    assert publisher.publish(sealed, REF).status == "published"
    publisher.publish_key(REF.coalition, json.loads(trust_file.read_text()))

    # The statistics office opens the catalogue by its location only: endpoint and
    # credentials come from the environment, as in production.
    office = s3_service.statistics_office
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", office.access_key_id)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", office.secret_access_key)
    monkeypatch.setenv("CDX_S3_ENDPOINT_URL", s3_service.endpoint_url)
    monkeypatch.setenv("CDX_S3_REGION", s3_service.region)
    monkeypatch.setenv("CDX_S3_ADDRESSING_STYLE", "path")
    reader = open_catalogue(f"s3://{s3_service.bucket}/{prefix}")
    assert isinstance(reader, S3Catalogue)

    assert (
        pull_and_verify(reader, "kenya-lnob/health-scorecard", tmp_path / "got", trust_file) == REF
    )
    assert (tmp_path / "got" / "data" / "scores.csv").read_bytes() == (
        sealed / "data" / "scores.csv"
    ).read_bytes()
    assert [(e.coalition, e.dataset, e.version) for e in reader.entries()] == [
        ("kenya-lnob", "health-scorecard", "1.0.0")
    ]
    assert reader.published_keys("kenya-lnob") == json.loads(trust_file.read_text())
    # No claim is left behind in a committed version.
    assert not [k for k in keys_under(s3_service, prefix) if k.endswith(".cdx-claim.json")]


def test_latest_is_the_highest_committed_version(
    s3_service: SeaweedFSService, sealed: Path, key_dir: Path, trust_file: Path, tmp_path: Path
) -> None:
    prefix = unique("latest")
    catalogue = catalogue_as(s3_service, None, prefix)
    catalogue.publish(sealed, REF)
    second = reseal(copy_of(sealed, tmp_path), key_dir, version="2.0.0", change_data=True)
    catalogue.publish(second, PackageRef("kenya-lnob", "health-scorecard", "2.0.0"))
    # An uncommitted 3.0.0 (no manifest.sig) is invisible.
    admin = s3_service.client()
    admin.put_object(
        Bucket=s3_service.bucket,
        Key=f"{prefix}/kenya-lnob/health-scorecard/3.0.0/manifest.json",
        Body=b"{}",
    )
    assert catalogue.versions("kenya-lnob", "health-scorecard") == ["1.0.0", "2.0.0"]
    assert (
        pull_and_verify(
            catalogue, "kenya-lnob/health-scorecard@latest", tmp_path / "got", trust_file
        ).version
        == "2.0.0"
    )
    with pytest.raises(PackageNotFound, match=r"1\.0\.0, 2\.0\.0"):
        catalogue.resolve(PackageRef("kenya-lnob", "health-scorecard", "3.0.0"))


def test_republishing_identical_content_is_a_noop(
    s3_service: SeaweedFSService, sealed: Path, key_dir: Path, tmp_path: Path
) -> None:
    prefix = unique("noop")
    catalogue = catalogue_as(s3_service, None, prefix)
    assert catalogue.publish(sealed, REF).status == "published"
    before = {
        k: s3_service.client().head_object(Bucket=s3_service.bucket, Key=k)["ETag"]
        for k in keys_under(s3_service, prefix)
    }
    # Sealed again: new signature bytes, same contentDigest.
    again = reseal(copy_of(sealed, tmp_path), key_dir)
    assert catalogue.publish(again, REF).status == "unchanged"
    assert catalogue.publish(sealed, REF).status == "unchanged"
    after = {
        k: s3_service.client().head_object(Bucket=s3_service.bucket, Key=k)["ETag"]
        for k in keys_under(s3_service, prefix)
    }
    assert after == before


def test_different_content_under_a_published_version_is_a_conflict(
    s3_service: SeaweedFSService, sealed: Path, key_dir: Path, tmp_path: Path, trust_file: Path
) -> None:
    prefix = unique("conflict")
    catalogue = catalogue_as(s3_service, None, prefix)
    catalogue.publish(sealed, REF)
    changed = reseal(copy_of(sealed, tmp_path), key_dir, change_data=True)
    with pytest.raises(VersionConflict, match="already published with different content") as caught:
        catalogue.publish(changed, REF)
    assert "raise `version`" in (caught.value.hint or "")
    pull_and_verify(catalogue, str(REF), tmp_path / "got", trust_file)
    assert (tmp_path / "got" / "data" / "scores.csv").read_bytes() == (
        sealed / "data" / "scores.csv"
    ).read_bytes()


def test_a_file_larger_than_the_part_size_goes_up_in_checked_parts(
    s3_service: SeaweedFSService, sealed: Path, key_dir: Path, trust_file: Path, tmp_path: Path
) -> None:
    prefix = unique("multipart")
    big = reseal(sealed, key_dir, big_file_mib=12)
    catalogue = catalogue_as(s3_service, None, prefix, part_size_mb=5, max_concurrency=2)
    catalogue.publish(big, REF)
    head = s3_service.client().head_object(
        Bucket=s3_service.bucket,
        Key=f"{prefix}/{REF.key}/data/big.bin",
        ChecksumMode="ENABLED",
    )
    assert head["ContentLength"] == 12 * MIB
    assert head["ChecksumSHA256"].endswith("-3")  # the server checked three SHA-256 parts
    pull_and_verify(catalogue, str(REF), tmp_path / "got", trust_file)
    assert (tmp_path / "got" / "data" / "big.bin").read_bytes() == (
        big / "data" / "big.bin"
    ).read_bytes()


# --------------------------------------------------------------------------- failures


KILLED_PUBLISHER = """
import sys, time
from pathlib import Path
from cdx.connectors.catalogue import PackageRef
from cdx.connectors.s3.catalogue import S3Catalogue

class DiesBeforeCommit(S3Catalogue):
    def _before_commit(self, ref):
        print("uploaded", flush=True)
        time.sleep(600)

DiesBeforeCommit.from_url(sys.argv[1]).publish(Path(sys.argv[2]), PackageRef.parse(sys.argv[3]))
"""


def test_a_publisher_killed_before_commit_leaves_nothing_visible_and_the_rerun_completes(
    s3_service: SeaweedFSService, sealed: Path, trust_file: Path, tmp_path: Path
) -> None:
    prefix = unique("killed")
    identity = s3_service.admin
    env = os.environ | {
        "AWS_ACCESS_KEY_ID": identity.access_key_id,
        "AWS_SECRET_ACCESS_KEY": identity.secret_access_key,
        "CDX_S3_ENDPOINT_URL": s3_service.endpoint_url,
        "CDX_S3_REGION": s3_service.region,
        "CDX_S3_ADDRESSING_STYLE": "path",
        "CDX_S3_LEASE_S": "2",
        "PYTHONPATH": str(REPO),
    }
    location = f"s3://{s3_service.bucket}/{prefix}"
    publisher = subprocess.Popen(
        [sys.executable, "-c", KILLED_PUBLISHER, location, str(sealed), str(REF)],
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert publisher.stdout is not None
        assert publisher.stdout.readline().strip() == "uploaded"
    finally:
        publisher.send_signal(signal.SIGKILL)
        publisher.wait(timeout=10)

    catalogue = catalogue_as(s3_service, None, prefix)
    left = keys_under(s3_service, prefix)
    assert f"{prefix}/{REF.key}/data/scores.csv" in left  # the data went up …
    assert not [k for k in left if k.endswith("manifest.sig")]  # … but nothing is committed
    assert catalogue.versions("kenya-lnob", "health-scorecard") == []
    with pytest.raises(PackageNotFound):
        catalogue.resolve(PackageRef.parse("kenya-lnob/health-scorecard"))
    assert catalogue.entries() == []

    data_key = f"{prefix}/{REF.key}/data/scores.csv"
    uploaded = s3_service.client().head_object(Bucket=s3_service.bucket, Key=data_key)
    began = time.monotonic()
    assert catalogue.publish(sealed, REF).status == "published"  # takes the lapsed claim over
    assert time.monotonic() - began < 15
    kept = s3_service.client().head_object(Bucket=s3_service.bucket, Key=data_key)
    assert kept["LastModified"] == uploaded["LastModified"]  # resumed, not re-sent
    pull_and_verify(catalogue, str(REF), tmp_path / "got", trust_file)
    assert [e.version for e in catalogue.entries()] == ["1.0.0"]


class StopsServerMidUpload(S3Catalogue):
    service: SeaweedFSService

    def _after_part(self, key: str, number: int) -> None:
        if number == 2:
            self.service.kill_server()


def test_a_server_stopped_mid_upload_is_transient_and_leaves_nothing_visible(
    s3_service: SeaweedFSService, sealed: Path, key_dir: Path, trust_file: Path, tmp_path: Path
) -> None:
    prefix = unique("stopped")
    big = reseal(sealed, key_dir, big_file_mib=12)
    catalogue = catalogue_as(s3_service, None, prefix, kind=StopsServerMidUpload, max_concurrency=1)
    assert isinstance(catalogue, StopsServerMidUpload)
    catalogue.service = s3_service
    try:
        with pytest.raises(CatalogueUnreachable) as caught:
            catalogue.publish(big, REF)
        assert caught.value.transient
        assert "did not" in caught.value.message and s3_service.endpoint_url in caught.value.message
    finally:
        s3_service.start_server()

    plain = catalogue_as(s3_service, None, prefix)
    assert plain.versions("kenya-lnob", "health-scorecard") == []
    assert plain.publish(big, REF).status == "published"
    pull_and_verify(plain, str(REF), tmp_path / "got", trust_file)
    leftovers = s3_service.client().list_multipart_uploads(Bucket=s3_service.bucket, Prefix=prefix)
    assert not leftovers.get("Uploads")


def test_wrong_credentials_are_refused_clearly_and_write_nothing(
    s3_service: SeaweedFSService, sealed: Path
) -> None:
    prefix = unique("badkeys")
    real = s3_service.coalition("kenya-lnob")
    wrong_secret = S3Identity("kenya-lnob", real.access_key_id, "not-the-secret", ())
    unknown_key = S3Identity("nobody", "AKIANOBODY000000", "whatever", ())
    for identity, code in (
        (wrong_secret, "SignatureDoesNotMatch"),
        (unknown_key, "InvalidAccessKeyId"),
    ):
        catalogue = catalogue_as(s3_service, identity, prefix)
        with pytest.raises(CredentialsRefused, match=code) as caught:
            catalogue.publish(sealed, REF)
        assert "AWS_SECRET_ACCESS_KEY" in (caught.value.hint or "")
        with pytest.raises(CredentialsRefused):
            catalogue.resolve(REF)
    assert keys_under(s3_service, prefix) == []


def test_a_missing_bucket_is_named(s3_service: SeaweedFSService, sealed: Path) -> None:
    catalogue = catalogue_as(s3_service, None, bucket="no-such-bucket")
    with pytest.raises(CatalogueError, match="the bucket 'no-such-bucket' does not exist"):
        catalogue.publish(sealed, REF)
    with pytest.raises(CatalogueError, match="no-such-bucket"):
        catalogue.versions("kenya-lnob", "health-scorecard")
    assert "no-such-bucket" not in [
        b["Name"] for b in s3_service.client().list_buckets()["Buckets"]
    ]


def test_an_interrupted_pull_leaves_nothing_that_looks_complete(
    s3_service: SeaweedFSService, sealed: Path, trust_file: Path, tmp_path: Path
) -> None:
    prefix = unique("brokenpull")
    catalogue = catalogue_as(s3_service, None, prefix)
    catalogue.publish(sealed, REF)
    s3_service.client().delete_object(
        Bucket=s3_service.bucket, Key=f"{prefix}/{REF.key}/data/scores.csv"
    )
    _, verification = pull_package(
        catalogue, REF, tmp_path / "pulls" / "got", TrustStore.load(trust_file)
    )
    assert [(p.code, "data/scores.csv" in p.message) for p in verification.problems] == [
        ("file-missing", True)
    ]
    assert list((tmp_path / "pulls").iterdir()) == []  # neither the target nor a partial copy


# --------------------------------------------------------------------------- concurrency


def run_together(
    count: int, work: Callable[[int], PublishOutcome]
) -> list[PublishOutcome | CdxError]:
    """Run `work(i)` in `count` threads released at once; outcomes and cdx errors by i."""
    results: list[PublishOutcome | CdxError | None] = [None] * count
    start = threading.Barrier(count)

    def one(number: int) -> None:
        start.wait()
        try:
            results[number] = work(number)
        except CdxError as error:
            results[number] = error

    threads = [threading.Thread(target=one, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert all(result is not None for result in results)
    return [r for r in results if r is not None]


def test_twenty_concurrent_publishers_of_one_version_leave_exactly_one_winner(
    s3_service: SeaweedFSService, sealed: Path, key_dir: Path, trust_file: Path, tmp_path: Path
) -> None:
    prefix = unique("race")
    packages = [sealed, reseal(copy_of(sealed, tmp_path), key_dir, change_data=True)]
    catalogues = [catalogue_as(s3_service, None, prefix) for _ in range(20)]
    results = run_together(20, lambda n: catalogues[n].publish(packages[n % 2], REF))

    published = [
        n
        for n, r in enumerate(results)
        if isinstance(r, PublishOutcome) and r.status == "published"
    ]
    assert len(published) == 1
    winner = packages[published[0] % 2]
    for number, result in enumerate(results):
        if packages[number % 2] == winner:
            assert isinstance(result, PublishOutcome), result
        else:
            assert isinstance(result, VersionConflict), result
    pull_and_verify(catalogues[0], str(REF), tmp_path / "got", trust_file)
    assert (tmp_path / "got" / "data" / "scores.csv").read_bytes() == (
        winner / "data" / "scores.csv"
    ).read_bytes()
    assert len(catalogues[0].entries()) == 1


def test_ten_concurrent_publishers_of_different_datasets_are_all_listed(
    s3_service: SeaweedFSService, sealed: Path
) -> None:
    # The coalition's own credentials, at the bucket root: its catalog.json is shared
    # with every other test that publishes as kenya-lnob.
    kenya = s3_service.coalition("kenya-lnob")
    datasets = [unique(f"parallel-{n}") for n in range(10)]
    catalogues = [catalogue_as(s3_service, kenya) for _ in range(10)]
    results = run_together(
        10, lambda n: catalogues[n].publish(sealed, PackageRef("kenya-lnob", datasets[n], "1.0.0"))
    )
    assert all(isinstance(r, PublishOutcome) and r.status == "published" for r in results), results
    body = s3_service.client().get_object(Bucket=s3_service.bucket, Key="kenya-lnob/catalog.json")
    listed = {p["dataset"] for p in json.loads(body["Body"].read())["packages"]}
    assert set(datasets) <= listed
    for dataset in datasets:
        assert catalogues[0].versions("kenya-lnob", dataset) == ["1.0.0"]


# --------------------------------------------------------------------------- identities


def test_a_coalition_writing_under_another_is_not_allowed_and_leaves_nothing(
    s3_service: SeaweedFSService, sealed: Path
) -> None:
    kenya = catalogue_as(s3_service, s3_service.coalition("kenya-lnob"))
    dataset = unique("trespass")
    with pytest.raises(NotAllowed, match="may not") as caught:
        kenya.publish(sealed, PackageRef("nepal-cso", dataset, "1.0.0"))
    assert "only under its own prefix" in (caught.value.hint or "")
    assert keys_under(s3_service, f"nepal-cso/{dataset}/") == []
    uploads = s3_service.client().list_multipart_uploads(
        Bucket=s3_service.bucket, Prefix=f"nepal-cso/{dataset}/"
    )
    assert not uploads.get("Uploads")
    # Its own prefix works with the same credentials.
    own = PackageRef("kenya-lnob", unique("own"), "1.0.0")
    assert kenya.publish(sealed, own).status == "published"


def test_statistics_office_credentials_read_but_never_write(
    s3_service: SeaweedFSService, sealed: Path, key_dir: Path, trust_file: Path, tmp_path: Path
) -> None:
    prefix = unique("office")
    catalogue_as(s3_service, None, prefix).publish(sealed, REF)
    office = catalogue_as(s3_service, s3_service.statistics_office, prefix)
    pull_and_verify(office, str(REF), tmp_path / "got", trust_file)
    assert [e.dataset for e in office.entries()] == ["health-scorecard"]
    newer = reseal(copy_of(sealed, tmp_path), key_dir, version="1.1.0", change_data=True)
    with pytest.raises(NotAllowed):
        office.publish(newer, PackageRef("kenya-lnob", "health-scorecard", "1.1.0"))
    assert not [k for k in keys_under(s3_service, prefix) if "/1.1.0/" in k]


# --------------------------------------------------------------------------- gc


class FailsBeforeCommit(S3Catalogue):
    def _before_commit(self, ref: PackageRef) -> None:
        raise RuntimeError("the publisher dies here")


def test_gc_reports_in_a_dry_run_and_removes_only_stale_leftovers_when_applied(
    s3_service: SeaweedFSService,
    sealed: Path,
    trust_file: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    prefix = unique("gc")
    catalogue = catalogue_as(s3_service, None, prefix)
    catalogue.publish(sealed, REF)
    with pytest.raises(RuntimeError):
        catalogue_as(s3_service, None, prefix, kind=FailsBeforeCommit).publish(
            sealed, PackageRef("kenya-lnob", "health-scorecard", "2.0.0")
        )
    admin = s3_service.client()
    stale_key = f"{prefix}/kenya-lnob/health-scorecard/3.0.0/data/big.bin"
    upload_id = admin.create_multipart_upload(
        Bucket=s3_service.bucket, Key=stale_key, ChecksumAlgorithm="SHA256"
    )["UploadId"]
    time.sleep(2.1)  # both leftovers must be older than the age given below

    monkeypatch.setenv("AWS_ACCESS_KEY_ID", s3_service.admin.access_key_id)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", s3_service.admin.secret_access_key)
    monkeypatch.setenv("CDX_S3_ENDPOINT_URL", s3_service.endpoint_url)
    monkeypatch.setenv("CDX_S3_REGION", s3_service.region)
    monkeypatch.setenv("CDX_S3_ADDRESSING_STYLE", "path")
    from cdx.cli.app import app

    location = f"s3://{s3_service.bucket}/{prefix}"
    before = keys_under(s3_service, prefix)
    dry = CliRunner().invoke(app, ["catalogue", "gc", location, "--older-than", "2s"])
    assert dry.exit_code == 0, dry.output
    assert "would remove" in dry.output
    assert "health-scorecard/2.0.0/" in dry.output and "3.0.0/data/big.bin" in dry.output
    assert "1.0.0" not in dry.output
    assert keys_under(s3_service, prefix) == before

    applied = CliRunner().invoke(
        app, ["catalogue", "gc", location, "--older-than", "2s", "--apply"]
    )
    assert applied.exit_code == 0, applied.output
    assert "removed" in applied.output
    assert [k for k in keys_under(s3_service, prefix) if "/2.0.0/" in k] == []
    assert not admin.list_multipart_uploads(Bucket=s3_service.bucket, Prefix=prefix).get("Uploads")
    with pytest.raises(Exception, match="NoSuchUpload"):
        admin.upload_part(
            Bucket=s3_service.bucket, Key=stale_key, UploadId=upload_id, PartNumber=1, Body=b"x"
        )
    # The committed version is untouched; a fresh leftover would be too young to go.
    pull_and_verify(catalogue, str(REF), tmp_path / "got", trust_file)
    assert catalogue.collect_garbage(dt.timedelta(hours=24), apply=True) == []
