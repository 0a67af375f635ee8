"""Publishing to a CKAN that runs ckanext-scheming with ckanext-dcat's DCAT-AP schema.

The session's second CKAN (`ckan_dcat_service`, tests/services/ckan.py) keeps DCAT-AP
facts as top-level fields of the `dcat_ap_full` schema and serves DCAT-AP 3 itself
(`/dataset/<name>.ttl`). What cdx published is read back from that RDF with rdflib.
"""

from __future__ import annotations

import json
import secrets
from pathlib import Path
from typing import Any

import pytest
import requests
from pydantic import SecretStr
from rdflib import RDF, Graph, Literal, Namespace, URIRef

from cdx.connectors.catalogue import PackageRef
from cdx.connectors.ckan.catalogue import CkanCatalogue, version_dataset_name
from cdx.connectors.ckan.client import CkanSettings
from cdx.connectors.ckan.dcat_fields import DCAT_AP_FULL_FIELDS
from cdx.connectors.ckan.series import series_dataset_name
from cdx.connectors.pull import pull_package
from cdx.core.errors import CatalogueError
from cdx.core.keys import TrustStore
from cdx.seal.manifest import read_manifest
from infra.ckan.ckan_service import CkanService

pytestmark = pytest.mark.integration

# Open namespaces: rdflib's closed DCAT lacks DCAT 3's dcat:version.
DCAT = Namespace("http://www.w3.org/ns/dcat#")
DCTERMS = Namespace("http://purl.org/dc/terms/")
FOAF = Namespace("http://xmlns.com/foaf/0.1/")
SPDX = Namespace("http://spdx.org/rdf/terms#")
KENYA = URIRef("http://publications.europa.eu/resource/authority/country/KEN")
PUBLIC = URIRef("http://publications.europa.eu/resource/authority/access-right/PUBLIC")
CC_BY = URIRef("https://creativecommons.org/licenses/by/4.0/")
SCHEMA_NAMES = ("identifier", "provenance", "conforms_to", "theme", "publisher", "contact")


def catalogue_as(service: CkanService, token: str | None, **settings: Any) -> CkanCatalogue:
    secret = SecretStr(token) if token else None
    return CkanCatalogue(service.url, CkanSettings(token=secret, **settings))


def show(service: CkanService, name: str) -> dict[str, Any]:
    dataset: dict[str, Any] = service.call_action("package_show", {"id": name})
    return dataset


def extras(dataset: dict[str, Any]) -> dict[str, str]:
    return {item["key"]: item["value"] for item in dataset.get("extras", [])}


def portal_dcat(service: CkanService, name: str) -> Graph:
    """The DCAT-AP the portal itself serves for one dataset, parsed."""
    response = requests.get(f"{service.url}/dataset/{name}.ttl", timeout=30)
    response.raise_for_status()
    return Graph().parse(data=response.text, format="turtle")


def unique(prefix: str) -> str:
    return f"{prefix}-{secrets.token_hex(3)}"


def test_the_portal_schema_is_detected(
    ckan_dcat_service: CkanService, ckan_service: CkanService
) -> None:
    dcat_portal = catalogue_as(ckan_dcat_service, None)
    assert {"temporal_coverage", "publisher", "identifier", "theme"} <= dcat_portal.schema_fields
    # The override's field list is the real schema's (ckanext-dcat 2.4.4, dcat_ap_full).
    assert dcat_portal.schema_fields == DCAT_AP_FULL_FIELDS
    assert catalogue_as(ckan_service, None).schema_fields == frozenset()
    forced = catalogue_as(ckan_service, None, portal_schema="dcat-ap")
    assert forced.schema_fields == DCAT_AP_FULL_FIELDS


