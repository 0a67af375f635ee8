"""SHA-256 of files, read in fixed-size blocks so memory stays flat."""

from __future__ import annotations

import hashlib
from pathlib import Path

BLOCK = 1024 * 1024


def sha256_file(path: Path) -> str:
    """Hex SHA-256 of a file's bytes."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(BLOCK):
            digest.update(block)
    return digest.hexdigest()


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
