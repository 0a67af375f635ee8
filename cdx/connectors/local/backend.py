"""The local-directory catalogue as a registry backend: a plain path or `file:PATH`.

It needs no settings and no credentials: the filesystem's permissions are its
credentials, and a refusal is the operating system's.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cdx.connectors.local.catalogue import LocalCatalogue


class LocalBackend:
    name = "local"
    schemes = ("",)  # no `://`: a path, relative to the coalition's folder
    settings_class = None
    credentials_class = None

    def open(self, location: str, *, base_dir: Path | None, credentials: Any) -> LocalCatalogue:
        from cdx.connectors.local.catalogue import LocalCatalogue

        path = Path(location.removeprefix("file:"))
        if not path.is_absolute() and base_dir is not None:
            path = base_dir / path
        return LocalCatalogue(path)

    def credentials_from_blocks(self, block_name: str | None = None) -> None:
        """A directory has no secrets to load."""
        return None


BACKEND = LocalBackend()
