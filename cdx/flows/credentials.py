"""Catalogue credentials from Prefect blocks: what scheduled runs on a worker use.

A steward stores the secrets once on the Prefect server (UI, or `cdx` docs' snippet):
- a `Secret` block holding the CKAN API token (default name `cdx-ckan-token`);
- a prefect-aws `AwsCredentials` (or `MinIOCredentials`) block for S3 (default name
  `cdx-s3`): keys or profile, region, and the endpoint under `aws_client_parameters`.

Block names come from CDX_BLOCK_CKAN_TOKEN / CDX_BLOCK_S3 (names, not secrets). A block
that does not exist falls back to the environment (CDX_CKAN_TOKEN, boto3's chain), so
a laptop without a Prefect server keeps working; the log says which source was used,
never the secret. Nothing secret is a flow parameter or sits in coalition.yaml.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from cdx.connectors.catalogue import CatalogueCredentials, is_ckan, is_s3

CKAN_TOKEN_BLOCK = "cdx-ckan-token"
S3_BLOCK = "cdx-s3"


class BlockNames(BaseSettings):
    """Which Prefect blocks hold the catalogues' secrets (prefix CDX_BLOCK_)."""

    model_config = SettingsConfigDict(env_prefix="CDX_BLOCK_", extra="ignore")

    ckan_token: str = Field(CKAN_TOKEN_BLOCK, description="Secret block with the CKAN token")
    s3: str = Field(S3_BLOCK, description="AwsCredentials or MinIOCredentials block for S3")


def _load(block_type: Any, name: str) -> Any | None:
    """The block, or None when no block of that name exists on the server."""
    try:
        return block_type.load(name)
    except ValueError as e:  # Prefect: "Unable to find block document named …"
        if "Unable to find" in str(e):
            return None
        raise


def credentials_from_blocks(
    locations: Iterable[str], names: BlockNames | None = None
) -> CatalogueCredentials:
    """What the catalogues at `locations` need, from Prefect blocks; the rest stays None.

    Only the blocks those catalogues use are read: a local-only publish reads none.
    """
    names = names or BlockNames()
    wanted = list(locations)
    used = []
    token: str | None = None
    if any(is_ckan(location) for location in wanted):
        from prefect.blocks.system import Secret

        secret = _load(Secret, names.ckan_token)
        if secret is not None:
            token = str(secret.get())
            used.append(f"CKAN token from Secret block {names.ckan_token!r}")
    aws = None
    if any(is_s3(location) for location in wanted):
        from prefect_aws import AwsCredentials, MinIOCredentials

        aws = _load(AwsCredentials, names.s3) or _load(MinIOCredentials, names.s3)
    session = endpoint = region = None
    if aws is not None:
        session = aws.get_boto3_session()
        endpoint = aws.aws_client_parameters.endpoint_url
        region = getattr(aws, "region_name", None)
        used.append(f"S3 credentials from {type(aws).__name__} block {names.s3!r}")
    return CatalogueCredentials(
        ckan_token=token,
        s3_session=session,
        s3_endpoint_url=endpoint,
        s3_region=region,
        source="; ".join(used) or "environment",
    )
