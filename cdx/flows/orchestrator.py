"""Whether a Prefect server orchestrates cdx here, read without importing Prefect.

A server is configured by PREFECT_API_URL, in the environment or in the active profile
of Prefect's profiles.toml (`prefect config set PREFECT_API_URL=…`). Without one, `cdx
publish` runs the steps itself (flows/direct.py) and keeps its run history in the
coalition's directory (flows/run_journal.py)
(docs/decisions/0068-publish-without-a-server.md).
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from pathlib import Path

from cdx.core.errors import PrefectServerMissing, PrefectServerUnreachable

START_ONE = (
    "start one with infra/prefect/up.sh (it prints the PREFECT_API_URL to export), "
    "or set PREFECT_API_URL to your coalition's Prefect server"
)


def configured_api_url(environ: Mapping[str, str] | None = None) -> str | None:
    """The Prefect API URL the user configured, or None when there is none."""
    environ = os.environ if environ is None else environ
    if "PREFECT_API_URL" in environ:
        return environ["PREFECT_API_URL"] or None
    return _profile_api_url(environ)


def _profile_api_url(environ: Mapping[str, str]) -> str | None:
    home = Path(environ.get("PREFECT_HOME") or Path.home() / ".prefect").expanduser()
    profiles = Path(environ.get("PREFECT_PROFILES_PATH") or home / "profiles.toml").expanduser()
    try:
        data = tomllib.loads(profiles.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return None
    active = environ.get("PREFECT_PROFILE") or data.get("active") or "ephemeral"
    profile = data.get("profiles", {}).get(active, {})
    url = profile.get("PREFECT_API_URL") if isinstance(profile, dict) else None
    return str(url) if url else None


def require_server(command: str) -> str:
    """The configured server's API URL, once it answers; a coded error otherwise."""
    url = configured_api_url()
    if not url:
        raise PrefectServerMissing(
            f"`cdx {command}` needs a Prefect server, and none is configured "
            "(PREFECT_API_URL is not set)",
            hint=START_ONE,
        )
    check_server_answers(url)
    return url


def check_server_answers(url: str, timeout: float = 10.0) -> None:
    """PrefectServerUnreachable unless `url`'s health check answers."""
    import httpx

    try:
        answer = httpx.get(f"{url.rstrip('/')}/health", timeout=timeout)
    except httpx.HTTPError as error:
        raise PrefectServerUnreachable(
            f"the Prefect server at {url} does not answer ({type(error).__name__})",
            where="PREFECT_API_URL",
            hint=f"check the address and that the server runs; or {START_ONE}",
        ) from error
    if answer.status_code != 200:
        raise PrefectServerUnreachable(
            f"the Prefect server at {url} answered its health check with {answer.status_code}",
            where="PREFECT_API_URL",
            hint="check that the address is the server's API (it ends in /api)",
        )
