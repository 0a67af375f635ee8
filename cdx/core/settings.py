"""Settings from the environment (prefix CDX_). Passed explicitly; no module globals."""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CDX_", extra="ignore")

    config: Path = Field(
        Path("coalition.yaml"), description="The coalition.yaml to use (CDX_CONFIG)"
    )
    work_dir: Path | None = Field(
        None,
        description="Where runs stage files and keep quarantined reports (CDX_WORK_DIR); "
        "default: .cdx beside coalition.yaml",
    )
    trust: Path | None = Field(
        None, description="Trust store used by pull and verify when --trust is not given"
    )

    publish_workers: int = Field(
        default_factory=lambda: min(4, os.cpu_count() or 1),
        ge=1,
        description="How many datasets a publish_coalition run publishes at once "
        "(CDX_PUBLISH_WORKERS; default: the CPU count, at most 4); 1 publishes them one "
        "after another",
    )

    def work_dir_for(self, coalition_dir: Path) -> Path:
        return (self.work_dir or coalition_dir / ".cdx").resolve()
