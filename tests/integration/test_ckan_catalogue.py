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
from ckanapi import NotAuthorized, NotFound, RemoteCKAN
from pydantic import SecretStr

from cdx.connectors.catalogue import PackageRef
from cdx.connectors.ckan.catalogue import CkanCatalogue, keys_dataset_name, version_dataset_name
from cdx.connectors.ckan.client import CkanClient, CkanSettings
from cdx.connectors.ckan.series import series_dataset_name
from cdx.connectors.pull import pull_package
from cdx.connectors.registry import open_catalogue
from cdx.core.errors import (
    CatalogueError,
    CatalogueUnreachable,
    NotAllowed,
    OrganisationMissing,
    PackageNotFound,
    VersionConflict,
)
from cdx.core.keys import TrustStore
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
    return show_name(service, version_dataset_name(ref))


def show_series(service: CkanService, ref: PackageRef) -> dict[str, Any]:
    return show_name(service, series_dataset_name(ref.coalition, ref.dataset))


def show_name(service: CkanService, name: str) -> dict[str, Any]:
    dataset: dict[str, Any] = sysadmin(service).call_action(
        "package_show", {"id": name}, requests_kwargs={"timeout": 30}
    )
    return dataset


def extras(dataset: dict[str, Any]) -> dict[str, str]:
    return {item["key"]: item["value"] for item in dataset["extras"]}


def activity(service: CkanService, name: str) -> list[tuple[str, str]]:
    """The dataset's activity stream (newest first), through the activity plugin's API."""
    found = sysadmin(service).call_action(
        "package_activity_list", {"id": name, "limit": 100}, requests_kwargs={"timeout": 30}
    )
    return [(item["id"], item["activity_type"]) for item in found]


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
    assert extras["temporal_start"] == "2026-01-01" and extras["temporal_end"] == "2026-03-31"
    assert extras["spatial_text"].startswith("Kisumu")
    assert extras["spatial_uri"] == "http://publications.europa.eu/resource/authority/country/KEN"
    assert json.loads(extras["theme"]) == [
        "http://metadata.un.org/sdg/3",
        "http://metadata.un.org/sdg/3.8",
        "http://metadata.un.org/sdg/C030801",
        "http://metadata.un.org/sdg/16",
        "http://metadata.un.org/sdg/16.7",
        "http://metadata.un.org/sdg/C160702",
    ]
    assert extras["publisher_name"] == "Leave No One Behind Kenya Coalition"
    assert extras["access_rights"].endswith("/access-right/PUBLIC")
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
    assert data["license"] == "https://creativecommons.org/licenses/by/4.0/"


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
    records = [
        version_dataset_name(ref),
        series_dataset_name(ref.coalition, ref.dataset),
        keys_dataset_name(ref.coalition),
    ]
    catalogue = catalogue_as(ckan_service, ckan_service.sysadmin_token)
    catalogue.publish(sealed, ref)
    catalogue.publish_key(ref.coalition, json.loads(trust_file.read_text()))
    before = {name: show_name(ckan_service, name) for name in records}
    streams = {name: activity(ckan_service, name) for name in records}
    # The activity plugin records every write: the first publish left a trace on each
    # (the version: its creation, one change per upload, the commit).
    version_kinds = [kind for _, kind in streams[records[0]]]
    assert version_kinds[-1] == "new package" and set(version_kinds[:-1]) == {"changed package"}
    assert [kind for _, kind in streams[records[1]]] == ["new package"]
    assert [kind for _, kind in streams[records[2]]] == ["new package"]

    again = catalogue_as(ckan_service, ckan_service.sysadmin_token)
    assert again.publish(sealed, ref).status == "unchanged"
    again.publish_key(ref.coalition, json.loads(trust_file.read_text()))

    for name in records:
        assert activity(ckan_service, name) == streams[name], name  # no new activity
        after = show_name(ckan_service, name)
        assert after["metadata_modified"] == before[name]["metadata_modified"], name
        assert after["resources"] == before[name]["resources"], name


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


class Revoking(CkanCatalogue):
    """A publisher whose token a subclass revokes mid-publish: a real refusal from CKAN."""

    def __init__(self, service: CkanService, token: str) -> None:
        super().__init__(service.url, CkanSettings(token=SecretStr(token)))
        self.service, self.token = service, token


class RevokingBeforeCommit(Revoking):
    """Loses its token after the uploads and before the commit."""

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


def crash_publisher(service: CkanService, coalition: str) -> str:
    """A new editor of `coalition` (created by the sysadmin); returns the user name."""
    user = unique("crasher").replace("-", "_")
    service.create_user(user)
    with_org = {"id": coalition, "username": user, "role": "editor"}
    sysadmin(service).call_action("organization_member_create", with_org)
    return user


def series_versions(series: dict[str, Any]) -> list[str]:
    return [member["version"] for member in json.loads(extras(series)["cdx_versions"])]