def test_publish_uses_the_schema_fields_and_the_portal_serves_them_as_dcat_ap(
    ckan_dcat_service: CkanService, sealed: Path
) -> None:
    ref = PackageRef(unique("dcat"), "health-scorecard", "1.0.0")
    outcome = catalogue_as(ckan_dcat_service, ckan_dcat_service.sysadmin_token).publish(sealed, ref)
    assert outcome.status == "published"
    name = version_dataset_name(ref)
    dataset = show(ckan_dcat_service, name)

    # Top-level fields as dcat_ap_full names them; no extra carries a schema field's name.
    assert dataset["identifier"] == f"urn:cdx:package:{ref.coalition}/health-scorecard@1.0.0"
    assert "community-scorecard" in dataset["provenance"]
    assert any("datapackage.org" in uri for uri in dataset["conforms_to"])
    assert dataset["theme"] == [
        "http://metadata.un.org/sdg/3",
        "http://metadata.un.org/sdg/3.8",
        "http://metadata.un.org/sdg/C030801",
        "http://metadata.un.org/sdg/16",
        "http://metadata.un.org/sdg/16.7",
        "http://metadata.un.org/sdg/C160702",
    ]
    assert dataset["publisher"][0]["name"] == "Leave No One Behind Kenya Coalition"
    assert dataset["contact"] == [
        {"name": "Data officer, LNOB Kenya", "email": "data@lnob-kenya.example.org"}
    ]
    assert dataset["temporal_coverage"] == [{"start": "2026-01-01", "end": "2026-03-31"}]
    assert dataset["spatial_coverage"][0]["uri"] == str(KENYA)
    assert dataset["issued"] and dataset["modified"]
    stored_extras = extras(dataset)
    assert stored_extras["cdx_state"] == "complete"
    assert not set(stored_extras) & ckan_dcat_service_fields(ckan_dcat_service)
    assert not {"temporal_start", "publisher_name", "contact_email"} & set(stored_extras)

    # The portal's own DCAT-AP 3 (ckanext-dcat, profile euro_dcat_ap_3) carries it all.
    graph = portal_dcat(ckan_dcat_service, name)
    (node,) = graph.subjects(RDF.type, DCAT.Dataset)
    assert graph.value(node, DCTERMS.title) == Literal(dataset["title"])
    assert graph.value(node, DCTERMS.identifier) == Literal(dataset["identifier"])
    assert graph.value(node, DCAT.version) == Literal("1.0.0")
    publisher = graph.value(node, DCTERMS.publisher)
    assert graph.value(publisher, FOAF.name) == Literal("Leave No One Behind Kenya Coalition")
    period = graph.value(node, DCTERMS.temporal)
    assert str(graph.value(period, DCAT.startDate)) == "2026-01-01"
    assert str(graph.value(period, DCAT.endDate)) == "2026-03-31"
    assert (node, DCTERMS.spatial, KENYA) in graph
    assert (node, DCTERMS.accessRights, PUBLIC) in graph
    assert (node, DCAT.theme, URIRef("http://metadata.un.org/sdg/C030801")) in graph

    manifest = read_manifest(sealed / "manifest.json")
    sha256 = {entry["path"]: entry["sha256"] for entry in manifest["files"]}
    distributions = {
        str(graph.value(d, DCTERMS.title)): d for d in graph.objects(node, DCAT.distribution)
    }
    assert set(sha256) <= set(distributions)
    for path, digest in sha256.items():
        checksum = graph.value(distributions[path], SPDX.checksum)
        assert str(graph.value(checksum, SPDX.checksumValue)) == digest, path
        assert graph.value(checksum, SPDX.algorithm) == SPDX.checksumAlgorithm_sha256
        assert graph.value(distributions[path], DCTERMS.license) == CC_BY, path

    # The portal's catalogue endpoint lists the version with the same facts.
    response = requests.get(
        f"{ckan_dcat_service.url}/catalog.ttl", params={"q": f"name:{name}"}, timeout=30
    )
    response.raise_for_status()
    catalogue = Graph().parse(data=response.text, format="turtle")
    (listed,) = catalogue.objects(None, DCAT.dataset)
    assert catalogue.value(listed, DCTERMS.identifier) == Literal(dataset["identifier"])
    assert (listed, DCTERMS.spatial, KENYA) in catalogue


def ckan_dcat_service_fields(service: CkanService) -> set[str]:
    schema = service.call_action("scheming_dataset_schema_show", {"type": "dataset"})
    return {field["field_name"] for field in schema["dataset_fields"]}


def test_pull_from_the_dcat_ap_portal_verifies(
    ckan_dcat_service: CkanService, sealed: Path, trust_file: Path, tmp_path: Path
) -> None:
    ref = PackageRef("kenya-lnob", "health-scorecard", "1.0.0")  # as sealed: it verifies
    catalogue_as(ckan_dcat_service, ckan_dcat_service.sysadmin_token).publish(sealed, ref)
    resolved, verification = pull_package(
        catalogue_as(ckan_dcat_service, None),
        PackageRef(ref.coalition, ref.dataset),
        tmp_path / "got",
        TrustStore.load(trust_file),
    )
    assert resolved == ref and verification.ok
    assert (tmp_path / "got" / "data" / "scores.csv").read_bytes() == (
        sealed / "data" / "scores.csv"
    ).read_bytes()


def test_the_series_keeps_schema_fields_and_a_republish_writes_nothing(
    ckan_dcat_service: CkanService, sealed: Path
) -> None:
    coalition = unique("dcat-series")
    catalogue = catalogue_as(ckan_dcat_service, ckan_dcat_service.sysadmin_token)
    refs = [PackageRef(coalition, "scores", v) for v in ("1.0.0", "1.1.0")]
    for ref in refs:
        catalogue.publish(sealed, ref)
    name = series_dataset_name(coalition, "scores")
    series = show(ckan_dcat_service, name)
    assert series["version"] == "1.1.0"
    assert series["temporal_coverage"] == [{"start": "2026-01-01", "end": "2026-03-31"}]
    assert series["publisher"][0]["name"] == "Leave No One Behind Kenya Coalition"
    assert json.loads(extras(series)["cdx_versions"])[-1]["version"] == "1.1.0"
    assert "temporal_start" not in extras(series)

    again = catalogue_as(ckan_dcat_service, ckan_dcat_service.sysadmin_token)
    assert again.publish(sealed, refs[-1]).status == "unchanged"
    assert show(ckan_dcat_service, name)["metadata_modified"] == series["metadata_modified"]


def test_extras_only_on_a_dcat_ap_portal_are_refused_with_the_reason(
    ckan_dcat_service: CkanService, sealed: Path
) -> None:
    """What auto-detection prevents: CKAN refuses extras named like schema fields."""
    ref = PackageRef(unique("dcat-forced"), "health-scorecard", "1.0.0")
    forced = catalogue_as(
        ckan_dcat_service, ckan_dcat_service.sysadmin_token, portal_schema="plain"
    )
    with pytest.raises(CatalogueError, match="schema field with the same name"):
        forced.publish(sealed, ref)
    assert not ckan_dcat_service.call_action(
        "package_search", {"q": f"name:{version_dataset_name(ref)}", "include_private": True}
    )["count"]
