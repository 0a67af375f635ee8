"""An S3 catalogue's catalog.jsonld (DCAT-AP) and catalog.json, on a real S3 server."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import rdflib

from cdx.connectors.catalogue import PackageRef
from infra.seaweedfs.seaweedfs_service import SeaweedFSService
from tests.integration.test_s3_catalogue import REF, catalogue_as, copy_of, reseal, unique
from tests.metadata_checks import dropped_on_expansion, load, shacl_results

pytestmark = pytest.mark.integration

DCAT = rdflib.Namespace("http://www.w3.org/ns/dcat#")


def test_the_catalogue_document_lists_every_version_published_to_s3(
    s3_service: SeaweedFSService,
    sealed: Path,
    sealed_template: tuple[Path, Path],
    tmp_path: Path,
) -> None:
    key_dir = sealed_template[0] / "keys"
    prefix = unique("metadata")
    catalogue = catalogue_as(s3_service, None, prefix)
    catalogue.publish(sealed, REF)
    second = reseal(copy_of(sealed, tmp_path), key_dir, version="1.1.0", change_data=True)
    catalogue.publish(second, PackageRef("kenya-lnob", "health-scorecard", "1.1.0"))
    admin = s3_service.client()
    stored = admin.get_object(Bucket=s3_service.bucket, Key=f"{prefix}/kenya-lnob/catalog.jsonld")
    assert stored["ContentType"] == "application/ld+json"
    document = json.loads(stored["Body"].read())
    local = tmp_path / "catalog.jsonld"
    local.write_text(json.dumps(document))
    graph = rdflib.Graph().parse(data=json.dumps(document), format="json-ld")
    catalog = next(graph.subjects(rdflib.RDF.type, DCAT.Catalog))
    assert {str(d) for d in graph.objects(catalog, DCAT.dataset)} == {
        "urn:cdx:package:kenya-lnob/health-scorecard@1.0.0",
        "urn:cdx:package:kenya-lnob/health-scorecard@1.1.0",
        "urn:cdx:series:kenya-lnob/health-scorecard",
    }
    url = graph.value(
        graph.value(
            rdflib.URIRef("urn:cdx:package:kenya-lnob/health-scorecard@1.1.0"), DCAT.distribution
        ),
        DCAT.accessURL,
    )
    assert str(url) == (
        f"s3://{s3_service.bucket}/{prefix}/kenya-lnob/health-scorecard/1.1.0/data/scores.csv"
    )
    assert shacl_results(graph) == []
    assert dropped_on_expansion(load(local), local.as_uri()) == {}
    index = json.loads(
        admin.get_object(Bucket=s3_service.bucket, Key=f"{prefix}/kenya-lnob/catalog.json")[
            "Body"
        ].read()
    )
    assert {entry["title"] for entry in index["packages"]} == {
        "Health services community score card, five counties, Q1 2026"
    }
