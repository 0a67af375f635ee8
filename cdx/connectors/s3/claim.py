"""A publisher's claim on one version: who may write its objects until it is committed.

S3 has no rename, so a version is written in place; without a claim two publishers of
different content could interleave their objects under the same keys. The claim is the
object `<version>/.cdx-claim.json`, created with `If-None-Match: *` — exactly one
publisher gets it. Its holder renews it (a new body, so a new ETag, written with
`If-Match` on the old one) every quarter of the lease from a background thread.

Another publisher that finds the claim waits for the version's manifest.sig. It takes
the claim over (`If-Match` on the ETag it saw, so only one taker wins) when the claim
has not changed for a whole lease — by the server's clock (`Date` − `Last-Modified`) or
by its own watch — which is what a killed publisher leaves behind.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import email.utils
import json
import os
import socket
import threading
import time
import uuid
from typing import Any

from cdx.connectors.s3.store import Missing, PreconditionLost, S3Store

CLAIM = ".cdx-claim.json"


class Claim:
    """Held by this process once `acquire` returned; renewed until `release`."""

    def __init__(self, store: S3Store, key: str, content_digest: str, lease_s: float) -> None:
        self.store = store
        self.key = key
        self.lease_s = lease_s
        self.attempt = uuid.uuid4().hex
        self.content_digest = content_digest
        self.etag: str | None = None
        self.lost = threading.Event()
        self._stop = threading.Event()
        self._renewals = 0
        self._thread: threading.Thread | None = None

    def body(self) -> bytes:
        return json.dumps(
            {
                "attempt": self.attempt,
                "contentDigest": self.content_digest,
                "host": socket.gethostname(),
                "pid": os.getpid(),
                "renewal": self._renewals,
                "at": dt.datetime.now(dt.UTC).isoformat(),
            }
        ).encode()

    def try_create(self) -> bool:
        """Create the claim; False if someone holds one."""
        try:
            self.etag = self.store.put_bytes(self.key, self.body(), content_type="application/json")
        except PreconditionLost:
            return False
        return True

    def try_take_over(self, stale_etag: str) -> bool:
        """Replace a lapsed claim; False if it changed meanwhile (its holder lives, or
        another taker was faster)."""
        try:
            self.etag = self.store.put_bytes(
                self.key, self.body(), if_match=stale_etag, content_type="application/json"
            )
        except (PreconditionLost, Missing):
            return False
        return True

    def start_renewing(self) -> None:
        self._thread = threading.Thread(target=self._renew, name="cdx-s3-claim", daemon=True)
        self._thread.start()

    def _renew(self) -> None:
        while not self._stop.wait(self.lease_s / 4):
            self._renewals += 1
            try:
                self.etag = self.store.put_bytes(
                    self.key, self.body(), if_match=self.etag, content_type="application/json"
                )
            except (PreconditionLost, Missing):
                self.lost.set()  # someone took over: we must not commit
                return
            except Exception:  # passing (server busy or down): the publish itself will tell
                continue

    def release(self) -> None:
        """Stop renewing and delete the claim (best effort: a lapsed claim does no harm)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        if not self.lost.is_set():
            # If-Match: never delete a claim another publisher has just taken over.
            with contextlib.suppress(Exception):
                self.store.delete(self.key, if_match=self.etag)


class ClaimWatch:
    """What a waiting publisher has seen of someone else's claim."""

    def __init__(self, lease_s: float) -> None:
        self.lease_s = lease_s
        self.etag: str | None = None
        self.since = time.monotonic()

    def lapsed(self, etag: str, stamps: Any) -> bool:
        """True once the claim with `etag` has gone unrenewed for a whole lease."""
        if etag != self.etag:
            self.etag, self.since = etag, time.monotonic()
        last_modified, server_date = stamps
        if server_date:
            now = email.utils.parsedate_to_datetime(server_date)
            # Both times are the server's: no clock skew between publishers matters.
            if (now - last_modified).total_seconds() > self.lease_s + 1:
                return True
        return time.monotonic() - self.since > self.lease_s
