"""An S3 catalogue written by someone hostile, on the real SeaweedFS: object keys with
`..` parts, objects longer than declared, a huge manifest, a broken keys.json."""

from __future__ import annotations

import contextlib
import hashlib
import json
import time
import uuid
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from cdx.connectors.catalogue import PackageRef
from cdx.connectors.pull import pull_package
from cdx.connectors.s3.catalogue import S3Catalogue
from cdx.connectors.s3.settings import S3Settings
from cdx.core.keys import TrustStore, load_signing_key
from cdx.seal.signature import sign_manifest
from cdx.verify.verification import Verification
from infra.seaweedfs.seaweedfs_service import SeaweedFSService
from tests.security.hostile_packages import assert_nothing_left, codes, impostor_key

pytestmark = pytest.mark.integration

REF = PackageRef("kenya-lnob", "health-scorecard", "1.0.0")
MIB = 1024 * 1024


class Hostile:
    """A published version in its own prefix, and the admin's raw S3 client to spoil it."""

    def __init__(self, service: SeaweedFSService, sealed: Path) -> None:
        self.bucket = service.bucket
        self.prefix = f"hostile-{uuid.uuid4().hex[:8]}"
        session = boto3.Session(
            aws_access_key_id=service.admin.access_key_id,
            aws_secret_access_key=service.admin.secret_access_key,
            region_name=service.region,
        )
        settings = S3Settings(
            endpoint_url=service.endpoint_url,
            region=service.region,
            addressing_style="path",
            attempts=2,
            part_size_mb=5,
        )
        self.catalogue = S3Catalogue(self.bucket, self.prefix, settings, session=session)
        self.catalogue.publish(sealed, REF)
        self.client = service.client()
        self.base = f"{self.prefix}/{REF.key}/"

    def put(self, key: str, body: bytes) -> None:
        self.client.put_object(Bucket=self.bucket, Key=key, Body=body)

    def manifest(self) -> dict[str, Any]:
        body = self.client.get_object(Bucket=self.bucket, Key=self.base + "manifest.json")
        manifest: dict[str, Any] = json.loads(body["Body"].read())
        return manifest

    def resign(self, manifest: dict[str, Any], key_file: Path) -> None:
        key = load_signing_key("kenya-lnob", key_file)
        self.put(self.base + "manifest.json", json.dumps(manifest).encode())
        self.put(self.base + "manifest.sig", json.dumps(sign_manifest(manifest, key)).encode())


@pytest.fixture
def hostile(s3_service: SeaweedFSService, sealed: Path) -> Hostile:
    return Hostile(s3_service, sealed)


@pytest.fixture
def key_file(sealed_template: tuple[Path, Path]) -> Path:
    return sealed_template[0] / "keys" / "kenya-lnob.key"


def pull(hostile: Hostile, office: Path, trust_file: Path, **options: Any) -> Verification:
    _, verification = pull_package(
        hostile.catalogue, REF, office / "got", TrustStore.load(trust_file), **options
    )
    return verification


@pytest.mark.parametrize("hostile_path", ["../../../PWNED.txt", "data/../../../../PWNED.txt"])
def test_an_object_key_with_dot_dot_parts_writes_nothing_outside_the_target(
    hostile: Hostile,
    key_file: Path,
    trust_file: Path,
    office: Path,
    tmp_path: Path,
    hostile_path: str,
) -> None:
    data = b"pwned\n"
    # S3 keys are literal, so `..` parts are allowed by the protocol; SeaweedFS refuses
    # them (InvalidRequest), AWS does not. The manifest entry is the hostile part.
    with contextlib.suppress(ClientError):
        hostile.put(hostile.base + hostile_path, data)
    manifest = hostile.manifest()
    manifest["files"].append(
        {"path": hostile_path, "bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}
    )
    hostile.resign(manifest, key_file)
    verification = pull(hostile, office, trust_file)
    assert codes(verification) == {"path-unsafe"}
    assert_nothing_left(office, tmp_path)


def test_an_object_longer_than_declared_is_refused_from_its_length(
    hostile: Hostile, trust_file: Path, office: Path, tmp_path: Path
) -> None:
    hostile.put(hostile.base + "data/scores.csv", b"x" * (12 * MIB))
    verification = pull(hostile, office, trust_file)
    assert codes(verification) == {"file-too-large"}
    assert_nothing_left(office, tmp_path)


def test_a_manifest_over_the_size_limit_is_refused_unread(
    hostile: Hostile, trust_file: Path, office: Path, tmp_path: Path
) -> None:
    hostile.put(hostile.base + "manifest.json", b" " * (17 * MIB))
    began = time.monotonic()
    verification = pull(hostile, office, trust_file)
    assert time.monotonic() - began < 10
    assert codes(verification) == {"manifest-too-large"}
    assert_nothing_left(office, tmp_path)


def test_the_signature_is_checked_before_any_object_is_fetched(
    hostile: Hostile, trust_file: Path, office: Path, tmp_path: Path
) -> None:
    impostor, _ = impostor_key(tmp_path)
    hostile.resign(hostile.manifest(), impostor)
    hostile.client.delete_object(Bucket=hostile.bucket, Key=hostile.base + "data/scores.csv")
    verification = pull(hostile, office, trust_file)
    assert codes(verification) == {"key-untrusted"}
    assert_nothing_left(office, tmp_path)


@pytest.mark.parametrize("keys_json", [b"[1, 2]", b"{not json", b'{"k": {"public_key": 5}}'])
def test_a_broken_keys_json_does_not_block_a_pull_the_trust_store_accepts(
    hostile: Hostile, trust_file: Path, office: Path, keys_json: bytes
) -> None:
    hostile.put(f"{hostile.prefix}/kenya-lnob/keys.json", keys_json)
    assert pull(hostile, office, trust_file).ok


def test_catalogue_keys_never_speak_for_a_coalition_the_trust_store_pins(
    hostile: Hostile, trust_file: Path, office: Path, tmp_path: Path
) -> None:
    impostor, entry = impostor_key(tmp_path)
    hostile.resign(hostile.manifest(), impostor)
    hostile.catalogue.publish_key("kenya-lnob", entry)
    verification = pull(hostile, office, trust_file, accept_catalogue_keys=True)
    assert codes(verification) == {"key-untrusted"}
    assert_nothing_left(office, tmp_path)
