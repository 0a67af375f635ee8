"""The CKAN catalogue against a real CKAN 2.12: publish, pull, versions, crashes, roles.

No mocks: every test talks to the CKAN that `tests/services/ckan.py` starts.
"""

from __future__ import annotations

import json
import secrets
import socket
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests
from ckanapi import NotFound, RemoteCKAN
from pydantic import SecretStr

from cdx.errors import (
    CatalogueError,
    CatalogueUnreachable,
    NotAllowed,
    OrganisationMissing,
    PackageNotFound,
    VersionConflict,
)
from cdx.keys import TrustStore
from connectors.catalogue import PackageRef, open_catalogue
from connectors.ckan import CkanCatalogue, version_dataset_name
from connectors.ckan_client import CkanClient, CkanSettings
from connectors.pull import pull_package
from infra.ckan.ckan_service import CkanService
from tests.conftest import reseal_as
from tests.unit.test_local_catalogue import reseal_with_changed_data

pytestmark = pytest.mark.integration

REF = PackageRef("kenya-lnob", "health-scorecard", "1.0.0")


def catalogue_as(service: CkanService, token: str | None, **settings: Any) -> CkanCatalogue:
    secret = SecretStr(token) if token else None
    return CkanCatalogue(service.url, CkanSettings(token=secret, **settings))


def sysadmin(service: CkanService) -> RemoteCKAN:
    return RemoteCKAN(service.url, apikey=service.sysadmin_token, session=requests.Session())


def show(service: CkanService, ref: PackageRef) -> dict[str, Any]:
    dataset: dict[str, Any] = sysadmin(service).call_action(
        "package_show", {"id": version_dataset_name(ref)}, requests_kwargs={"timeout": 30}
    )
    return dataset


def unique(prefix: str) -> str:
    return f"{prefix}-{secrets.token_hex(3)}"


def test_publish_then_pull_verifies(
    ckan_service: CkanService, sealed: Path, trust_file: Path, tmp_path: Path
) -> None:
    catalogue = open_catalogue(f"ckan+{ckan_service.url}")
    assert isinstance(catalogue, CkanCatalogue)
    publisher = catalogue_as(ckan_service, ckan_service.sysadmin_token)
    assert publisher.publish(sealed, REF).status == "published"
    publisher.publish_key(REF.coalition, json.loads(trust_file.read_text()))

    # An anonymous reader pulls the public version and verifies it against its trust store.
    reader = catalogue_as(ckan_service, None)
    resolved, verification = pull_package(
        reader,
        PackageRef.parse("kenya-lnob/health-scorecard@latest"),
        tmp_path / "got",
        TrustStore.load(trust_file),
    )
    assert resolved == REF and verification.ok
    assert (tmp_path / "got" / "data" / "scores.csv").read_bytes() == (
        sealed / "data" / "scores.csv"
    ).read_bytes()
    assert list(reader.published_keys(REF.coalition)) == list(json.loads(trust_file.read_text()))
    assert [
        (e.coalition, e.dataset, e.version)
        for e in reader.entries()
        if e.coalition == REF.coalition
    ] == [("kenya-lnob", "health-scorecard", "1.0.0")]


