"""A real CKAN for the whole test session (search on PostgreSQL; see infra/ckan/README.md).

Use it from a test module with ``pytest_plugins = ["tests.services.ckan"]`` and a
``ckan_service`` argument. The fixture yields a running
:class:`infra.ckan.ckan_service.CkanService`: ``.url``, ``.sysadmin_name``,
``.sysadmin_token``, ``.create_user(name, sysadmin=False) -> token``,
``.create_token(user)``, ``.revoke_token(token)`` and ``.call_action(action, data)``.

A CKAN that cannot be installed or started fails the tests that need it; it never
skips them.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import pytest

from infra.ckan.ckan_service import CkanService, CkanServiceError


@pytest.fixture(scope="session")
def ckan_service() -> Iterator[CkanService]:
    """A CKAN 2.12 server on a free loopback port, with a sysadmin and a fresh database."""
    with contextlib.ExitStack() as stack:
        try:
            service = stack.enter_context(CkanService())
        except (CkanServiceError, OSError) as e:
            pytest.fail(f"The CKAN test service could not start: {e}", pytrace=False)
        yield service
