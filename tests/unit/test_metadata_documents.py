"""What a sealed package says to other systems: DCAT-AP 3, schema.org, PROV-O that
survive RDF, checked with rdflib, pyld and SHACL; and that packages with or without them
verify."""

from __future__ import annotations

import copy
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import rdflib
import rdflib.compare

from cdx.core.keys import TrustStore, load_signing_key
from cdx.core.layout import DCAT_METADATA, PROVENANCE, SCHEMA_ORG_METADATA
from cdx.metadata.dcat_ap import dcat_description
from cdx.metadata.schema_org import schema_org_dataset
from cdx.metadata.serialise import as_graph, serialise
from cdx.seal.manifest import build_manifest, write_manifest
from cdx.seal.signature import sign_manifest, write_signature
from cdx.verify.verification import verify_package
from tests.metadata_checks import (
    dropped_on_expansion,
    graph_of,
    load,
    shacl_results,
    undefined_cdx_terms,
)

DOCUMENTS = (DCAT_METADATA, SCHEMA_ORG_METADATA, PROVENANCE)
DCAT = rdflib.Namespace("http://www.w3.org/ns/dcat#")
DCT = rdflib.Namespace("http://purl.org/dc/terms/")
SPDX = rdflib.Namespace("http://spdx.org/rdf/terms#")


@pytest.fixture
def package(sealed_template: tuple[Path, Path]) -> Path:
    return sealed_template[1]


@pytest.mark.parametrize("member", DOCUMENTS)
def test_every_document_parses_and_expands_without_dropping_a_key(
    package: Path, member: str
) -> None:
    path = package / member
    assert len(graph_of(path)) > 30
    assert dropped_on_expansion(load(path), path.resolve().as_uri()) == {}


def test_the_expansion_check_catches_a_key_without_an_iri() -> None:
    document = {"@context": {"prov": "http://www.w3.org/ns/prov#"}, "prov:label": "x", "cdx": 1}
    assert dropped_on_expansion(document, "file:///x") == {"cdx": 1}


@pytest.mark.parametrize("member", (DCAT_METADATA, PROVENANCE))
def test_every_cdx_term_is_defined_in_the_vocabulary(package: Path, member: str) -> None:
    assert undefined_cdx_terms(graph_of(package / member)) == set()


def test_the_provenance_keeps_the_privacy_decision_and_the_fieldwork_in_rdf(
    package: Path,
) -> None:
    graph = graph_of(package / PROVENANCE)
    prov = rdflib.Namespace("http://www.w3.org/ns/prov#")
    cdx = rdflib.Namespace("https://citizendata.exchange/ns#")
    (privacy,) = graph.objects(predicate=cdx.privacy)
    assert json.loads(str(privacy))["accepted"] is True
    activities = set(graph.subjects(rdflib.RDF.type, prov.Activity))
    fieldwork = next(a for a in activities if "fieldwork" in str(a))
    collectors = {
        str(graph.value(agent, rdflib.RDFS.label))
        for agent in graph.objects(fieldwork, prov.wasAssociatedWith)
    }
    assert collectors == {"Kisumu Disabled Persons Organisation Network", "Turkana Youth Forum"}
    assert str(graph.value(fieldwork, prov.startedAtTime)).startswith("2026-03-01")
    run = next(a for a in activities if "urn:cdx:run:" in str(a))
    assert (run, prov.wasInformedBy, fieldwork) in graph
    libraries = {
        str(graph.value(n, rdflib.URIRef("https://schema.org/name")))
        for n in graph.objects(predicate=cdx.libraries)
    }
    assert {"cdx", "frictionless", "prefect"} <= libraries
    assert not list(graph.triples((None, prov.label, None)))  # rdfs:label, a real term
    for place in graph.objects(predicate=prov.atLocation):
        assert isinstance(place, rdflib.URIRef) or (place, rdflib.RDF.type, prov.Location) in graph


def test_the_package_dcat_document_meets_the_dcat_ap_shapes(package: Path) -> None:
    assert shacl_results(graph_of(package / DCAT_METADATA)) == []


@pytest.mark.parametrize(
    ("node_type", "key", "path"),
    [
        ("dcat:Dataset", "dct:title", str(DCT.title)),
        ("dcat:Dataset", "dct:description", str(DCT.description)),
        ("dcat:DatasetSeries", "dct:title", str(DCT.title)),
        ("foaf:Agent", "foaf:name", "http://xmlns.com/foaf/0.1/name"),
    ],
)
def test_a_document_missing_a_mandatory_property_fails_the_shapes(
    package: Path, node_type: str, key: str, path: str
) -> None:
    document = load(package / DCAT_METADATA)
    broken = copy.deepcopy(document)
    for node in broken["@graph"]:
        kinds = node["@type"] if isinstance(node["@type"], list) else [node["@type"]]
        if node_type in kinds:
            node.pop(key)
    results = shacl_results(as_graph(broken, base="file:///p/metadata/dcat.jsonld"))
    assert any(severity == "Violation" and where == path for severity, _, where in results)