def test_metadata_is_visible_through_package_show(ckan_service: CkanService, sealed: Path) -> None:
    ref = PackageRef(unique("meta"), "health-scorecard", "1.0.0")
    catalogue_as(ckan_service, ckan_service.sysadmin_token).publish(sealed, ref)
    dataset = show(ckan_service, ref)
    extras = {item["key"]: item["value"] for item in dataset["extras"]}
    assert dataset["version"] == "1.0.0" and dataset["private"] is False
    assert dataset["license_id"] == "cc-by"
    assert dataset["maintainer_email"] == "data@lnob-kenya.example.org"
    assert extras["temporal_start"] == "2026-03-01" and extras["temporal_end"] == "2026-05-31"
    assert extras["spatial_text"].startswith("Kisumu")
    assert extras["contact_email"] == "data@lnob-kenya.example.org"
    assert "datapackage.org" in extras["conforms_to"]
    assert "community-scorecard" in extras["provenance"]
    assert extras["cdx_state"] == "complete"
    tags = {tag["name"] for tag in dataset["tags"]}
    assert {"SDG 3.8.1", "SDG 16.7.2", "disaggregated by county"} <= tags
    resources = {r["name"]: r for r in dataset["resources"]}
    assert set(resources) >= {
        "data/scores.csv",
        "datapackage.json",
        "provenance.jsonld",
        "reports/validation.json",
        "reports/validation.html",
        "manifest.json",
        "manifest.sig",
    }
    data = resources["data/scores.csv"]
    assert data["url_type"] == "upload" and len(data["hash"]) == 64
    assert data["hash_algorithm"] == "http://spdx.org/rdf/terms#checksumAlgorithm_sha256"


def test_latest_is_the_highest_version_and_every_version_stays(
    ckan_service: CkanService, sealed: Path
) -> None:
    coalition = unique("versions")
    catalogue = catalogue_as(ckan_service, ckan_service.sysadmin_token)
    for version in ("1.2.0", "1.10.0", "1.9.0"):
        catalogue.publish(sealed, PackageRef(coalition, "scores", version))
    assert catalogue.versions(coalition, "scores") == ["1.2.0", "1.9.0", "1.10.0"]
    latest = catalogue.resolve(PackageRef(coalition, "scores"))
    assert latest.version == "1.10.0"
    assert catalogue.resolve(PackageRef(coalition, "scores", "1.2.0")).version == "1.2.0"
    with pytest.raises(PackageNotFound, match=r"1\.2\.0, 1\.9\.0, 1\.10\.0"):
        catalogue.resolve(PackageRef(coalition, "scores", "2.0.0"))


def test_republishing_identical_content_is_a_noop(
    ckan_service: CkanService, sealed: Path, trust_file: Path
) -> None:
    ref = PackageRef(unique("noop"), "health-scorecard", "1.0.0")
    catalogue = catalogue_as(ckan_service, ckan_service.sysadmin_token)
    catalogue.publish(sealed, ref)
    catalogue.publish_key(ref.coalition, json.loads(trust_file.read_text()))
    before = show(ckan_service, ref)
    again = catalogue_as(ckan_service, ckan_service.sysadmin_token)
    assert again.publish(sealed, ref).status == "unchanged"
    again.publish_key(ref.coalition, json.loads(trust_file.read_text()))
    after = show(ckan_service, ref)
    # The activity plugin is not enabled on this CKAN: metadata_modified is its witness.
    assert after["metadata_modified"] == before["metadata_modified"]
    assert after["resources"] == before["resources"]


def test_different_content_under_a_published_version_is_a_conflict(
    ckan_service: CkanService, sealed: Path, sealed_template: tuple[Path, Path]
) -> None:
    ref = PackageRef(unique("conflict"), "health-scorecard", "1.0.0")
    catalogue = catalogue_as(ckan_service, ckan_service.sysadmin_token)
    catalogue.publish(sealed, ref)
    before = show(ckan_service, ref)
    reseal_with_changed_data(sealed, sealed_template[0] / "keys")
    with pytest.raises(VersionConflict, match="already published with different content"):
        catalogue.publish(sealed, ref)
    assert show(ckan_service, ref)["metadata_modified"] == before["metadata_modified"]


class RevokingBeforeCommit(CkanCatalogue):
    """Loses its token after the uploads and before the commit: a real refusal from CKAN."""

    def __init__(self, service: CkanService, token: str) -> None:
        super().__init__(service.url, CkanSettings(token=SecretStr(token)))
        self.service, self.token = service, token

    def _before_commit(self, dataset: dict[str, Any]) -> None:
        self.service.revoke_token(self.token)


