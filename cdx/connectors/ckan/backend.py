"""The CKAN catalogue as a registry backend: `ckan+https://HOST`, its token and its block.

ckanapi is imported only when a catalogue is opened; Prefect only when a flow loads the
token from a block.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from cdx.connectors.blocks import load_block
from cdx.connectors.ckan.settings import CkanSettings

if TYPE_CHECKING:
    from cdx.connectors.ckan.catalogue import CkanCatalogue

CKAN_TOKEN_BLOCK = "cdx-ckan-token"


@dataclass(frozen=True)
class CkanCredentials:
    """What a CKAN catalogue is handed explicitly; a None token falls back to CDX_CKAN_TOKEN."""

    token: str | None = field(default=None, repr=False)
    source: str = "environment"  # where it came from, for logs (never the token)


class CkanBlocks(BaseSettings):
    """Which Prefect Secret block holds the CKAN token (CDX_BLOCK_CKAN_TOKEN): a name only."""

    model_config = SettingsConfigDict(env_prefix="CDX_BLOCK_", extra="ignore")

    ckan_token: str = Field(CKAN_TOKEN_BLOCK, description="Secret block with the CKAN token")


class CkanBackend:
    name = "ckan"
    schemes = ("ckan+http", "ckan+https")
    settings_class = CkanSettings
    credentials_class = CkanCredentials

    def open(
        self, location: str, *, base_dir: Path | None, credentials: CkanCredentials | None
    ) -> CkanCatalogue:
        from cdx.connectors.ckan.catalogue import CkanCatalogue  # lazy: keeps ckanapi out

        settings = CkanSettings()
        if credentials is not None and credentials.token is not None:
            settings = settings.model_copy(update={"token": SecretStr(credentials.token)})
        return CkanCatalogue.from_url(location, settings)

    def credentials_from_blocks(self, block_name: str | None = None) -> CkanCredentials | None:
        """The token from a Prefect Secret block, if there is one."""
        from prefect.blocks.system import Secret

        name = block_name or CkanBlocks().ckan_token
        secret = load_block(Secret, name)
        if secret is None:
            return None
        return CkanCredentials(
            token=str(secret.get()), source=f"CKAN token from Secret block {name!r}"
        )


BACKEND = CkanBackend()
