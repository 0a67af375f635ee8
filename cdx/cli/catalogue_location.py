"""The catalogue a command reads from, as the person named it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cdx.core.i18n import tr


def existing_catalogue(location: str) -> Any:
    """The catalogue to read from; a directory that is not there is an error, not empty."""
    from cdx.connectors.registry import PATH_SCHEME, open_catalogue, scheme_of
    from cdx.core.errors import CatalogueNotFound

    if scheme_of(location) == PATH_SCHEME:
        path = Path(location.removeprefix("file:")).expanduser()
        if not path.is_dir():
            raise CatalogueNotFound(
                tr("there is no catalogue directory {path}", path=path),
                hint=tr(
                    "check the path (a local catalogue is the directory `cdx publish` "
                    "wrote to), or give s3://BUCKET/PREFIX or ckan+https://HOST"
                ),
            )
    return open_catalogue(location)