def test_a_crash_before_commit_leaves_a_private_incomplete_dataset_the_next_run_completes(
    ckan_service: CkanService, sealed: Path
) -> None:
    ref = PackageRef(unique("crash"), "health-scorecard", "1.0.0")
    user = unique("crasher").replace("-", "_")
    token = ckan_service.create_user(user)
    sysadmin(ckan_service).call_action("organization_create", {"name": ref.coalition})
    sysadmin(ckan_service).call_action(
        "organization_member_create", {"id": ref.coalition, "username": user, "role": "editor"}
    )
    with pytest.raises(NotAllowed, match=ref.coalition):
        RevokingBeforeCommit(ckan_service, token).publish(sealed, ref)

    left = show(ckan_service, ref)
    assert left["private"] is True
    assert {e["key"]: e["value"] for e in left["extras"]}["cdx_state"] == "incomplete"
    with pytest.raises(NotAllowed):  # private: anonymous readers may not even look
        catalogue_as(ckan_service, None).resolve(ref)
    with pytest.raises(PackageNotFound):  # readers ignore it even when they may see it
        catalogue_as(ckan_service, ckan_service.sysadmin_token).resolve(ref)

    rerun = catalogue_as(ckan_service, ckan_service.create_token(user))
    assert rerun.publish(sealed, ref).status == "published"
    done = show(ckan_service, ref)
    assert done["private"] is False
    uploaded = {(r["id"], r["last_modified"]) for r in left["resources"]}
    assert {(r["id"], r["last_modified"]) for r in done["resources"]} == uploaded
    assert catalogue_as(ckan_service, None).resolve(ref) == ref


@dataclass
class Roles:
    coalition: str
    tokens: dict[str, str]


@pytest.fixture(scope="module")
def roles(ckan_service: CkanService) -> Roles:
    """An organisation with a member, an editor and an admin; an outsider; a sysadmin."""
    coalition = unique("roles")
    sysadmin(ckan_service).call_action("organization_create", {"name": coalition})
    tokens = {}
    for role in ("member", "editor", "admin", "outsider", "sysadmin"):
        user = unique(role).replace("-", "_")
        tokens[role] = ckan_service.create_user(user, sysadmin=role == "sysadmin")
        if role in ("member", "editor", "admin"):
            sysadmin(ckan_service).call_action(
                "organization_member_create", {"id": coalition, "username": user, "role": role}
            )
    return Roles(coalition, tokens)


@pytest.mark.parametrize("role", ["editor", "admin", "sysadmin"])
def test_editors_admins_and_sysadmins_may_publish(
    ckan_service: CkanService, roles: Roles, sealed: Path, role: str
) -> None:
    ref = PackageRef(roles.coalition, f"by-{role}", "1.0.0")
    outcome = catalogue_as(ckan_service, roles.tokens[role]).publish(sealed, ref)
    assert outcome.status == "published"


@pytest.mark.parametrize("role", ["member", "outsider", "anonymous"])
def test_members_outsiders_and_anonymous_may_not_publish_and_nothing_is_written(
    ckan_service: CkanService, roles: Roles, sealed: Path, role: str
) -> None:
    ref = PackageRef(roles.coalition, f"by-{role}", "1.0.0")
    with pytest.raises(NotAllowed) as refused:
        catalogue_as(ckan_service, roles.tokens.get(role)).publish(sealed, ref)
    assert refused.value.code == "not-allowed"
    assert roles.coalition in str(refused.value) and "`editor`" in str(refused.value)
    with pytest.raises(NotFound):
        show(ckan_service, ref)


def test_a_missing_organisation_is_created_when_the_token_may(
    ckan_service: CkanService, roles: Roles, sealed: Path
) -> None:
    # This CKAN keeps its generated default `ckan.auth.user_create_organizations = true`.
    ref = PackageRef(unique("new-coalition"), "health-scorecard", "1.0.0")
    catalogue_as(ckan_service, roles.tokens["outsider"]).publish(sealed, ref)
    assert show(ckan_service, ref)["organization"]["name"] == ref.coalition


