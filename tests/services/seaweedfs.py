"""A real S3 (SeaweedFS) for the whole test session; see infra/seaweedfs/README.md.

Use it from a test module with ``pytest_plugins = ["tests.services.seaweedfs"]`` and an
``s3_service`` argument. The fixture yields a running
:class:`infra.seaweedfs.seaweedfs_service.SeaweedFSService`:

- ``.endpoint_url``, ``.region``, ``.bucket`` (created, empty at session start);
- identities (``S3Identity``: ``.name``, ``.access_key_id``, ``.secret_access_key``,
  ``.actions``): ``.admin``, ``.statistics_office`` (read and list the whole bucket),
  ``.coalition(id)`` (read, write, list only under ``<bucket>/<id>/``);
- ``.client(identity=None, **botocore_config)``: a path-style boto3 S3 client, no retries;
- ``.stop_server()``, ``.kill_server()``, ``.start_server()``, ``.restart_server()`` and
  the context manager ``.server_stopped(kill=False)``: take the process down and bring it
  back on the same data and ports.

The bucket is shared by the session: give each test its own key prefix. A test that
stops the server must leave it running (``server_stopped`` does).

The coalitions are those of the ``s3_coalitions`` fixture; override it in a conftest to
change them. A SeaweedFS that cannot be found or started fails the tests that need it;
it never skips them.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from infra.seaweedfs.seaweedfs_service import SeaweedFSService, SeaweedFSServiceError

S3_COALITIONS = ("kenya-lnob", "nepal-cso")


@pytest.fixture(scope="session")
def s3_coalitions() -> tuple[str, ...]:
    """Coalition ids that get an identity confined to their own prefix."""
    return S3_COALITIONS


@pytest.fixture(scope="session")
def s3_service(s3_coalitions: tuple[str, ...]) -> Iterator[SeaweedFSService]:
    """A SeaweedFS S3 server on free loopback ports, with the bucket created."""
    service = SeaweedFSService(s3_coalitions)
    problem = None
    try:
        service.start()
    except (SeaweedFSServiceError, OSError) as e:
        problem = str(e)
    if problem is not None:  # failed outside the except block: no chained traceback
        pytest.fail(f"The SeaweedFS S3 test service could not start: {problem}", pytrace=False)
    try:
        yield service
    finally:
        service.close()
