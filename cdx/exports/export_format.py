"""What an export format is: a way to write a verified package's tables for an office."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol


class ExportFormat(Protocol):
    """One format a statistics office reads (Parquet, SDMX, …), registered by name."""

    name: str
    description: str

    def export(self, package_dir: Path, out_dir: Path) -> list[Path]:
        """Write the package's tables into the empty directory `out_dir`; the files written."""
        ...
