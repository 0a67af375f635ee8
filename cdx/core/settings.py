"""Settings from the environment (prefix CDX_). Passed explicitly; no module globals."""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from cdx.core.package_limits import PackageLimits


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

    # Limits on hostile or broken inputs (docs/decisions/0058-hostile-inputs.md).
    max_cell_characters: int = Field(
        1024 * 1024,
        ge=1,
        description="The longest cell of a source table, in characters "
        "(CDX_MAX_CELL_CHARACTERS; default 1 MiB); a longer one is refused (cell-too-large)",
    )
    max_workbook_bytes: int = Field(
        1024**3,
        ge=1,
        description="The most an XLSX workbook's parts may inflate to, in bytes "
        "(CDX_MAX_WORKBOOK_BYTES; default 1 GiB); more is refused (source-too-large)",
    )
    max_compression_ratio: int = Field(
        200,
        ge=1,
        description="The most a workbook part over 1 MiB may inflate, as a multiple of its "
        "compressed size (CDX_MAX_COMPRESSION_RATIO; default 200); more is a zip bomb",
    )

    max_manifest_bytes: int = Field(
        16 * 1024 * 1024,
        ge=1,
        description="The longest manifest.json pull and verify read, in bytes "
        "(CDX_MAX_MANIFEST_BYTES; default 16 MiB); a longer one is refused "
        "(manifest-too-large)",
    )
    max_manifest_files: int = Field(
        10_000,
        ge=1,
        description="The most files a manifest.json may list (CDX_MAX_MANIFEST_FILES; "
        "default 10,000); more are refused (manifest-too-many-files)",
    )

    def package_limits(self) -> PackageLimits:
        """The limits on what pull and verify read before a package is trusted."""
        return PackageLimits(
            manifest_bytes=self.max_manifest_bytes, manifest_files=self.max_manifest_files
        )

    def work_dir_for(self, coalition_dir: Path) -> Path:
        return (self.work_dir or coalition_dir / ".cdx").resolve()
