"""Scheduled runs take catalogue secrets from Prefect blocks, on a real S3 and a real CKAN."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
import yaml
from prefect.blocks.system import Secret
from prefect_aws import AwsClientParameters, AwsCredentials

from cdx.connectors.ckan.backend import CkanBlocks
from cdx.connectors.s3.backend import S3Blocks
from cdx.core.errors import CredentialsRefused
from cdx.flows.credentials import credentials_from_blocks
from cdx.flows.publish import publish_dataset
from infra.ckan.ckan_service import CkanService
from infra.seaweedfs.seaweedfs_service import SeaweedFSService
from tests.flows.test_publish_flow import artifacts

BOTH_KINDS = ("s3://any-bucket", "ckan+http://any-portal")  # which blocks to read
SECRET_VARIABLES = (
    "CDX_CKAN_TOKEN",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_PROFILE",
    "CDX_S3_PROFILE",
    "CDX_S3_ENDPOINT_URL",
    "AWS_ENDPOINT_URL",
    "AWS_ENDPOINT_URL_S3",
)


@pytest.fixture
def no_secrets_in_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Nothing secret in the environment or in ~/.aws: only the blocks can provide it."""
    for name in SECRET_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-credentials"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-config"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("CDX_S3_ADDRESSING_STYLE", "path")
    monkeypatch.setenv("CDX_S3_ATTEMPTS", "1")
    suffix = uuid.uuid4().hex[:8]
    monkeypatch.setenv("CDX_BLOCK_CKAN_TOKEN", f"ckan-token-{suffix}")
    monkeypatch.setenv("CDX_BLOCK_S3", f"s3-{suffix}")


def _publish_to_s3_and_ckan(
    coalition_dir: Path, s3: SeaweedFSService, ckan: CkanService, prefix: str
) -> str:
    """The example coalition, renamed so no other test shares its CKAN organisation."""
    path = coalition_dir / "coalition.yaml"
    config = yaml.safe_load(path.read_text(encoding="utf-8"))
    config["coalition"]["id"] = f"ke-{prefix}"
    config["catalogues"] = {
        "s3": f"s3://{s3.bucket}/{prefix}",
        "portal": f"ckan+{ckan.url}",
    }
    path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return str(path)


def test_without_blocks_or_environment_the_catalogues_refuse(
    no_secrets_in_environment: None,
    coalition_dir: Path,
    s3_service: SeaweedFSService,
    ckan_service: CkanService,
) -> None:
    config = _publish_to_s3_and_ckan(coalition_dir, s3_service, ckan_service, "noblocks")
    assert credentials_from_blocks(BOTH_KINDS).source == "environment"
    state = publish_dataset(config, "health-scorecard", return_state=True)
    assert state.is_failed()
    error = state.result(raise_on_failure=False)
    assert isinstance(error, CredentialsRefused), error
    listed = s3_service.client().list_objects_v2(Bucket=s3_service.bucket, Prefix="noblocks/")
    assert listed.get("KeyCount", 0) == 0


def test_secrets_come_from_a_secret_and_an_aws_credentials_block(
    no_secrets_in_environment: None,
    coalition_dir: Path,
    s3_service: SeaweedFSService,
    ckan_service: CkanService,
) -> None:
    ckan_block, s3_block = CkanBlocks().ckan_token, S3Blocks().s3
    Secret(value=ckan_service.sysadmin_token).save(ckan_block, overwrite=True)
    AwsCredentials(
        aws_access_key_id=s3_service.admin.access_key_id,
        aws_secret_access_key=s3_service.admin.secret_access_key,
        region_name=s3_service.region,
        aws_client_parameters=AwsClientParameters(endpoint_url=s3_service.endpoint_url),
    ).save(s3_block, overwrite=True)
    prefix = f"blocks{uuid.uuid4().hex[:6]}"
    config = _publish_to_s3_and_ckan(coalition_dir, s3_service, ckan_service, prefix)

    state = publish_dataset(config, "health-scorecard", return_state=True)

    assert state.is_completed(), state.message
    published = {p["catalogue"]: p["status"] for p in state.result()["published"]}
    assert published == {"s3": "published", "portal": "published"}
    key = f"{prefix}/ke-{prefix}/health-scorecard/1.0.0/manifest.sig"
    assert s3_service.client().head_object(Bucket=s3_service.bucket, Key=key)["ContentLength"]
    shown = ckan_service.call_action(
        "package_show", {"id": f"ke-{prefix}--health-scorecard--1_0_0"}
    )
    assert shown["private"] is False
    (summary,) = artifacts("publish-" + f"ke-{prefix}-health-scorecard", state)
    page = f"{ckan_service.url}/dataset/ke-{prefix}--health-scorecard--1_0_0"
    assert f"[reports/validation.html on the dataset page]({page})" in summary.data
    assert f"s3://{s3_service.bucket}/{prefix}/" in summary.data
    # The flow's parameters name the config and the dataset, never a secret.
    assert ckan_service.sysadmin_token not in repr(state.state_details)
    source = credentials_from_blocks(BOTH_KINDS).source
    assert f"Secret block {ckan_block!r}" in source
    assert f"AwsCredentials block {s3_block!r}" in source


def test_a_run_reads_only_the_blocks_its_catalogues_need(
    no_secrets_in_environment: None, ckan_service: CkanService
) -> None:
    Secret(value=ckan_service.sysadmin_token).save(CkanBlocks().ckan_token, overwrite=True)
    assert credentials_from_blocks(["/srv/catalogue"]).source == "environment"
    assert credentials_from_blocks(["/srv/catalogue"]).of("ckan") is None
    portal = credentials_from_blocks([f"ckan+{ckan_service.url}"]).of("ckan")
    assert portal is not None and portal.token == ckan_service.sysadmin_token
