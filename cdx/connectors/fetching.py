"""Fetching a package from a catalogue that may be hostile, for every backend.

A backend offers a `PackageReader`: it opens one member of a committed version as a
stream and refuses what is not a regular file (a symbolic link, or a path through one;
a device, a pipe). Everything else is here, once: manifest.json and manifest.sig are
read first, each up to its limit; the caller checks the signature; then only the
files the manifest lists are fetched, each path through `safe_member_path`, each
written with O_EXCL under the destination, stopped at its declared size and hashed as
it streams. Nothing a catalogue says can make cdx read more than the limits or write
outside the destination.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, TypeGuard

from cdx.core.errors import (
    FileModified,
    FileTooLarge,
    ManifestMalformed,
    ManifestTooLarge,
    ManifestTooManyFiles,
    UnsafePath,
)
from cdx.core.json_documents import parse_json
from cdx.core.layout import MANIFEST, SIGNATURE
from cdx.core.package_limits import PackageLimits
from cdx.core.package_paths import safe_member_path

CHUNK = 1024 * 1024
WRITE_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC


@dataclass
class OpenedMember:
    """A member being read: its size if the backend knows it first, and its bytes."""

    size: int | None
    chunks: Iterator[bytes]


class PackageReader(Protocol):
    """One committed version of a package in a catalogue, read a member at a time."""

    where: str  # the version's location, for messages

    def open_member(self, path: str) -> AbstractContextManager[OpenedMember]:
        """Open the regular file `path` (checked by the caller) for streaming.

        FileMissing when it is absent; FileNotRegular when it is a symbolic link, lies
        behind one, or is not a regular file."""
        ...


@dataclass(frozen=True)
class ListedFile:
    """A manifest entry, checked: a safe path, its size and its SHA-256."""

    path: str
    size: int
    sha256: str


def read_capped(reader: PackageReader, path: str, limit: int) -> bytes | None:
    """The whole member, or None when it is longer than `limit` (read no further)."""
    with reader.open_member(path) as member:
        if member.size is not None and member.size > limit:
            return None
        parts: list[bytes] = []
        total = 0
        for chunk in member.chunks:
            total += len(chunk)
            if total > limit:
                return None
            parts.append(chunk)
        return b"".join(parts)


def fetch_frame(reader: PackageReader, dest: Path, limits: PackageLimits) -> None:
    """Write manifest.json and manifest.sig into `dest`, each read up to its limit."""
    manifest = read_capped(reader, MANIFEST, limits.manifest_bytes)
    if manifest is None:
        raise ManifestTooLarge(
            f"manifest.json is longer than {limits.manifest_bytes:,} bytes",
            where=reader.where,
            hint="a package's manifest is a few kilobytes; if this one is genuine, raise "
            "CDX_MAX_MANIFEST_BYTES",
        )
    _write_new(dest / MANIFEST, manifest)
    signature = read_capped(reader, SIGNATURE, limits.signature_bytes)
    if signature is None:
        raise ManifestMalformed(
            f"manifest.sig is longer than {limits.signature_bytes:,} bytes: not a signature",
            where=reader.where,
        )
    _write_new(dest / SIGNATURE, signature)


def listed_files(manifest: object, limits: PackageLimits, *, where: str) -> list[ListedFile]:
    """The manifest's entries, every one checked, or a coded error for the first that is not."""
    files = manifest.get("files") if isinstance(manifest, dict) else None
    if not isinstance(files, list):
        raise ManifestMalformed("manifest.json `files` is not a list of entries", where=where)
    if len(files) > limits.manifest_files:
        raise ManifestTooManyFiles(
            f"manifest.json lists {len(files):,} files; at most {limits.manifest_files:,} "
            "are fetched",
            where=where,
            hint="if this package is genuine, raise CDX_MAX_MANIFEST_FILES",
        )
    listed: dict[str, ListedFile] = {}
    for entry in files:
        if not isinstance(entry, dict):
            raise ManifestMalformed("a manifest.json entry is not an object", where=where)
        path = str(safe_member_path(entry.get("path")))
        size, sha256 = entry.get("bytes"), entry.get("sha256")
        if not _is_size(size) or not _is_sha256(sha256):
            raise ManifestMalformed(f"{path}: `bytes` or `sha256` is malformed", where=where)
        if path in listed:
            raise UnsafePath(f"{path} is listed more than once in the manifest", where=where)
        listed[path] = ListedFile(path, size, sha256)
    return list(listed.values())


def fetch_members(reader: PackageReader, dest: Path, files: list[ListedFile]) -> None:
    """Stream each listed file into `dest`, refusing one longer or other than declared."""
    for listed in files:
        fetch_member(reader, dest, listed)


def fetch_member(reader: PackageReader, dest: Path, listed: ListedFile) -> None:
    target = dest / listed.path
    digest, written = hashlib.sha256(), 0
    with reader.open_member(listed.path) as member:
        if member.size is not None and member.size > listed.size:
            raise _too_large(listed, reader.where)
        fd = _create(dest, listed.path)
        with os.fdopen(fd, "wb") as handle:
            for chunk in member.chunks:
                written += len(chunk)
                if written > listed.size:
                    raise _too_large(listed, reader.where)
                digest.update(chunk)
                handle.write(chunk)
    if written != listed.size or digest.hexdigest() != listed.sha256:
        target.unlink()
        raise FileModified(
            f"{listed.path} differs from what was sealed ({written:,} bytes, sha256 "
            f"{digest.hexdigest()[:12]}…; the manifest says {listed.size:,} bytes, "
            f"{listed.sha256[:12]}…)",
            where=reader.where,
            hint="the catalogue's copy was changed after it was signed; ask the coalition "
            "to publish again",
        )


def fetch_package(reader: PackageReader, dest: Path, limits: PackageLimits | None = None) -> None:
    """Fetch a whole package into the empty directory `dest` without checking its signature
    (pull checks it between the frame and the files; see connectors/pull.py)."""
    limits = limits or PackageLimits()
    fetch_frame(reader, dest, limits)
    manifest = _parse(dest / MANIFEST, where=reader.where)
    fetch_members(reader, dest, listed_files(manifest, limits, where=reader.where))


def _parse(path: Path, *, where: str) -> Any:
    try:
        return parse_json(path.read_bytes())
    except ValueError as e:
        raise ManifestMalformed("manifest.json is not JSON", where=where) from e


def _too_large(listed: ListedFile, where: str) -> FileTooLarge:
    return FileTooLarge(
        f"{listed.path} is longer than the {listed.size:,} bytes its manifest entry declares",
        where=where,
        hint="the catalogue's copy was changed after it was signed; ask the coalition to "
        "publish again",
    )


def _create(dest: Path, path: str) -> int:
    """A new file at `dest/path` (a checked member path), opened for writing."""
    target = dest / path
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        return os.open(target, WRITE_FLAGS, 0o644)
    except (FileExistsError, NotADirectoryError) as e:
        raise UnsafePath(
            f"{path} collides with another file the manifest lists",
            hint="a package lists each file once, and no file where a folder is",
        ) from e


def _write_new(target: Path, data: bytes) -> None:
    fd = os.open(target, WRITE_FLAGS, 0o644)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)


def _is_size(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _is_sha256(value: object) -> TypeGuard[str]:
    return (
        isinstance(value, str)
        and len(value) == 64
        and all(char in "0123456789abcdef" for char in value)
    )
