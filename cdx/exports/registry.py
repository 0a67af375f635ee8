"""Export formats by name: cdx's own, and any a Python package adds (entry points).

A format's module is imported only when it is asked for, so `cdx --help` stays fast.
Another distribution adds one under the entry-point group `cdx.exports`:
`[project.entry-points."cdx.exports"] sdmx = "my_package.sdmx:SDMX"`.
"""

from __future__ import annotations

import importlib
import shutil
from importlib.metadata import entry_points
from pathlib import Path
from typing import cast

from cdx.core.errors import ExportFormatUnknown, PackageNotVerified
from cdx.core.keys import TrustStore
from cdx.exports.export_format import ExportFormat
from cdx.verify.verification import verify_package

GROUP = "cdx.exports"
BUILTIN = {
    "parquet": "cdx.exports.parquet:PARQUET",
    "sdmx-csv": "cdx.exports.sdmx_csv:SDMX_CSV",
}


def _targets() -> dict[str, str]:
    found = {point.name: point.value for point in entry_points(group=GROUP)}
    return {**found, **BUILTIN}  # a plug-in cannot replace a built-in format


def format_names() -> list[str]:
    return sorted(_targets())


def export_format(name: str) -> ExportFormat:
    """The format called `name`; ExportFormatUnknown names the ones there are."""
    target = _targets().get(name)
    if target is None:
        raise ExportFormatUnknown(
            f"cdx knows no export format {name!r}",
            hint=f"use one of: {', '.join(format_names())}",
        )
    module, _, attribute = target.partition(":")
    return cast("ExportFormat", getattr(importlib.import_module(module), attribute))


def export_package(
    package_dir: Path, name: str, out_dir: Path, trust: TrustStore | None
) -> list[Path]:
    """Verify the package against the office's trust store, then write it as `name`.

    Nothing is written for a package that does not verify: an office exports only what
    it can trace to a coalition it trusts.
    """
    chosen = export_format(name)
    verification = verify_package(package_dir, trust)
    if not verification.ok:
        first = verification.problems[0].message if verification.problems else "not trusted"
        raise PackageNotVerified(
            f"{package_dir} did not verify, so it was not exported: {first}",
            hint="run `cdx verify` on it with your trust store (--trust) and fix what it says",
        )
    created = not out_dir.exists()
    out_dir.mkdir(parents=True, exist_ok=True)
    if any(out_dir.iterdir()):
        from cdx.core.errors import ConfigError

        raise ConfigError(
            f"{out_dir} is not empty", hint="name a new or empty directory with --out"
        )
    try:
        return chosen.export(package_dir, out_dir)
    except BaseException:
        # a refused or failed export leaves nothing behind: the directory was empty
        for path in out_dir.iterdir():
            shutil.rmtree(path) if path.is_dir() else path.unlink()
        if created:
            out_dir.rmdir()
        raise
