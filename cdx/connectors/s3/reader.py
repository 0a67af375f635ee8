"""Reading a committed version out of an S3 catalogue, one object at a time.

S3 has no links and no devices; what can be hostile is an object's size (checked from
its ContentLength before a byte is read) and its key, which is only ever built from a
checked member path under the version's own prefix.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from cdx.connectors.fetching import CHUNK, OpenedMember
from cdx.connectors.s3.store import Missing, S3Store
from cdx.core.errors import FileMissing


class S3PackageReader:
    """The members under `base` (`<prefix><coalition>/<dataset>/<version>/`)."""

    def __init__(self, store: S3Store, base: str) -> None:
        self.store = store
        self.base = base
        self.where = f"s3://{store.bucket}/{base}"

    @contextlib.contextmanager
    def open_member(self, path: str) -> Iterator[OpenedMember]:
        key = self.base + path
        store = self.store
        try:
            answer = store.call(
                "read", key, lambda: store.client.get_object(Bucket=store.bucket, Key=key)
            )
        except Missing as e:
            raise FileMissing(
                f"the committed version has no {path}",
                where=self.where,
                hint="the catalogue was changed outside cdx; ask the coalition to publish "
                "a new version",
            ) from e
        body = answer["Body"]
        try:
            yield OpenedMember(int(answer.get("ContentLength", 0)), self._chunks(body, key))
        finally:
            body.close()  # a refused member is not read to its end

    def _chunks(self, body: object, key: str) -> Iterator[bytes]:
        with self.store.translated("read", key):
            yield from body.iter_chunks(CHUNK)  # type: ignore[attr-defined]