def test_a_distribution_without_an_access_url_fails_the_shapes(package: Path) -> None:
    document = load(package / DCAT_METADATA)
    for distribution in document["@graph"][0]["dcat:distribution"]:
        distribution.pop("dcat:accessURL")
    results = shacl_results(as_graph(document, base="file:///p/metadata/dcat.jsonld"))
    assert ("Violation", f"{document['@graph'][0]['@id']}#scores", str(DCAT.accessURL)) in results


def test_a_missing_recommended_property_is_a_warning(package: Path) -> None:
    document = load(package / DCAT_METADATA)
    document["@graph"][0].pop("dcat:theme")
    results = shacl_results(as_graph(document, base="file:///p/metadata/dcat.jsonld"))
    assert results == [("Warning", document["@graph"][0]["@id"], str(DCAT.theme))]


def test_the_dcat_document_says_what_a_statistics_office_looks_for(package: Path) -> None:
    path = package / DCAT_METADATA
    graph = graph_of(path)
    dataset = rdflib.URIRef("urn:cdx:package:kenya-lnob/health-scorecard@1.0.0")
    assert (dataset, rdflib.RDF.type, DCAT.Dataset) in graph
    assert (
        dataset,
        DCAT.inSeries,
        rdflib.URIRef("urn:cdx:series:kenya-lnob/health-scorecard"),
    ) in graph
    assert (
        dataset,
        DCT.spatial,
        rdflib.URIRef("http://publications.europa.eu/resource/authority/country/KEN"),
    ) in graph
    themes = {str(t) for t in graph.objects(dataset, DCAT.theme)}
    assert {
        "http://metadata.un.org/sdg/3.8",
        "http://metadata.un.org/sdg/C030801",
        "http://metadata.un.org/sdg/16",
    } <= themes
    period = graph.value(dataset, DCT.temporal)  # the reference period: the quarter scored
    assert str(graph.value(period, DCAT.startDate)) == "2026-01-01"
    assert str(graph.value(period, DCAT.endDate)) == "2026-03-31"
    distribution = graph.value(dataset, DCAT.distribution)
    assert graph.value(distribution, DCAT.accessURL) == rdflib.URIRef(
        (package / "data" / "scores.csv").resolve().as_uri()
    )
    assert str(graph.value(distribution, DCT.license)).endswith("/licence/CC_BY_4_0")
    assert (
        str(graph.value(distribution, DCAT.mediaType))
        == "http://www.iana.org/assignments/media-types/text/csv"
    )
    manifest = load(package / "manifest.json")
    data_hash = next(f["sha256"] for f in manifest["files"] if f["path"] == "data/scores.csv")
    checksum = graph.value(distribution, SPDX.checksum)
    assert str(graph.value(checksum, SPDX.checksumValue)) == data_hash
    publisher = graph.value(dataset, DCT.publisher)
    assert str(graph.value(publisher, DCT.identifier)) == "kenya-lnob"
    stat = rdflib.Namespace("http://data.europa.eu/(xyz)/statdcat-ap/")
    dimensions = {str(d) for d in graph.objects(dataset, stat.dimension)}
    assert "http://purl.org/linked-data/sdmx/2009/dimension#refArea" in dimensions  # county
    dqv = rdflib.Namespace("http://www.w3.org/ns/dqv#")
    annotations = [
        str(
            graph.value(
                graph.value(a, rdflib.URIRef("http://www.w3.org/ns/oa#hasBody")), rdflib.RDF.value
            )
        )
        for a in graph.objects(dataset, dqv.hasQualityAnnotation)
    ]
    assert any(text.startswith("Validation") and "passed" in text for text in annotations)
    assert any(text.startswith("Privacy gate accepted") for text in annotations)


def test_optional_fitness_for_use_fields_light_up_when_the_profile_has_them(
    package: Path,
) -> None:
    descriptor = load(package / "datapackage.json")
    descriptor["citizenData"] |= {
        "frequency": "quarterly",
        "languages": ["en", "sw"],
        "issued": "2026-06-15",
        "modified": "2026-06-20",
        "referencePeriod": {"start": "2026-01-01", "end": "2026-03-31"},
        "version_notes": "First release.",
        "previous_version": "0.9.0",
    }
    document = dcat_description(descriptor)
    graph = as_graph(document, base="file:///p/metadata/dcat.jsonld")
    dataset = rdflib.URIRef(descriptor["id"])
    eu = "http://publications.europa.eu/resource/authority/"
    assert str(graph.value(dataset, DCT.accrualPeriodicity)) == f"{eu}frequency/QUARTERLY"
    assert {str(x) for x in graph.objects(dataset, DCT.language)} == {
        f"{eu}language/ENG",
        f"{eu}language/SWA",
    }
    assert str(graph.value(dataset, DCT.issued)) == "2026-06-15"
    assert str(graph.value(graph.value(dataset, DCT.temporal), DCAT.startDate)) == "2026-01-01"
    assert (
        str(graph.value(dataset, DCAT.previousVersion))
        == "urn:cdx:package:kenya-lnob/health-scorecard@0.9.0"
    )
    assert shacl_results(graph) == []
    schema = schema_org_dataset(descriptor)
    assert (
        schema["inLanguage"] == ["en", "sw"]
        and schema["temporalCoverage"] == "2026-01-01/2026-03-31"
    )


