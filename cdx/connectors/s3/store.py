"""The boundary to S3: every request of the S3 catalogue, with its errors in our codes.

Each call goes through `S3Store.call`, which turns botocore's errors into coded cdx
errors (`raise … from` the original): a refused permission into `NotAllowed` naming the
prefix the credentials may write, unknown or mistyped keys into `CredentialsRefused`,
a missing bucket into a `CatalogueError` naming it, and connection errors, 5xx and
throttling — which botocore has already retried `attempts` times — into the transient
`CatalogueUnreachable`. Two answers are not errors but outcomes the protocol expects:
a missing key (`Missing`) and a failed condition (`PreconditionLost`).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ConnectionError,
    HTTPClientError,
    NoCredentialsError,
    PartialCredentialsError,
    ProfileNotFound,
)

from cdx.core.errors import CatalogueError, CatalogueUnreachable, CredentialsRefused, NotAllowed
from cdx.core.i18n import tr

T = TypeVar("T")

DENIED = {"AccessDenied", "AllAccessDisabled", "403"}
BAD_CREDENTIALS = {
    "InvalidAccessKeyId",
    "SignatureDoesNotMatch",
    "ExpiredToken",
    "InvalidToken",
    "TokenRefreshRequired",
}
MISSING = {"NoSuchKey", "NotFound", "404", "NoSuchUpload"}
# AWS answers 409 ConditionalRequestConflict when two conditional writes race: the same
# outcome as 412 for us — someone else's write came first; look again.
LOST_RACE = {"PreconditionFailed", "412", "ConditionalRequestConflict"}
PASSING = {"SlowDown", "RequestTimeout", "InternalError", "ServiceUnavailable", "Throttling"}


class Missing(Exception):
    """The key does not exist: an answer, not an error."""


class PreconditionLost(Exception):
    """If-None-Match or If-Match failed: another writer got there first."""


@dataclass(frozen=True)
class StoredObject:
    key: str
    size: int
    etag: str
    last_modified: Any  # datetime, timezone-aware


class S3Store:
    """One bucket as one set of credentials sees it."""

    def __init__(self, client: Any, bucket: str, *, location: str, prefix: str) -> None:
        self.client = client
        self.bucket = bucket
        self.location = location
        self.prefix = prefix  # the catalogue's root inside the bucket, "" or ending in "/"

    # --- the one door ------------------------------------------------------------------

    def call(self, action: str, key: str, request: Callable[[], T]) -> T:
        """Run one request; translate what it raises (see the module docstring)."""
        with self.translated(action, key):
            return request()

    @contextlib.contextmanager
    def translated(self, action: str, key: str) -> Iterator[None]:
        """Translate botocore errors raised inside the block; `key` names the object."""
        where = f"s3://{self.bucket}/{key}"
        try:
            yield
        except ClientError as e:
            error = e.response.get("Error", {})
            code = str(error.get("Code", ""))
            status = int(e.response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 0)
            if code in MISSING:
                raise Missing(key) from e
            if code in LOST_RACE:
                raise PreconditionLost(key) from e
            if code == "NoSuchBucket":
                raise CatalogueError(
                    f"the bucket {self.bucket!r} does not exist at {self._endpoint()}",
                    where=self.location,
                    hint="check the bucket name in the catalogue location (s3://BUCKET/PREFIX) "
                    "and CDX_S3_ENDPOINT_URL; an S3 administrator creates buckets, cdx does not",
                ) from e
            if code in BAD_CREDENTIALS:
                raise self._credentials_refused(code) from e
            if code in DENIED:
                raise NotAllowed(
                    f"these S3 credentials may not {action} {where}",
                    where=self.location,
                    hint=f"a coalition's credentials may write only under its own prefix "
                    f"s3://{self.bucket}/{self.prefix}<coalition>/ and statistics-office "
                    "credentials only read; publish under your own coalition id, or use the "
                    "credentials of the coalition that owns this prefix (AWS_PROFILE, "
                    "CDX_S3_PROFILE or AWS_ACCESS_KEY_ID)",
                ) from e
            if code in PASSING or status == 429 or status >= 500:
                raise self._unreachable(action, where, f"{code or status}") from e
            raise CatalogueError(
                f"S3 refused to {action} {where}: {code} {error.get('Message', '')}".strip(),
                where=self.location,
            ) from e
        except (NoCredentialsError, PartialCredentialsError, ProfileNotFound) as e:
            raise CredentialsRefused(
                f"no usable S3 credentials were found ({e})",
                where=self.location,
                hint="set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or name a profile "
                "with AWS_PROFILE / CDX_S3_PROFILE; scheduled runs read a Prefect "
                "AwsCredentials block named cdx-s3 (or CDX_BLOCK_S3)",
            ) from e
        except (ConnectionError, HTTPClientError) as e:
            raise self._unreachable(action, where, type(e).__name__) from e
        except BotoCoreError as e:
            raise CatalogueError(f"S3 request {action} {where} failed: {e}") from e

    def _unreachable(self, action: str, where: str, why: str) -> CatalogueUnreachable:
        return CatalogueUnreachable(
            tr(
                "S3 at {endpoint} did not {action} {object} ({problem}); retried and gave up",
                endpoint=self._endpoint(),
                action=action,
                object=where,
                problem=why,
            ),
            where=self.location,
            hint=tr(
                "check that the S3 server is up and reachable, then run again: "
                "nothing half-published is ever visible, and the next run resumes"
            ),
        )

    def _credentials_refused(self, code: str) -> CredentialsRefused:
        return CredentialsRefused(
            f"S3 at {self._endpoint()} did not accept these credentials ({code})",
            where=self.location,
            hint="InvalidAccessKeyId: the access key is unknown to this server; "
            "SignatureDoesNotMatch: the secret key is wrong. Check AWS_ACCESS_KEY_ID / "
            "AWS_SECRET_ACCESS_KEY or the profile (AWS_PROFILE, CDX_S3_PROFILE), and that "
            "CDX_S3_ENDPOINT_URL points at the server that issued them",
        )

    def _endpoint(self) -> str:
        return str(self.client.meta.endpoint_url)

    # --- small objects -----------------------------------------------------------------

    def get_bytes(self, key: str) -> tuple[bytes, str, Any]:
        """Body, ETag and the server's Date header; Missing when absent."""
        answer = self.call("read", key, lambda: self.client.get_object(Bucket=self.bucket, Key=key))
        with self.translated("read", key):
            body = answer["Body"].read()
        server_date = answer["ResponseMetadata"]["HTTPHeaders"].get("date")
        return body, answer["ETag"], (answer["LastModified"], server_date)

    def find_bytes(self, key: str) -> tuple[bytes, str] | None:
        """Body and ETag, or None when the key does not exist."""
        try:
            body, etag, _ = self.get_bytes(key)
        except Missing:
            return None
        return body, etag

    def head(self, key: str) -> dict[str, Any] | None:
        """HeadObject's answer, or None when the key does not exist."""
        try:
            answer: dict[str, Any] = self.call(
                "read", key, lambda: self.client.head_object(Bucket=self.bucket, Key=key)
            )
        except Missing:
            return None
        return answer

    def put_bytes(
        self,
        key: str,
        body: bytes,
        *,
        if_match: str | None = None,
        checksum_sha256: str | None = None,
        metadata: dict[str, str] | None = None,
        content_type: str = "application/octet-stream",
    ) -> str:
        """Write `key` only if absent (or only if its ETag is `if_match`); return the ETag.

        PreconditionLost when the condition fails: nothing was written.
        """
        condition = {"IfMatch": if_match} if if_match else {"IfNoneMatch": "*"}
        extra: dict[str, Any] = {"Metadata": metadata or {}, "ContentType": content_type}
        if checksum_sha256:
            extra |= {"ChecksumAlgorithm": "SHA256", "ChecksumSHA256": checksum_sha256}
        answer = self.call(
            "write",
            key,
            lambda: self.client.put_object(
                Bucket=self.bucket, Key=key, Body=body, **condition, **extra
            ),
        )
        return str(answer["ETag"])

    def delete(self, key: str, *, if_match: str | None = None) -> None:
        """Delete `key`; with `if_match`, only while its ETag is that (where S3 supports it)."""
        condition = {"IfMatch": if_match} if if_match else {}
        self.call(
            "delete",
            key,
            lambda: self.client.delete_object(Bucket=self.bucket, Key=key, **condition),
        )

    # --- listings ----------------------------------------------------------------------

    def objects(self, prefix: str) -> Iterator[StoredObject]:
        """Every object under `prefix`, all pages."""
        paginator = self.client.get_paginator("list_objects_v2")
        with self.translated("list", prefix):
            for page in paginator.paginate(Bucket=self.bucket, Prefix=prefix):
                for item in page.get("Contents", []):
                    yield StoredObject(
                        item["Key"], item["Size"], item["ETag"], item["LastModified"]
                    )

    def folders(self, prefix: str) -> list[str]:
        """The names one level below `prefix` (S3 "common prefixes"), without the slash."""
        paginator = self.client.get_paginator("list_objects_v2")
        names = []
        with self.translated("list", prefix):
            for page in paginator.paginate(Bucket=self.bucket, Prefix=prefix, Delimiter="/"):
                for item in page.get("CommonPrefixes", []):
                    names.append(item["Prefix"][len(prefix) :].rstrip("/"))
        return names

    def multipart_uploads(self, prefix: str) -> Iterator[dict[str, Any]]:
        """Unfinished multipart uploads under `prefix`."""
        paginator = self.client.get_paginator("list_multipart_uploads")
        with self.translated("list uploads under", prefix):
            for page in paginator.paginate(Bucket=self.bucket, Prefix=prefix):
                yield from page.get("Uploads", [])

    def abort_upload(self, key: str, upload_id: str) -> None:
        with contextlib.suppress(Missing):
            self.call(
                "abort the upload of",
                key,
                lambda: self.client.abort_multipart_upload(
                    Bucket=self.bucket, Key=key, UploadId=upload_id
                ),
            )
