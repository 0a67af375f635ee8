"""Sources: where a coalition's files come from, staged into a run's work directory.

Only local files for now; every source is hashed while it is copied, so the provenance
names exactly the bytes the coalition gave.
"""

from __future__ import annotations

import hashlib
import mimetypes
from dataclasses import dataclass
from pathlib import Path

from cdx.core.errors import SourceMissing
from cdx.seal.provenance import SourceRecord

BLOCK = 1024 * 1024


@dataclass(frozen=True)
class StagedSource:
    record: SourceRecord
    path: Path  # the staged copy


def stage_file(location: str, base_dir: Path, dest_dir: Path) -> StagedSource:
    """Copy a local file into `dest_dir`, hashing it on the way."""
    source = (base_dir / location).resolve()
    if not source.is_file():
        raise SourceMissing(
            f"the file {source} does not exist",
            where=location,
            hint="check the `path` of this source in coalition.yaml (it is relative to "
            "coalition.yaml), or copy the file there",
        )
    dest_dir.mkdir(parents=True, exist_ok=True)
    target = dest_dir / source.name
    digest = hashlib.sha256()
    size = 0
    with source.open("rb") as reader, target.open("wb") as writer:
        while block := reader.read(BLOCK):
            digest.update(block)
            writer.write(block)
            size += len(block)
    media_type = mimetypes.guess_type(source.name)[0] or "application/octet-stream"
    record = SourceRecord(source.name, location, digest.hexdigest(), size, media_type)
    return StagedSource(record, target)
