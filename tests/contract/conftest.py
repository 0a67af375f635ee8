"""The backends the catalogue contract runs against: one fixture param per backend.

Adding a backend to the contract is adding one opener below and one `pytest.param` to
`catalogue_backend`. Real services only: S3 is the SeaweedFS of tests/services, CKAN the
CKAN 2.12 of tests/services, plain and with ckanext-dcat's DCAT-AP schema; the local
backend is a temporary directory.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from cdx.connectors.catalogue import Catalogue
from cdx.connectors.registry import open_catalogue
from cdx.core.errors import CatalogueError, CdxError, CredentialsRefused, NotAllowed


@dataclass(frozen=True)
class BackendUnderTest:
    """A backend as the contract sees it: how to open it, and how it refuses."""

    name: str
    open: Callable[[], Catalogue]  # a publisher whose credentials the service accepts
    open_refused: Callable[[], Catalogue]  # the same place, credentials it refuses
    refused: type[CdxError]  # the coded error a refusal raises


Opener = Callable[[pytest.FixtureRequest, Path, pytest.MonkeyPatch], BackendUnderTest]


def local_backend(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> BackendUnderTest:
    """A directory; "refused" is the operating system's: the location lies under a file,
    which even root cannot write into (root ignores permission bits)."""
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("a file where the catalogue's parent should be\n")
    return BackendUnderTest(
        "local",
        open=lambda: open_catalogue(str(tmp_path / "catalogue")),
        open_refused=lambda: open_catalogue(str(blocker / "catalogue")),
        refused=CatalogueError,
    )


def s3_backend(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> BackendUnderTest:
    """A prefix of its own in the session's SeaweedFS bucket, as the admin identity."""
    import boto3

    from cdx.connectors.s3.backend import S3Credentials

    service = request.getfixturevalue("s3_service")
    monkeypatch.setenv("CDX_S3_ADDRESSING_STYLE", "path")
    monkeypatch.setenv("CDX_S3_ATTEMPTS", "2")
    location = f"s3://{service.bucket}/contract-{uuid.uuid4().hex[:8]}"

    def credentials(secret: str) -> S3Credentials:
        session = boto3.Session(
            aws_access_key_id=service.admin.access_key_id,
            aws_secret_access_key=secret,
            region_name=service.region,
        )
        return S3Credentials(session, service.endpoint_url, service.region, source="test")

    return BackendUnderTest(
        "s3",
        open=lambda: open_catalogue(
            location, credentials=credentials(service.admin.secret_access_key)
        ),
        open_refused=lambda: open_catalogue(location, credentials=credentials("not-the-secret")),
        refused=CredentialsRefused,
    )


def ckan_backend(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> BackendUnderTest:
    """The session's CKAN with the sysadmin's token; refused: a token CKAN never issued."""
    from cdx.connectors.ckan.backend import CkanCredentials

    fixture = "ckan_dcat_service" if request.param == "ckan-dcat" else "ckan_service"
    service = request.getfixturevalue(fixture)
    monkeypatch.delenv("CDX_CKAN_TOKEN", raising=False)
    location = f"ckan+{service.url}"
    made_up = f"not-a-token-{uuid.uuid4().hex}"
    return BackendUnderTest(
        request.param,
        open=lambda: open_catalogue(location, credentials=CkanCredentials(service.sysadmin_token)),
        open_refused=lambda: open_catalogue(location, credentials=CkanCredentials(made_up)),
        refused=NotAllowed,
    )


OPENERS: dict[str, Opener] = {
    "local": local_backend,
    "s3": s3_backend,
    "ckan": ckan_backend,
    "ckan-dcat": ckan_backend,  # a CKAN with ckanext-scheming's DCAT-AP schema
}


@pytest.fixture(
    params=[
        pytest.param("local"),
        pytest.param("s3", marks=pytest.mark.integration),
        pytest.param("ckan", marks=pytest.mark.integration),
        pytest.param("ckan-dcat", marks=pytest.mark.integration),
    ]
)
def catalogue_backend(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> BackendUnderTest:
    """Each catalogue backend cdx ships, opened through the registry with its own credentials."""
    return OPENERS[request.param](request, tmp_path, monkeypatch)
