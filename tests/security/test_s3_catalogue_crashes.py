"""Publishers of the S3 catalogue killed at chosen points, against the real SeaweedFS.

A forked child publishes and SIGKILLs itself just before its k-th S3 request (every k
of one publish), or the test kills it at a random time (tests/security/crash_harness.py).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import boto3
import pytest

from cdx.connectors.s3.catalogue import S3Catalogue
from cdx.connectors.s3.settings import S3Settings
from cdx.core.keys import TrustStore
from infra.seaweedfs.seaweedfs_service import SeaweedFSService
from tests.conftest import reseal_as
from tests.security.crash_harness import s3_campaign

pytestmark = pytest.mark.integration


def test_s3_publishers_killed_at_every_request_and_at_random_leave_a_consistent_catalogue(
    s3_service: SeaweedFSService,
    sealed_template: tuple[Path, Path],
    trust_file: Path,
    tmp_path: Path,
) -> None:
    packages = {}
    for version in ("1.0.0", "2.0.0", "3.0.0"):
        packages[version] = tmp_path / "packages" / version
        shutil.copytree(sealed_template[1], packages[version])
        keys = sealed_template[0] / "keys"
        reseal_as(packages[version], "kenya-lnob", "health-scorecard", version, keys)
    settings = S3Settings(
        endpoint_url=s3_service.endpoint_url,
        region=s3_service.region,
        addressing_style="path",
        attempts=2,
        lease_s=1.0,
    )

    def open_catalogue(prefix: str) -> S3Catalogue:
        session = boto3.Session(
            aws_access_key_id=s3_service.admin.access_key_id,
            aws_secret_access_key=s3_service.admin.secret_access_key,
            region_name=s3_service.region,
        )
        return S3Catalogue(s3_service.bucket, prefix, settings, session=session)

    tally = s3_campaign(
        open_catalogue, packages, TrustStore.load(trust_file), tmp_path / "scratch", random_kills=12
    )
    print(tally.line(), dict(tally.outcomes))
    assert tally.problems == []
    assert tally.killed >= 20
