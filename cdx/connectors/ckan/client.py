"""The boundary to CKAN: every action and download, with timeouts, retries and our codes.

ckanapi's own defaults are no timeout and a fresh session per client; here every request
carries `CkanSettings.timeout_s` and goes through one `requests.Session`. Network
failures, 429 and 5xx are retried with exponential backoff. A write is resent only when
its request cannot have reached CKAN's action (connection refused, 502/503/504): after a
read timeout the write may have happened, and the next publish reconciles instead.
Every ckanapi error leaves here as a coded cdx error, `raise … from` the original.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import requests
from ckanapi import CKANAPIError, NotAuthorized, NotFound, RemoteCKAN, ValidationError

from cdx.connectors.ckan.settings import CkanSettings
from cdx.core.errors import CatalogueError, CatalogueUnreachable, NotAllowed
from cdx.core.i18n import tr

UNSENT_STATUS = {502, 503, 504}  # a proxy answered: CKAN's action did not run
CHUNK = 1 << 20
READ_ROLE = "member"
WRITE_ROLE = "editor"
READ_ACTIONS = ("_show", "_search", "_list")

__all__ = ["READ_ROLE", "WRITE_ROLE", "CkanClient", "CkanSettings", "Missing"]


class Missing(Exception):
    """CKAN said NotFound where absence is an answer, not an error."""


class _ServerFailure(Exception):
    """CKAN (or a proxy before it) answered 429 or 5xx: worth another try."""

    def __init__(self, status: int, body: str) -> None:
        super().__init__(f"HTTP {status}: {body[:200]}")
        self.status = status


class _RemoteCkan(RemoteCKAN):
    """ckanapi's client, telling passing server failures apart from CKAN's own errors."""

    def _request_fn(self, url: str, data: Any, headers: Any, files: Any, kwargs: Any) -> Any:
        status, body = super()._request_fn(url, data, headers, files, kwargs)
        if status == 429 or status >= 500:
            raise _ServerFailure(status, body)
        return status, body


class CkanClient:
    """One CKAN site as one token sees it."""

    def __init__(self, base_url: str, settings: CkanSettings) -> None:
        self.base_url = base_url.rstrip("/")
        self.location = f"ckan+{self.base_url}"
        self.settings = settings
        self._token = settings.token.get_secret_value() if settings.token else None
        self.session = requests.Session()
        self._remote = _RemoteCkan(self.base_url, apikey=self._token, session=self.session)

    def find(self, action: str, data: dict[str, Any], *, org: str) -> Any:
        """Like `call` for a read, but None when CKAN says the object does not exist."""
        try:
            return self.call(action, data, org=org, role=READ_ROLE, missing_ok=True)
        except Missing:
            return None

    def call(
        self,
        action: str,
        data: dict[str, Any],
        *,
        org: str,
        role: str = WRITE_ROLE,
        upload: Path | None = None,
        missing_ok: bool = False,
    ) -> Any:
        """Run one action; `org` and `role` name what a refusal needs, for the message."""

        def attempt() -> Any:
            files = {"upload": (upload.name, upload.open("rb"))} if upload else None
            try:
                return self._remote.call_action(
                    action, data, files=files, requests_kwargs={"timeout": self.settings.timeout_s}
                )
            finally:
                if files:
                    files["upload"][1].close()

        try:
            return self.retrying(action, attempt, write=not action.endswith(READ_ACTIONS))
        except NotFound as e:
            if missing_ok:
                raise Missing from e
            raise CatalogueError(f"CKAN {action} found nothing: {e}", where=self.location) from e
        except NotAuthorized as e:
            place = f"the organisation `{org}`" if org else "this CKAN"
            raise NotAllowed(
                f"the CKAN user of this token may not {action} in {place}",
                where=self.location,
                hint=f"an admin of {place} must give the user the role `{role}` (or higher); "
                "a revoked or expired token is refused the same way: create a new one and "
                "set CDX_CKAN_TOKEN (scheduled runs: the Prefect Secret block cdx-ckan-token)",
            ) from e
        except ValidationError as e:
            errors = getattr(e, "error_dict", None) or (e.args[0] if e.args else {})
            fields = "; ".join(
                f"{field}: {_sentence(problems)}"
                for field, problems in dict(errors).items()
                if field != "__type"
            )
            raise CatalogueError(
                f"CKAN refused {action}: {fields}",
                where=self.location,
                hint="fix the fields named (coalition.yaml metadata, or the portal's schema) "
                "and publish again",
            ) from e
        except CKANAPIError as e:
            raise CatalogueError(f"CKAN failed {action}: {e}", where=self.location) from e

    def download(self, url: str, target: Path) -> None:
        """Stream one resource to `target`, never holding the file in memory."""
        target.parent.mkdir(parents=True, exist_ok=True)
        with self.open_stream(url, target.name) as response, target.open("wb") as handle:
            for chunk in response.iter_content(CHUNK):
                handle.write(chunk)

    @contextlib.contextmanager
    def open_stream(self, url: str, what: str) -> Iterator[requests.Response]:
        """The resource at `url` as a streamed response (retried until it answers), closed
        after the block: a refused member is not read to its end."""
        # The token goes only to this CKAN, never to a host a resource link points at.
        own = url.startswith(self.base_url + "/")
        headers = {"Authorization": self._token} if own and self._token else {}

        def answer() -> requests.Response:
            response = self.session.get(
                url, headers=headers, stream=True, timeout=self.settings.timeout_s
            )
            if response.status_code < 400:
                return response
            response.close()
            if response.status_code == 429 or response.status_code >= 500:
                raise _ServerFailure(response.status_code, response.reason or "")
            if response.status_code in (401, 403):
                raise NotAllowed(
                    f"CKAN refused the download of {what}",
                    where=url,
                    hint=f"the token must belong to a `{READ_ROLE}` (or higher) of the "
                    "dataset's organisation",
                )
            raise CatalogueError(f"CKAN answered {response.status_code} to the download", where=url)

        response = self.retrying(f"download {what}", answer, write=False)
        try:
            yield response
        finally:
            response.close()

    def retrying(self, what: str, attempt: Callable[[], Any], *, write: bool) -> Any:
        """Run `attempt`, retrying passing failures with exponential backoff."""
        tries = self.settings.attempts
        for number in range(1, tries + 1):
            try:
                return attempt()
            except (requests.ConnectionError, requests.Timeout, _ServerFailure) as e:
                unsent = (
                    isinstance(e, requests.ConnectionError)
                    and not isinstance(e, requests.ReadTimeout)
                ) or (isinstance(e, _ServerFailure) and e.status in UNSENT_STATUS)
                if number == tries or (write and not unsent):
                    raise CatalogueUnreachable(
                        tr(
                            "CKAN did not answer {request} ({problem}) after {tries} tries",
                            request=what,
                            problem=type(e).__name__,
                            tries=number,
                        ),
                        where=self.location,
                        hint=tr("check that CKAN is up and reachable, then run again"),
                    ) from e
                time.sleep(self.settings.backoff_s * 2 ** (number - 1))
        raise AssertionError("attempts is at least 1")

    def close(self) -> None:
        self.session.close()


def _sentence(problems: object) -> str:
    return " ".join(map(str, problems)) if isinstance(problems, list) else str(problems)
