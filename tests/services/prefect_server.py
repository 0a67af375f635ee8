"""Session fixture: a real `prefect server start` with a process work pool and worker."""

from __future__ import annotations

import secrets
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from infra.prefect.prefect_service import PrefectService, PrefectServiceError

REPO = Path(__file__).resolve().parents[2]


def _psql(sql: str) -> None:
    subprocess.run(
        [
            "psql",
            "-h",
            "127.0.0.1",
            "-U",
            "postgres",
            "-d",
            "postgres",
            "-v",
            "ON_ERROR_STOP=1",
            "-qc",
            sql,
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )


@pytest.fixture(scope="session")
def prefect_server() -> Iterator[PrefectService]:
    """Prefect on its production database, PostgreSQL (a fresh database in the local one)."""
    database = f"cdx_prefect_{secrets.token_hex(4)}"
    try:
        _psql(f'CREATE DATABASE "{database}"')
    except (OSError, subprocess.CalledProcessError) as error:
        detail = getattr(error, "stderr", b"") or b""
        pytest.fail(
            f"PostgreSQL at 127.0.0.1:5432 is needed for the Prefect server tests: {error} "
            f"{detail.decode(errors='replace')}",
            pytrace=False,
        )
    url = f"postgresql+asyncpg://postgres@127.0.0.1:5432/{database}"
    service = PrefectService(workdir=REPO, database_url=url)
    try:
        service.start()
    except (PrefectServiceError, OSError) as error:
        service.stop()
        _psql(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        pytest.fail(f"The Prefect test server could not start: {error}", pytrace=False)
    try:
        yield service
    finally:
        service.stop()
        _psql(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
