"""Reading a committed version out of a local catalogue without following a link.

The catalogue directory may hold symbolic links a hostile publisher (or a careless
administrator) left: `data/scores.csv -> /etc/passwd`, `data/esc -> /elsewhere`, a
version folder linked to another. Every component below the catalogue's root is opened
with O_NOFOLLOW relative to its parent's descriptor, and only a regular file is read, so
what is read is what lies inside the version folder, whatever the links say.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
from collections.abc import Iterator
from pathlib import Path

from cdx.connectors.fetching import CHUNK, OpenedMember
from cdx.core.errors import CatalogueError, FileMissing, FileNotRegular

DIRECTORY_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
FILE_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC


class LocalPackageReader:
    """The members of `root/key` (key = coalition/dataset/version), links refused."""

    def __init__(self, root: Path, key: str) -> None:
        self.root = root
        self.key = key
        self.where = str(root / key)

    @contextlib.contextmanager
    def open_member(self, path: str) -> Iterator[OpenedMember]:
        fd = self._open(path)
        try:
            size = os.fstat(fd).st_size
            yield OpenedMember(size, _chunks(fd))
        finally:
            os.close(fd)

    def _open(self, path: str) -> int:
        parts = [*self.key.split("/"), *path.split("/")]
        try:
            folder = os.open(self.root, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
        except OSError as e:
            raise CatalogueError(
                f"cdx could not open the catalogue directory: {e.strerror}", where=str(self.root)
            ) from e
        try:
            for part in parts[:-1]:
                inner = os.open(part, DIRECTORY_FLAGS, dir_fd=folder)
                os.close(folder)
                folder = inner
            # Look before opening: opening a device or a pipe can itself do something.
            if not stat.S_ISREG(os.stat(parts[-1], dir_fd=folder, follow_symlinks=False).st_mode):
                raise self._not_regular(path)
            fd = os.open(parts[-1], FILE_FLAGS, dir_fd=folder)
        except FileNotFoundError as e:
            raise FileMissing(
                f"{path} is listed but missing",
                where=self.where,
                hint="the catalogue was changed outside cdx; ask the coalition to publish again",
            ) from e
        except OSError as e:
            if e.errno in (errno.ELOOP, errno.ENOTDIR, errno.EMLINK):
                raise self._not_regular(path) from e
            raise CatalogueError(
                f"cdx could not read {path}: {e.strerror}", where=self.where
            ) from e
        finally:
            os.close(folder)
        if not stat.S_ISREG(os.fstat(fd).st_mode):  # swapped between the look and the open
            os.close(fd)
            raise self._not_regular(path)
        return fd

    def _not_regular(self, path: str) -> FileNotRegular:
        return FileNotRegular(
            f"{path} is not a regular file in the version folder (a symbolic link, a path "
            "through one, a device or a pipe): it is not fetched",
            where=self.where,
            hint="a published package holds only regular files; ask the catalogue's "
            "administrator to look at this version",
        )


def _chunks(fd: int) -> Iterator[bytes]:
    while chunk := os.read(fd, CHUNK):
        yield chunk
