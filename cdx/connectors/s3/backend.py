"""The S3 catalogue as a registry backend: `s3://BUCKET/PREFIX`, credentials and blocks.

boto3 is imported only when a catalogue is opened; Prefect (prefect-aws) only when a
flow loads the credentials from a block.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from cdx.connectors.blocks import load_block
from cdx.connectors.s3.settings import S3Settings

if TYPE_CHECKING:
    from cdx.connectors.s3.catalogue import S3Catalogue

S3_BLOCK = "cdx-s3"


@dataclass(frozen=True)
class S3Credentials:
    """What an S3 catalogue is handed explicitly; None falls back to boto3's chain and CDX_S3_*."""

    session: Any = field(default=None, repr=False)  # a boto3.Session
    endpoint_url: str | None = None
    region: str | None = None
    source: str = "environment"  # where they came from, for logs (never the secrets)


class S3Blocks(BaseSettings):
    """Which Prefect block holds the S3 credentials (CDX_BLOCK_S3): a name, not a secret."""

    model_config = SettingsConfigDict(env_prefix="CDX_BLOCK_", extra="ignore")

    s3: str = Field(S3_BLOCK, description="AwsCredentials or MinIOCredentials block for S3")


class S3Backend:
    name = "s3"
    schemes = ("s3",)
    settings_class = S3Settings
    credentials_class = S3Credentials

    def open(
        self, location: str, *, base_dir: Path | None, credentials: S3Credentials | None
    ) -> S3Catalogue:
        from cdx.connectors.s3.catalogue import S3Catalogue  # lazy: keeps boto3 out of --help

        given = credentials or S3Credentials()
        settings = S3Settings()
        overrides = {"endpoint_url": given.endpoint_url, "region": given.region}
        settings = settings.model_copy(update={k: v for k, v in overrides.items() if v is not None})
        return S3Catalogue.from_url(location, settings, session=given.session)

    def credentials_from_blocks(self, block_name: str | None = None) -> S3Credentials | None:
        """From a prefect-aws AwsCredentials (or MinIOCredentials) block, if there is one."""
        from prefect_aws import AwsCredentials, MinIOCredentials

        name = block_name or S3Blocks().s3
        aws = load_block(AwsCredentials, name) or load_block(MinIOCredentials, name)
        if aws is None:
            return None
        return S3Credentials(
            session=aws.get_boto3_session(),
            endpoint_url=aws.aws_client_parameters.endpoint_url,
            region=getattr(aws, "region_name", None),
            source=f"S3 credentials from {type(aws).__name__} block {name!r}",
        )


BACKEND = S3Backend()
