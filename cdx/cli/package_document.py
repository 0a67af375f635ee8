"""A JSON document of a package directory, read as `cdx metadata` reads it: the folder
may hold what a hostile catalogue or sender left, and nobody verified it.

Never through a symbolic link (the reader of connectors/local opens every part with
O_NOFOLLOW), never a device or a pipe, never more than PackageLimits.document_bytes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cdx.connectors.fetching import read_capped
from cdx.connectors.local.reader import LocalPackageReader
from cdx.core.errors import FileMissing, FileNotRegular, MetadataUnreadable
from cdx.core.json_documents import parse_json
from cdx.core.package_limits import PackageLimits


def read_document(directory: Path, member: str) -> dict[str, Any] | None:
    """The JSON object `member` of the package in `directory`; None when there is none.

    MetadataUnreadable for a link, a device, a file over the limit or one that is not a
    JSON object."""
    folder = directory.resolve()
    limit = PackageLimits().document_bytes
    try:
        data = read_capped(LocalPackageReader(folder.parent, folder.name), member, limit)
    except FileMissing:
        return None
    except FileNotRegular:
        raise MetadataUnreadable(
            f"{member} is a symbolic link, lies behind one, or is a device or a pipe: cdx "
            "reads only a regular file inside the package",
            where=str(directory),
        ) from None
    if data is None:
        raise MetadataUnreadable(
            f"{member} is longer than the {limit:,} bytes cdx reads of a document",
            where=str(directory),
        )
    try:
        document = parse_json(data)
    except ValueError:
        document = None
    if not isinstance(document, dict):
        raise MetadataUnreadable(f"{member} is not a JSON object", where=str(directory))
    return document
