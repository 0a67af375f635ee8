"""How cdx talks to CKAN: settings from the environment (prefix CDX_CKAN_), never YAML."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class CkanSettings(BaseSettings):
    """How cdx talks to CKAN; from the environment (prefix CDX_CKAN_), never coalition.yaml."""

    model_config = SettingsConfigDict(env_prefix="CDX_CKAN_", extra="ignore")

    token: SecretStr | None = Field(
        default=None, description="CKAN API token (CDX_CKAN_TOKEN); none reads as anonymous"
    )
    timeout_s: float = Field(default=30.0, gt=0, description="Timeout of every HTTP request, s")
    attempts: int = Field(default=4, ge=1, description="Tries per request while CKAN fails")
    backoff_s: float = Field(default=0.5, ge=0, description="First wait between tries, doubling")
    keep_private: bool = Field(
        default=False, description="Leave published datasets private (CDX_CKAN_KEEP_PRIVATE)"
    )
    portal_schema: Literal["auto", "plain", "dcat-ap"] = Field(
        default="auto",
        description="How the portal keeps DCAT-AP fields (CDX_CKAN_PORTAL_SCHEMA): auto asks its "
        "ckanext-scheming schema; plain = extras only; dcat-ap = ckanext-dcat's dcat_ap_full",
    )
