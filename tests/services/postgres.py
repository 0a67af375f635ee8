"""The real PostgreSQL on 127.0.0.1:5432 (trust authentication), one throwaway database
per test.

``postgres_database`` yields the URL of a new, empty database
``cdx_load_test_<random>``, dropped after the test. A server that does not answer fails
the test; it never skips it.
"""

from __future__ import annotations

import getpass
import secrets
from collections.abc import Iterator

import pytest

HOST, PORT = "127.0.0.1", 5432


def _admin_url() -> str:
    """The first of the OS user or `postgres` the server lets in, on database postgres."""
    import psycopg

    problems = []
    for user in dict.fromkeys((getpass.getuser(), "postgres")):
        url = f"postgresql://{user}@{HOST}:{PORT}/postgres"
        try:
            psycopg.connect(url, connect_timeout=5).close()
        except psycopg.Error as error:
            problems.append(f"{user}: {str(error).strip()}")
            continue
        return url
    pytest.fail(f"PostgreSQL on {HOST}:{PORT} did not let us in: {problems}", pytrace=False)


@pytest.fixture(scope="session")
def postgres_admin_url() -> str:
    return _admin_url()


@pytest.fixture
def postgres_database(postgres_admin_url: str) -> Iterator[str]:
    """The URL of a fresh database, dropped (with anything connected to it) afterwards."""
    import psycopg

    name = f"cdx_load_test_{secrets.token_hex(6)}"
    with psycopg.connect(postgres_admin_url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield postgres_admin_url.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with psycopg.connect(postgres_admin_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
