"""Reading a committed version out of CKAN, one resource at a time.

A resource is found by its name (the member's path) among the version dataset's own
resources; its length, when CKAN sends one, is checked before a byte is read, and the
shared fetch routine (connectors/fetching.py) stops it at its declared size anyway.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from cdx.connectors.ckan.client import CkanClient
from cdx.connectors.fetching import CHUNK, OpenedMember
from cdx.core.errors import FileMissing


class CkanPackageReader:
    """The resources of one version dataset, by name."""

    def __init__(self, client: CkanClient, resources: dict[str, dict[str, Any]], where: str):
        self.client = client
        self.resources = resources
        self.where = where

    @contextlib.contextmanager
    def open_member(self, path: str) -> Iterator[OpenedMember]:
        resource = self.resources.get(path)
        if resource is None or not isinstance(resource.get("url"), str):
            raise FileMissing(
                f"the CKAN dataset has no resource {path!r}",
                where=self.where,
                hint="the dataset was changed outside cdx; ask its coalition to publish "
                "a new version",
            )
        with self.client.open_stream(resource["url"], path) as response:
            length = response.headers.get("Content-Length", "")
            size = int(length) if length.isdigit() else None
            yield OpenedMember(size, response.iter_content(CHUNK))