def test_versions_are_grouped_in_a_series_that_points_at_the_highest(
    ckan_service: CkanService, sealed: Path
) -> None:
    coalition = unique("series")
    catalogue = catalogue_as(ckan_service, ckan_service.sysadmin_token)
    older, newer = (PackageRef(coalition, "scores", v) for v in ("1.9.0", "1.10.0"))
    catalogue.publish(sealed, newer)
    assert series_versions(show_series(ckan_service, newer)) == ["1.10.0"]
    catalogue.publish(sealed, older)  # published last, but not the highest

    series = show_series(ckan_service, newer)
    assert series["name"] == f"{coalition}--scores--series"
    assert series["version"] == "1.10.0" and series["private"] is False
    assert series["organization"]["name"] == coalition
    assert series["title"].endswith("(all versions)")
    found = extras(series)
    assert found["cdx_kind"] == "dataset-series" and "cdx_state" not in found
    assert json.loads(found["cdx_versions"]) == [
        {"version": "1.9.0", "name": f"{coalition}--scores--1_9_0"},
        {"version": "1.10.0", "name": f"{coalition}--scores--1_10_0"},
    ]
    navigation = json.loads(found["series_navigation"])
    assert navigation["first"]["id"] == show(ckan_service, older)["id"]
    assert navigation["last"]["id"] == show(ckan_service, newer)["id"]
    assert navigation["last"]["version"] == "1.10.0"
    assert (found["temporal_start"], found["temporal_end"]) == ("2026-01-01", "2026-03-31")
    for ref in (older, newer):
        assert json.loads(extras(show(ckan_service, ref))["in_series"]) == [series["name"]]
    assert catalogue.resolve(PackageRef(coalition, "scores")) == newer


def test_the_series_is_never_taken_for_a_version(
    ckan_service: CkanService, sealed: Path, trust_file: Path
) -> None:
    coalition = unique("not-a-version")
    catalogue = catalogue_as(ckan_service, ckan_service.sysadmin_token)
    # A dataset named like the keys record: its series gets a name of its own.
    refs = [PackageRef(coalition, "scores", "1.0.0"), PackageRef(coalition, "public-keys", "2.0.0")]
    for ref in refs:
        catalogue.publish(sealed, ref)
    catalogue.publish_key(coalition, json.loads(trust_file.read_text()))
    names = {series_dataset_name(coalition, ref.dataset) for ref in refs}
    assert names.isdisjoint({keys_dataset_name(coalition), *map(version_dataset_name, refs)})
    assert all(show_name(ckan_service, name)["name"] == name for name in names)

    for reader in (catalogue, catalogue_as(ckan_service, None)):
        assert reader.versions(coalition, "scores") == ["1.0.0"]
        assert reader.versions(coalition, "public-keys") == ["2.0.0"]
        listed = [(e.dataset, e.version) for e in reader.entries() if e.coalition == coalition]
        assert listed == [("public-keys", "2.0.0"), ("scores", "1.0.0")]
        assert list(reader.published_keys(coalition)) == list(json.loads(trust_file.read_text()))


def test_an_incomplete_version_is_not_in_the_series(
    ckan_service: CkanService, sealed: Path
) -> None:
    coalition = unique("series-crash")
    first, second = (PackageRef(coalition, "scores", v) for v in ("1.0.0", "1.1.0"))
    catalogue_as(ckan_service, ckan_service.sysadmin_token).publish(sealed, first)
    before = show_series(ckan_service, first)
    user = crash_publisher(ckan_service, coalition)
    crasher = RevokingBeforeCommit(ckan_service, ckan_service.create_token(user))
    with pytest.raises(NotAllowed):
        crasher.publish(sealed, second)

    assert extras(show(ckan_service, second))["cdx_state"] == "incomplete"
    after = show_series(ckan_service, first)
    assert series_versions(after) == ["1.0.0"] and after["version"] == "1.0.0"
    assert after["metadata_modified"] == before["metadata_modified"]  # not even touched

    rerun = catalogue_as(ckan_service, ckan_service.create_token(user))
    assert rerun.publish(sealed, second).status == "published"
    done = show_series(ckan_service, first)
    assert series_versions(done) == ["1.0.0", "1.1.0"] and done["version"] == "1.1.0"


class RevokingAfterCommit(Revoking):
    """Loses its token once the version is committed, before the series is written."""

    def _commit(
        self,
        dataset: dict[str, Any],
        descriptor: dict[str, Any],
        manifest: dict[str, Any],
        package_dir: Path,
        ref: PackageRef,
    ) -> dict[str, Any]:
        committed = super()._commit(dataset, descriptor, manifest, package_dir, ref)
        self.service.revoke_token(self.token)
        return committed


def test_a_series_left_stale_by_a_crash_is_repaired_by_publishing_again(
    ckan_service: CkanService, sealed: Path
) -> None:
    ref = PackageRef(unique("series-stale"), "scores", "1.0.0")
    sysadmin(ckan_service).call_action("organization_create", {"name": ref.coalition})
    user = crash_publisher(ckan_service, ref.coalition)
    crasher = RevokingAfterCommit(ckan_service, ckan_service.create_token(user))
    with pytest.raises(NotAllowed, match="is published, but its series record"):
        crasher.publish(sealed, ref)
    assert catalogue_as(ckan_service, None).resolve(ref) == ref  # the version is complete
    with pytest.raises(NotFound):
        show_series(ckan_service, ref)

    rerun = catalogue_as(ckan_service, ckan_service.create_token(user))
    assert rerun.publish(sealed, ref).status == "unchanged"
    assert series_versions(show_series(ckan_service, ref)) == ["1.0.0"]


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
    assert show_series(ckan_service, ref)["private"] is True  # the series stays private too
    anonymous = RemoteCKAN(ckan_service.url, session=requests.Session())
    with pytest.raises(NotAuthorized):
        anonymous.call_action(
            "package_show", {"id": series_dataset_name(ref.coalition, ref.dataset)}
        )
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