def test_turtle_says_the_same_as_the_json_ld(package: Path) -> None:
    document = load(package / DCAT_METADATA)
    base = (package / DCAT_METADATA).resolve().as_uri()
    turtle = rdflib.Graph().parse(data=serialise(document, "turtle", base=base), format="turtle")
    assert rdflib.compare.isomorphic(turtle, as_graph(document, base=base))


GOOGLE_RECOMMENDED = (
    "creator",
    "license",
    "temporalCoverage",
    "spatialCoverage",
    "variableMeasured",
    "distribution",
    "version",
    "isBasedOn",
    "identifier",
    "keywords",
    "measurementTechnique",
    "isAccessibleForFree",
)


def test_the_schema_org_document_has_what_google_dataset_search_requires(
    package: Path,
) -> None:
    document = load(package / SCHEMA_ORG_METADATA)
    assert document["@type"] == "Dataset"
    assert document["name"]
    assert 50 <= len(document["description"]) <= 5000
    assert [key for key in GOOGLE_RECOMMENDED if not document.get(key)] == []
    (download,) = document["distribution"]
    assert download["@type"] == "DataDownload" and download["encodingFormat"] == "text/csv"
    assert {v["name"] for v in document["variableMeasured"]} >= {"area", "indicator"}
    graph = graph_of(package / SCHEMA_ORG_METADATA)
    assert (None, rdflib.URIRef("https://schema.org/temporalCoverage"), None) in graph


def test_a_page_gets_the_schema_org_dataset_with_its_own_urls(package: Path) -> None:
    descriptor: dict[str, Any] = load(package / "datapackage.json")
    descriptor["description"] = "Short."
    document = schema_org_dataset(
        descriptor,
        url="https://data.example.org/kenya-lnob/health-scorecard/1.0.0/",
        base_url="https://data.example.org/kenya-lnob/health-scorecard/1.0.0/",
        catalogue={"name": "LNOB Kenya catalogue", "url": "https://data.example.org/"},
    )
    assert document["url"].endswith("/1.0.0/")
    assert document["distribution"][0]["contentUrl"].endswith("/1.0.0/data/scores.csv")
    assert len(document["description"]) >= 50  # lengthened with how the data was collected
    assert document["includedInDataCatalog"]["@type"] == "DataCatalog"


def test_the_sealed_package_verifies_with_its_metadata_signed(
    sealed: Path, trust_file: Path
) -> None:
    listed = {f["path"] for f in load(sealed / "manifest.json")["files"]}
    assert {DCAT_METADATA, SCHEMA_ORG_METADATA} <= listed
    assert verify_package(sealed, TrustStore.load(trust_file)).ok
    dcat = sealed / DCAT_METADATA
    dcat.write_text(dcat.read_text().replace("Health", "Wealth"))
    problems = verify_package(sealed, TrustStore.load(trust_file)).problems
    assert [(p.code, p.path) for p in problems] == [("file-modified", DCAT_METADATA)]


def test_a_package_sealed_without_metadata_still_verifies(
    sealed: Path, sealed_template: tuple[Path, Path], trust_file: Path
) -> None:
    shutil.rmtree(sealed / "metadata")
    manifest = build_manifest(
        sealed, coalition="kenya-lnob", dataset="health-scorecard", version="1.0.0"
    )
    write_manifest(sealed, manifest)
    key = load_signing_key("kenya-lnob", sealed_template[0] / "keys" / "kenya-lnob.key")
    write_signature(sealed / "manifest.sig", sign_manifest(manifest, key))
    verification = verify_package(sealed, TrustStore.load(trust_file))
    assert verification.ok, [p.message for p in verification.problems]


def test_cdx_metadata_prints_turtle_also_for_a_package_without_metadata(sealed: Path) -> None:
    from typer.testing import CliRunner

    from cdx.cli.app import app

    runner = CliRunner()
    shown = runner.invoke(app, ["metadata", str(sealed), "--format", "turtle"])
    assert shown.exit_code == 0, shown.output
    from_package = rdflib.Graph().parse(data=shown.output, format="turtle")
    assert (None, DCAT.distribution, None) in from_package
    shutil.rmtree(sealed / "metadata")
    rebuilt = runner.invoke(app, ["metadata", str(sealed), "--document", "schema-org"])
    assert rebuilt.exit_code == 0, rebuilt.output
    assert json.loads(rebuilt.output)["@type"] == "Dataset"
    missing = runner.invoke(app, ["metadata", str(sealed.parent), "--document", "provenance"])
    assert missing.exit_code != 0 and "metadata-missing" in missing.output
