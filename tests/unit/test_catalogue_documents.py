"""A local catalogue's catalog.jsonld (DCAT-AP) and catalog.json say what it holds."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from urllib.parse import urlparse

import rdflib

from cdx.connectors.catalogue import PackageRef
from cdx.connectors.local.catalogue import LocalCatalogue
from tests.conftest import reseal_as
from tests.metadata_checks import dropped_on_expansion, graph_of, load, shacl_results

DCAT = rdflib.Namespace("http://www.w3.org/ns/dcat#")


def versions_of(sealed: Path, tmp_path: Path) -> list[tuple[Path, PackageRef]]:
    """The sealed example as 1.0.0 and 1.1.0, and as another dataset sealed before cdx
    wrote metadata/ (no metadata documents in it)."""
    keys = tmp_path / "keys"
    keys.mkdir()
    found = []
    for dataset, version, with_metadata in (
        ("health-scorecard", "1.0.0", True),
        ("health-scorecard", "1.1.0", True),
        ("old-survey", "2.0.0", False),
    ):
        package = tmp_path / f"{dataset}-{version}"
        shutil.copytree(sealed, package)
        if not with_metadata:
            shutil.rmtree(package / "metadata")
        reseal_as(package, "kenya-lnob", dataset, version, keys)
        found.append((package, PackageRef("kenya-lnob", dataset, version)))
    return found


def test_the_catalogue_document_lists_every_version_after_publishes(
    sealed: Path, tmp_path: Path
) -> None:
    catalogue = LocalCatalogue(tmp_path / "catalogue")
    for package, ref in versions_of(sealed, tmp_path):
        catalogue.publish(package, ref)
    path = catalogue.root / "catalog.jsonld"
    graph = graph_of(path)
    catalog = next(graph.subjects(rdflib.RDF.type, DCAT.Catalog))
    listed = {str(d) for d in graph.objects(catalog, DCAT.dataset)}
    assert listed == {
        "urn:cdx:package:kenya-lnob/health-scorecard@1.0.0",
        "urn:cdx:package:kenya-lnob/health-scorecard@1.1.0",
        "urn:cdx:package:kenya-lnob/old-survey@2.0.0",
        "urn:cdx:series:kenya-lnob/health-scorecard",
        "urn:cdx:series:kenya-lnob/old-survey",
    }
    for dataset in graph.subjects(DCAT.inSeries, None):
        for distribution in graph.objects(dataset, DCAT.distribution):
            url = str(graph.value(distribution, DCAT.accessURL))
            assert Path(urlparse(url).path).is_file(), url
    assert shacl_results(graph) == []
    assert dropped_on_expansion(load(path), path.as_uri()) == {}


def test_catalog_json_entries_carry_title_and_description(sealed: Path, tmp_path: Path) -> None:
    catalogue = LocalCatalogue(tmp_path / "catalogue")
    package, ref = versions_of(sealed, tmp_path)[0]
    catalogue.publish(package, ref)
    (entry,) = json.loads((catalogue.root / "catalog.json").read_text())["packages"]
    assert entry["title"] == "Health services community score card, five counties, Q1 2026"
    assert entry["description"].startswith("Scores (1 very bad to 5 very good)")
    (read,) = catalogue.entries()
    assert read.title == entry["title"]


def test_a_catalogue_document_is_rebuilt_when_damaged_and_forgets_removed_versions(
    sealed: Path, tmp_path: Path
) -> None:
    catalogue = LocalCatalogue(tmp_path / "catalogue")
    published = versions_of(sealed, tmp_path)
    for package, ref in published:
        catalogue.publish(package, ref)
    path = catalogue.root / "catalog.jsonld"
    path.write_text("{not json")
    shutil.rmtree(catalogue.root / "kenya-lnob" / "old-survey")
    catalogue.reindex("kenya-lnob")
    datasets = {str(d) for d in graph_of(path).subjects(DCAT.inSeries, None)}
    assert datasets == {
        "urn:cdx:package:kenya-lnob/health-scorecard@1.0.0",
        "urn:cdx:package:kenya-lnob/health-scorecard@1.1.0",
    }


def test_gc_removes_a_catalogue_document_temporary_a_killed_writer_left(
    sealed: Path, tmp_path: Path
) -> None:
    import datetime as dt
    import os

    catalogue = LocalCatalogue(tmp_path / "catalogue")
    package, ref = versions_of(sealed, tmp_path)[0]
    catalogue.publish(package, ref)
    leftover = catalogue.root / f".catalog.jsonld.{'0' * 32}"
    leftover.write_text("{")
    os.utime(leftover, (1_000_000_000, 1_000_000_000))
    found = catalogue.collect_garbage(dt.timedelta(hours=1), apply=True)
    assert [g.kind for g in found] == ["index temporary"]
    assert not leftover.exists() and (catalogue.root / "catalog.jsonld").is_file()
