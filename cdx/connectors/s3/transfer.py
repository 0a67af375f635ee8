"""Moving file bytes to and from S3 with flat memory, whatever the file size.

Up: a file no larger than one part is one PutObject; a larger one is a multipart upload
with `ChecksumAlgorithm=SHA256`, each part sent with its own SHA-256 so the server
refuses a part that arrives different (`BadDigest`). Parts are read one at a time and
at most `max_concurrency` are in flight, so memory is bounded by
`(max_concurrency + 1) × part_size`. The whole file is hashed while it is read and must
equal the manifest's hash before the upload is completed — a file changed after sealing
is never published. Completion is conditional (`If-None-Match: *`) like every write.

Down: see connectors/s3/reader.py — one streamed GET per object, checked and hashed by
connectors/fetching.py as it arrives.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

from cdx.connectors.s3.settings import S3Settings
from cdx.connectors.s3.store import S3Store
from cdx.core.errors import CatalogueError

CHUNK = 1024 * 1024
SHA256_METADATA = "sha256"  # x-amz-meta-sha256: the hex digest of the whole file

PartHook = Callable[[str, int], None]


def b64(digest: bytes) -> str:
    return base64.b64encode(digest).decode("ascii")


def upload_file(
    store: S3Store,
    key: str,
    path: Path,
    *,
    sha256: str,
    settings: S3Settings,
    after_part: PartHook | None = None,
) -> None:
    """Write `path` to `key` if absent; refuse it unless its bytes hash to `sha256`.

    PreconditionLost when the key already exists (nothing is replaced).
    """
    metadata = {SHA256_METADATA: sha256}
    if path.stat().st_size <= settings.part_size:
        data = path.read_bytes()
        digest = hashlib.sha256(data).digest()
        _check_unchanged(path, digest.hex(), sha256)
        store.put_bytes(key, data, checksum_sha256=b64(digest), metadata=metadata)
        return
    _upload_in_parts(store, key, path, sha256, metadata, settings, after_part)


def _upload_in_parts(
    store: S3Store,
    key: str,
    path: Path,
    sha256: str,
    metadata: dict[str, str],
    settings: S3Settings,
    after_part: PartHook | None,
) -> None:
    client, bucket = store.client, store.bucket
    created = store.call(
        "start a multipart upload of",
        key,
        lambda: client.create_multipart_upload(
            Bucket=bucket, Key=key, ChecksumAlgorithm="SHA256", Metadata=metadata
        ),
    )
    upload_id = created["UploadId"]

    def send(number: int, data: bytes) -> dict[str, Any]:
        checksum = b64(hashlib.sha256(data).digest())
        answer = store.call(
            "upload a part of",
            key,
            lambda: client.upload_part(
                Bucket=bucket,
                Key=key,
                UploadId=upload_id,
                PartNumber=number,
                Body=data,
                ChecksumAlgorithm="SHA256",
                ChecksumSHA256=checksum,
            ),
        )
        return {"PartNumber": number, "ETag": answer["ETag"], "ChecksumSHA256": checksum}

    try:
        whole = hashlib.sha256()
        in_flight = threading.BoundedSemaphore(settings.max_concurrency)
        failed = threading.Event()
        futures: list[Future[dict[str, Any]]] = []

        def settled(future: Future[dict[str, Any]]) -> None:
            in_flight.release()
            if future.exception() is not None:
                failed.set()  # stop reading: the upload is lost anyway

        with (
            ThreadPoolExecutor(settings.max_concurrency, thread_name_prefix="cdx-s3-up") as pool,
            path.open("rb") as handle,
        ):
            number = 0
            while not failed.is_set():
                in_flight.acquire()  # before reading: bounds the parts held in memory
                data = handle.read(settings.part_size)
                if not data:
                    in_flight.release()
                    break
                number += 1
                whole.update(data)
                future = pool.submit(send, number, data)
                future.add_done_callback(settled)
                futures.append(future)
                del data
                if after_part is not None:
                    after_part(key, number)
            parts = [future.result() for future in futures]  # the first failure, if any
        _check_unchanged(path, whole.hexdigest(), sha256)
        store.call(
            "complete the multipart upload of",
            key,
            lambda: client.complete_multipart_upload(
                Bucket=bucket,
                Key=key,
                UploadId=upload_id,
                MultipartUpload={"Parts": parts},
                IfNoneMatch="*",
            ),
        )
    except BaseException:
        # The parts would otherwise sit on the server, unseen, until gc aborts them.
        with contextlib.suppress(Exception):
            store.abort_upload(key, upload_id)
        raise


def _check_unchanged(path: Path, actual: str, expected: str) -> None:
    if actual != expected:
        raise CatalogueError(
            f"{path.name} no longer matches its manifest (sha256 {actual[:12]}…, "
            f"manifest says {expected[:12]}…)",
            where=str(path),
            hint="the package was changed after sealing: seal it again, then publish",
        )
