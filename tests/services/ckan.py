"""A real CKAN for the whole test session (search on PostgreSQL; see infra/ckan/README.md).

Use it from a test module with ``pytest_plugins = ["tests.services.ckan"]`` and a
``ckan_service`` argument. The fixture yields a running
:class:`infra.ckan.ckan_service.CkanService`: ``.url``, ``.sysadmin_name``,
``.sysadmin_token``, ``.create_user(name, sysadmin=False) -> token``,
``.create_token(user)``, ``.revoke_token(token)`` and ``.call_action(action, data)``.

``ckan_dcat_service`` is a second CKAN, started once per session beside the first, that
runs ckanext-scheming with ckanext-dcat's DCAT-AP schema (``dcat_ap_full``) and its RDF
endpoints (``/dataset/<name>.ttl``, profile ``euro_dcat_ap_3``).

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
    yield from _running("plain")


@pytest.fixture(scope="session")
def ckan_dcat_service() -> Iterator[CkanService]:
    """The same, running ckanext-scheming (schema dcat_ap_full) and ckanext-dcat."""
    yield from _running("dcat")


def _running(variant: str) -> Iterator[CkanService]:
    with contextlib.ExitStack() as stack:
        try:
            service = stack.enter_context(CkanService(variant=variant))
        except (CkanServiceError, OSError) as e:
            pytest.fail(f"The {variant} CKAN test service could not start: {e}", pytrace=False)
        yield service
