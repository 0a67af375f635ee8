"""manifest.json: every file of a package with its size and SHA-256.

`content_digest` identifies what a version *says* (the data and the descriptor, without
its creation time), so republishing the same data is recognised as a no-op even though
the provenance of the new run differs.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import rfc8785

from cdx.core.hashing import sha256_bytes, sha256_file
from cdx.core.layout import DATA_DIR, DESCRIPTOR, MANIFEST, SIGNATURE

MANIFEST_VERSION = "1.0"
VOLATILE_DESCRIPTOR_KEYS = ("created",)


def package_files(package_dir: Path) -> list[str]:
    """Relative POSIX paths of every file except the manifest and its signature."""
    paths = []
    for path in sorted(package_dir.rglob("*")):
        if path.is_file() or path.is_symlink():
            relative = path.relative_to(package_dir).as_posix()
            if relative not in (MANIFEST, SIGNATURE):
                paths.append(relative)
    return paths


def content_digest(package_dir: Path, files: dict[str, str]) -> str:
    """Digest of the data files' hashes and the descriptor minus volatile keys."""
    descriptor = json.loads((package_dir / DESCRIPTOR).read_text(encoding="utf-8"))
    for key in VOLATILE_DESCRIPTOR_KEYS:
        descriptor.pop(key, None)
    data = {path: digest for path, digest in files.items() if path.startswith(f"{DATA_DIR}/")}
    return "sha256:" + sha256_bytes(rfc8785.dumps({"descriptor": descriptor, "data": data}))


def build_manifest(
    package_dir: Path, *, coalition: str, dataset: str, version: str
) -> dict[str, Any]:
    entries = []
    hashes = {}
    for relative in package_files(package_dir):
        path = package_dir / relative
        digest = sha256_file(path)
        hashes[relative] = digest
        entries.append({"path": relative, "bytes": path.stat().st_size, "sha256": digest})
    return {
        "manifestVersion": MANIFEST_VERSION,
        "package": {"coalition": coalition, "dataset": dataset, "version": version},
        "contentDigest": content_digest(package_dir, hashes),
        "files": entries,
    }


def canonical(manifest: dict[str, Any]) -> bytes:
    """RFC 8785 canonical JSON: the exact bytes that are signed."""
    return rfc8785.dumps(manifest)


def write_manifest(package_dir: Path, manifest: dict[str, Any]) -> Path:
    path = package_dir / MANIFEST
    path.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def read_manifest(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data
