"""A CKAN catalogue spoiled by someone with a sysadmin's rights, on the real CKAN 2.12:
resources longer than declared, a manifest past its limit, a signature by another key,
a manifest listing a path outside the package. Pull refuses each, leaves nothing behind,
and reads no data before the signature checks out."""

from __future__ import annotations

import hashlib
import io
import json
from pathlib import Path
from typing import Any

import pytest
import requests
from ckanapi import RemoteCKAN
from pydantic import SecretStr

from cdx.connectors.catalogue import PackageRef
from cdx.connectors.ckan.catalogue import (
    KEYS_EXTRA,
    CkanCatalogue,
    keys_dataset_name,
    version_dataset_name,
)
from cdx.connectors.ckan.settings import CkanSettings
from cdx.connectors.pull import pull_package
from cdx.core.errors import CatalogueError
from cdx.core.keys import TrustStore, load_signing_key
from cdx.core.package_limits import PackageLimits
from cdx.seal.signature import sign_manifest
from cdx.verify.verification import Verification
from infra.ckan.ckan_service import CkanService
from tests.conftest import reseal_as
from tests.security.hostile_packages import assert_nothing_left, codes, impostor_key

pytestmark = pytest.mark.integration


class Hostile:
    """A version published to CKAN, and a sysadmin's client to spoil its resources."""

    def __init__(self, service: CkanService, sealed: Path, tmp_path: Path) -> None:
        coalition = f"hostile-{hashlib.sha256(str(tmp_path).encode()).hexdigest()[:8]}"
        self.ref = PackageRef(coalition, "health-scorecard", "1.0.0")
        keys = tmp_path / "keys"
        self.trust_file = reseal_as(sealed, coalition, "health-scorecard", "1.0.0", keys)
        self.key_file = keys / f"{coalition}.key"
        token = SecretStr(service.sysadmin_token)
        self.catalogue = CkanCatalogue(service.url, CkanSettings(token=token, attempts=1))
        self.catalogue.publish(sealed, self.ref)
        self.admin = RemoteCKAN(
            service.url, apikey=service.sysadmin_token, session=requests.Session()
        )
        self.dataset = self.admin.call_action(
            "package_show", {"id": version_dataset_name(self.ref)}
        )

    def resource(self, name: str) -> dict[str, Any]:
        (found,) = [r for r in self.dataset["resources"] if r["name"] == name]
        return found

    def replace(self, name: str, body: bytes) -> None:
        self.admin.call_action(
            "resource_patch",
            {"id": self.resource(name)["id"]},
            files={"upload": (name.rsplit("/", 1)[-1], io.BytesIO(body))},
        )

    def manifest(self) -> dict[str, Any]:
        got = requests.get(self.resource("manifest.json")["url"], timeout=30)
        manifest: dict[str, Any] = got.json()
        return manifest

    def resign(self, manifest: dict[str, Any], key_file: Path) -> None:
        key = load_signing_key(self.ref.coalition, key_file)
        self.replace("manifest.json", json.dumps(manifest).encode())
        self.replace("manifest.sig", json.dumps(sign_manifest(manifest, key)).encode())

    def pull(self, office: Path, **options: Any) -> Verification:
        _, verification = pull_package(
            self.catalogue, self.ref, office / "got", TrustStore.load(self.trust_file), **options
        )
        return verification


@pytest.fixture
def hostile(ckan_service: CkanService, sealed: Path, tmp_path: Path) -> Hostile:
    return Hostile(ckan_service, sealed, tmp_path)


def test_the_untouched_version_pulls_and_verifies(hostile: Hostile, office: Path) -> None:
    assert hostile.pull(office).ok


def test_a_resource_longer_than_declared_is_refused(
    hostile: Hostile, office: Path, tmp_path: Path
) -> None:
    hostile.replace("data/scores.csv", b"x" * (2 * 1024 * 1024))
    assert codes(hostile.pull(office)) == {"file-too-large"}
    assert_nothing_left(office, tmp_path)


def test_a_manifest_over_the_limit_is_refused_unread(
    hostile: Hostile, office: Path, tmp_path: Path
) -> None:
    hostile.replace("manifest.json", b" " * 8192)
    limits = PackageLimits(manifest_bytes=4096)  # CDX_MAX_MANIFEST_BYTES, for the command line
    assert codes(hostile.pull(office, limits=limits)) == {"manifest-too-large"}
    assert_nothing_left(office, tmp_path)


def test_the_signature_is_checked_before_any_data_is_fetched(
    hostile: Hostile, office: Path, tmp_path: Path
) -> None:
    impostor, _ = impostor_key(tmp_path, hostile.ref.coalition)
    hostile.resign(hostile.manifest(), impostor)
    # were the data fetched first, this link (nothing listens on port 9) would fail the
    # pull as unreachable instead of refusing the key
    hostile.admin.call_action(
        "resource_patch",
        {
            "id": hostile.resource("data/scores.csv")["id"],
            "url": "http://127.0.0.1:9/x.csv",
            "url_type": "",
        },
    )
    assert codes(hostile.pull(office)) == {"key-untrusted"}
    assert_nothing_left(office, tmp_path)


def test_a_listed_path_outside_the_package_writes_nothing_outside_the_target(
    hostile: Hostile, office: Path, tmp_path: Path
) -> None:
    data = b"pwned\n"
    manifest = hostile.manifest()
    manifest["files"].append(
        {"path": "../../PWNED.txt", "bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}
    )
    hostile.resign(manifest, hostile.key_file)
    assert codes(hostile.pull(office)) == {"path-unsafe"}
    assert_nothing_left(office, tmp_path)


def test_a_version_record_stripped_of_its_cdx_fields_is_a_damaged_catalogue(
    hostile: Hostile, ckan_service: CkanService, tmp_path: Path
) -> None:
    """`cdx list` of a portal where a committed version lost a field: a coded error, not a
    KeyError traceback; damaged convenience keys are no keys, not an error."""
    from typer.testing import CliRunner

    from cdx.cli.app import app

    extras = [e for e in hostile.dataset["extras"] if e["key"] != "cdx_dataset"]
    hostile.admin.call_action("package_patch", {"id": hostile.dataset["id"], "extras": extras})
    with pytest.raises(CatalogueError) as refused:
        hostile.catalogue.entries()
    assert "has no 'cdx_dataset'" in str(refused.value)
    token = {"CDX_CKAN_TOKEN": ckan_service.sysadmin_token}
    listed = CliRunner().invoke(app, ["list", f"ckan+{ckan_service.url}", "--json"], env=token)
    assert listed.exit_code == 2 and "Traceback" not in listed.output
    assert json.loads(listed.output)["error"]["code"] == "catalogue-error"

    hostile.catalogue.publish_key(hostile.ref.coalition, {"k": {"public_key": "x"}})
    keys = hostile.admin.call_action(
        "package_show", {"id": keys_dataset_name(hostile.ref.coalition)}
    )
    damaged = [
        {"key": e["key"], "value": "[1, 2" if e["key"] == KEYS_EXTRA else e["value"]}
        for e in keys["extras"]
    ]
    hostile.admin.call_action("package_patch", {"id": keys["id"], "extras": damaged})
    assert hostile.catalogue.published_keys(hostile.ref.coalition) == {}
