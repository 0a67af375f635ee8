"""The real-CKAN test service does what our CKAN connector needs, through ckanapi.

Runs against CKAN 2.12 started by ``tests/services/ckan.py`` (search on PostgreSQL).
"""

from __future__ import annotations

import io
import os
import secrets
from dataclasses import dataclass
from typing import Any

import pytest
import requests
from ckanapi import NotAuthorized, RemoteCKAN

from infra.ckan.ckan_service import CkanService

pytestmark = pytest.mark.integration

TIMEOUT_S = 30


class Client:
    """ckanapi with an explicit timeout and session, as one user (or anonymous)."""

    def __init__(self, url: str, token: str | None = None) -> None:
        self.session = requests.Session()
        self.remote = RemoteCKAN(url, apikey=token, session=self.session)

    def act(self, action: str, files: dict[str, Any] | None = None, **data: Any) -> Any:
        return self.remote.call_action(
            action, data, files=files, requests_kwargs={"timeout": TIMEOUT_S}
        )

    def search_names(self, **query: Any) -> set[str]:
        result = self.act("package_search", rows=100, **query)
        return {dataset["name"] for dataset in result["results"]}


@dataclass
class Catalogue:
    """One organisation with a public and a private dataset, and a user per role."""

    service: CkanService
    org: str
    public: dict[str, Any]
    private: dict[str, Any]
    sysadmin: Client
    admin: Client
    editor: Client
    member: Client
    outsider: Client
    anonymous: Client
    tag: str
    release: str


@pytest.fixture(scope="module")
def catalogue(ckan_service: CkanService) -> Catalogue:
    suffix = secrets.token_hex(3)
    url = ckan_service.url
    sysadmin = Client(url, ckan_service.sysadmin_token)
    org = sysadmin.act("organization_create", name=f"coalition-{suffix}", title="Coalition")["name"]
    clients = {}
    for role in ("admin", "editor", "member", "outsider"):
        name = f"{role}_{suffix}"
        clients[role] = Client(url, ckan_service.create_user(name))
        if role != "outsider":
            sysadmin.act("organization_member_create", id=org, username=name, role=role)
    tag, release = f"air-quality-{suffix}", f"2024-q{suffix}"
    editor = clients["editor"]
    public = editor.act(
        "package_create",
        name=f"air-readings-{suffix}",
        title="Air quality readings",
        owner_org=org,
        private=False,
        tags=[{"name": tag}],
        extras=[{"key": "cdx_release", "value": release}],
    )
    private = editor.act(
        "package_create",
        name=f"household-survey-{suffix}",
        title="Household survey microdata",
        owner_org=org,
        private=True,
        tags=[{"name": tag}],
    )
    return Catalogue(
        ckan_service,
        org,
        public,
        private,
        sysadmin,
        anonymous=Client(url),
        tag=tag,
        release=release,
        **clients,
    )


def test_organisation_holds_a_public_and_a_private_dataset(catalogue: Catalogue) -> None:
    org = catalogue.sysadmin.act("organization_show", id=catalogue.org, include_datasets=True)

    assert org["package_count"] == 2
    assert catalogue.public["private"] is False
    assert catalogue.private["private"] is True


def test_uploaded_file_downloads_byte_identical(catalogue: Catalogue) -> None:
    content = os.urandom(4096) + b"\x00\xff;a,b\r\n"

    resource = catalogue.editor.act(
        "resource_create",
        package_id=catalogue.public["id"],
        name="readings.csv",
        files={"upload": ("readings.csv", io.BytesIO(content))},
    )
    response = requests.get(resource["url"], timeout=TIMEOUT_S)

    assert resource["url"].startswith(catalogue.service.url)
    assert response.status_code == 200
    assert response.content == content


def test_search_finds_datasets_by_name_extras_and_tags(catalogue: Catalogue) -> None:
    public, private = catalogue.public["name"], catalogue.private["name"]
    sysadmin = catalogue.sysadmin

    assert sysadmin.search_names(q=f"name:{public}") == {public}
    assert sysadmin.search_names(fq=f'extras_cdx_release:"{catalogue.release}"') == {public}
    assert sysadmin.search_names(fq=f'tags:"{catalogue.tag}"', include_private=True) == {
        public,
        private,
    }
    assert sysadmin.search_names(q="household survey", include_private=True) == {private}


def test_search_facets_count_datasets_per_tag(catalogue: Catalogue) -> None:
    query: dict[str, Any] = {
        "fq": f"organization:{catalogue.org}",
        "include_private": True,
        "facet.field": '["tags", "organization"]',
    }

    result = catalogue.sysadmin.act("package_search", **query)

    assert result["count"] == 2
    assert result["facets"]["tags"] == {catalogue.tag: 2}
    assert result["facets"]["organization"] == {catalogue.org: 2}


def test_private_datasets_are_seen_by_members_only(catalogue: Catalogue) -> None:
    query = {"fq": f'tags:"{catalogue.tag}"', "include_private": True}
    everything = {catalogue.public["name"], catalogue.private["name"]}

    assert catalogue.anonymous.search_names(**query) == {catalogue.public["name"]}
    assert catalogue.outsider.search_names(**query) == {catalogue.public["name"]}
    assert catalogue.member.search_names(**query) == everything
    with pytest.raises(NotAuthorized):
        catalogue.anonymous.act("package_show", id=catalogue.private["id"])
    assert catalogue.member.act("package_show", id=catalogue.private["id"])["private"] is True


def test_patched_dataset_is_shown_and_found_with_its_new_title(catalogue: Catalogue) -> None:
    editor = catalogue.editor

    editor.act("package_patch", id=catalogue.private["id"], title="Household budget survey")

    shown = editor.act("package_show", id=catalogue.private["id"])
    assert shown["title"] == "Household budget survey"
    assert editor.search_names(q="budget", include_private=True) == {catalogue.private["name"]}


def test_writes_without_the_right_role_are_refused(catalogue: Catalogue) -> None:
    with pytest.raises(NotAuthorized):
        catalogue.member.act("package_patch", id=catalogue.public["id"], title="Not mine")
    with pytest.raises(NotAuthorized):
        catalogue.outsider.act(
            "package_create", name=f"{catalogue.org}-intruder", owner_org=catalogue.org
        )

    assert catalogue.anonymous.act("package_show", id=catalogue.public["id"])["title"] == (
        "Air quality readings"
    )


def test_revoked_token_is_refused(catalogue: Catalogue) -> None:
    service = catalogue.service
    name = f"revoked_{secrets.token_hex(3)}"
    token = service.create_user(name)
    catalogue.sysadmin.act(
        "organization_member_create", id=catalogue.org, username=name, role="editor"
    )
    client = Client(service.url, token)
    client.act("package_patch", id=catalogue.public["id"], notes="Checked by an editor")

    service.revoke_token(token)

    with pytest.raises(NotAuthorized):
        client.act("package_patch", id=catalogue.public["id"], notes="After revocation")


def test_activity_streams_record_every_change(catalogue: Catalogue) -> None:
    sysadmin, suffix = catalogue.sysadmin, secrets.token_hex(3)
    org = sysadmin.act("organization_create", name=f"activity-{suffix}")["name"]
    dataset = sysadmin.act("package_create", name=f"activity-{suffix}", owner_org=org)

    sysadmin.act("package_patch", id=dataset["id"], title="Renamed")

    assert {"activity", "pgsearch"} <= set(sysadmin.act("status_show")["extensions"])
    stream = sysadmin.act("package_activity_list", id=dataset["id"])
    assert [item["activity_type"] for item in stream] == ["changed package", "new package"]