def test_a_missing_organisation_names_what_an_admin_must_create(
    ckan_service: CkanService, sealed: Path
) -> None:
    ref = PackageRef(unique("no-such-coalition"), "health-scorecard", "1.0.0")
    with pytest.raises(OrganisationMissing, match=f"organisation `{ref.coalition}`") as missing:
        catalogue_as(ckan_service, None).publish(sealed, ref)
    assert missing.value.code == "organisation-missing"
    with pytest.raises(NotFound):
        sysadmin(ckan_service).call_action("organization_show", {"id": ref.coalition})


def test_only_the_organisation_and_sysadmins_may_pull_a_private_dataset(
    ckan_service: CkanService, roles: Roles, sealed: Path, tmp_path: Path
) -> None:
    ref = PackageRef(roles.coalition, "private-scores", "1.0.0")
    # Pull refuses a package whose manifest names another package, so seal it for `ref`.
    trust_file = reseal_as(sealed, *ref.key.split("/"), keys=tmp_path / "keys")
    publisher = catalogue_as(ckan_service, roles.tokens["editor"], keep_private=True)
    publisher.publish(sealed, ref)
    assert show(ckan_service, ref)["private"] is True
    trust = TrustStore.load(trust_file)
    for role in ("member", "editor", "admin", "sysadmin"):
        reader = catalogue_as(ckan_service, roles.tokens[role])
        _, verification = pull_package(reader, ref, tmp_path / role, trust)
        assert verification.ok, role
    with pytest.raises(NotAllowed, match="`member`"):
        pull_package(
            catalogue_as(ckan_service, roles.tokens["outsider"]), ref, tmp_path / "outsider", trust
        )
    with pytest.raises(PackageNotFound, match="`member`"):
        pull_package(
            catalogue_as(ckan_service, None),
            PackageRef(ref.coalition, ref.dataset),
            tmp_path / "anonymous",
            trust,
        )
    assert not (tmp_path / "outsider").exists() and not (tmp_path / "anonymous").exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
    pulled = {p.name for p in tmp_path.iterdir()} - {"keys", "package"}
    assert pulled == {"member", "editor", "admin", "sysadmin"}


def test_a_revoked_token_is_refused(ckan_service: CkanService, roles: Roles, sealed: Path) -> None:
    user = unique("revoked").replace("-", "_")
    token = ckan_service.create_user(user)
    sysadmin(ckan_service).call_action(
        "organization_member_create", {"id": roles.coalition, "username": user, "role": "editor"}
    )
    ckan_service.revoke_token(token)
    ref = PackageRef(roles.coalition, "by-revoked", "1.0.0")
    with pytest.raises(NotAllowed, match="revoked"):
        catalogue_as(ckan_service, token).publish(sealed, ref)
    with pytest.raises(NotFound):
        show(ckan_service, ref)


def test_validation_errors_are_reported_field_by_field(ckan_service: CkanService) -> None:
    client = CkanClient(
        ckan_service.url, CkanSettings(token=SecretStr(ckan_service.sysadmin_token))
    )
    with pytest.raises(CatalogueError, match=r"name: Must be purely lowercase"):
        client.call("package_create", {"name": "Not A Name", "title": "x"}, org="")


def test_an_unreachable_ckan_is_retried_then_reported(tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    catalogue = CkanCatalogue.from_url(
        f"ckan+http://127.0.0.1:{port}", CkanSettings(attempts=3, backoff_s=0.01, timeout_s=2)
    )
    with pytest.raises(CatalogueUnreachable, match="after 3 tries") as unreachable:
        catalogue.versions("kenya-lnob", "health-scorecard")
    assert unreachable.value.transient
