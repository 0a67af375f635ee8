"""How cdx reaches an S3 catalogue: settings (prefix CDX_S3_) and the boto3 client.

Credentials never come from here or from coalition.yaml: boto3's standard chain finds
them (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_PROFILE or CDX_S3_PROFILE, the
shared credentials file, an instance role …). Endpoint and region fall back to the same
chain too (AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL, AWS_REGION, the profile's config).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from cdx.core.errors import CredentialsRefused

if TYPE_CHECKING:
    import boto3

MIB = 1024 * 1024


class S3Settings(BaseSettings):
    """Where the S3 endpoint is and how to talk to it; from the environment, never YAML."""

    model_config = SettingsConfigDict(env_prefix="CDX_S3_", extra="ignore")

    endpoint_url: str | None = Field(
        default=None,
        description="S3 endpoint, e.g. https://minio.example.org (default: AWS, or "
        "AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL)",
    )
    region: str | None = Field(
        default=None, description="Region (default: AWS_REGION or the profile's region)"
    )
    addressing_style: Literal["auto", "path", "virtual"] = Field(
        default="auto",
        description="Bucket in the path or in the host name; `path` for most self-hosted servers",
    )
    profile: str | None = Field(
        default=None, description="AWS profile of the shared config files (default: AWS_PROFILE)"
    )
    part_size_mb: int = Field(
        default=8, ge=5, le=5120, description="Multipart part size, MiB (S3's minimum is 5)"
    )
    max_concurrency: int = Field(
        default=8, ge=1, le=64, description="Parts in flight at once, up and down"
    )
    attempts: int = Field(
        default=5, ge=1, description="Tries per request on connection errors, 5xx and throttling"
    )
    connect_timeout_s: float = Field(default=10.0, gt=0, description="TCP connect timeout, s")
    read_timeout_s: float = Field(default=60.0, gt=0, description="Socket read timeout, s")
    lease_s: float = Field(
        default=60.0,
        gt=0,
        description="A publisher's claim on a version lapses when not renewed for this long "
        "(it renews every quarter of it); then another publisher may take over",
    )
    claim_wait_s: float = Field(
        default=3600.0,
        gt=0,
        description="How long to wait for another live publisher of "
        "the same version before giving up",
    )

    @property
    def part_size(self) -> int:
        return self.part_size_mb * MIB


def s3_client(
    settings: S3Settings, session: boto3.Session | None = None, *, location: str = ""
) -> Any:
    """A thread-safe S3 client from the standard AWS chain plus `settings`."""
    import boto3
    from botocore.config import Config
    from botocore.exceptions import ProfileNotFound

    try:
        session = session or boto3.Session(profile_name=settings.profile)
    except ProfileNotFound as e:
        raise CredentialsRefused(
            f"that AWS profile does not exist: {e}",
            where=location or None,
            hint="name a profile of ~/.aws/config in CDX_S3_PROFILE or AWS_PROFILE, or unset it",
        ) from e
    config = Config(
        s3={"addressing_style": settings.addressing_style},
        retries={"max_attempts": settings.attempts, "mode": "standard"},
        connect_timeout=settings.connect_timeout_s,
        read_timeout=settings.read_timeout_s,
        # One connection per part in flight, plus the claim's heartbeat and small reads.
        max_pool_connections=settings.max_concurrency + 4,
    )
    return session.client(
        "s3", endpoint_url=settings.endpoint_url, region_name=settings.region, config=config
    )
