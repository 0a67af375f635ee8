"""`build_site` on a local catalogue of several coalitions: pages, links, JSON-LD, rebuilds."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import re
import shutil
from pathlib import Path
from typing import Any

from cdx.connectors.catalogue import PackageRef
from cdx.connectors.registry import open_catalogue
from cdx.site.build import build_site
from tests.conftest import reseal_as
from tests.site.conftest import EXPECTED_FRESHNESS, FREQUENCIES, NOW, PUBLISHED, redate


def build(location: Path, out: Path) -> Any:
    return build_site(open_catalogue(str(location)), out, now=NOW, frequencies=FREQUENCIES)


def json_ld(page: str) -> dict[str, Any]:
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    assert match, "no JSON-LD on the page"
    return json.loads(match.group(1))  # type: ignore[no-any-return]


def test_every_version_has_a_page_with_its_files_and_metadata(
    site_catalogue: Path, tmp_path: Path
) -> None:
    out = tmp_path / "site"
    result = build(site_catalogue, out)
    assert (result.versions, result.datasets, result.fetched) == (6, 4, 6)
    index = (out / "index.html").read_text()
    badges = dict(re.findall(r'data-key="([^"]+)">.*?data-freshness="([^"]+)"', index, re.S))
    assert badges == EXPECTED_FRESHNESS
    for coalition, dataset, version, *_ in PUBLISHED:
        page = (out / coalition / dataset / version / "index.html").read_text()
        for href in re.findall(r'href="(files/[^"]+)"', page):
            assert (out / coalition / dataset / version / href).is_file(), href
        assert 'href="files/data/' in page and 'href="../index.html"' in page
        document = json_ld(page)
        assert document["@type"] == "Dataset" and document["version"] == version
        citizen = json.loads(
            (out / coalition / dataset / version / "files/datapackage.json").read_text()
        )["citizenData"]
        period = citizen.get("referencePeriod") or citizen["collectionPeriod"]  # what it covers
        assert document["temporalCoverage"] == f"{period['start']}/{period['end']}"
        assert "attribute disclosure within classes (l-diversity)" in page
        assert "cdx pull " in page and "cdx verify " in page
    page = (out / "kenya-lnob/health-scorecard/1.1.0/index.html").read_text()
    keys = json.loads((site_catalogue / "kenya-lnob" / "keys.json").read_text())
    (key_id, key), *_ = keys.items()
    digest = hashlib.sha256(base64.b64decode(key["public_key"])).hexdigest()
    assert " ".join(digest[i : i + 4] for i in range(0, 64, 4)) in page
    assert key_id in page
    for label in ("Population", "Disaggregation", "Consent basis", "Participation"):
        assert f"<dt>{label}</dt>" in page
    assert "<td><code>score</code><br>Score (1 very bad – 5 very good)</td><td>integer</td>" in page
    assert "required; minimum 1; maximum 5" in page
    dataset_page = (out / "kenya-lnob/health-scorecard/index.html").read_text()
    assert dataset_page.index('href="1.1.0/index.html"') < dataset_page.index(
        'href="1.0.0/index.html"'
    )


def test_a_rebuild_rewrites_only_the_indexes_then_only_what_a_new_version_changes(
    site_catalogue: Path, site_packages: list[tuple[Path, tuple[Any, ...]]], tmp_path: Path
) -> None:
    out = tmp_path / "site"
    build(site_catalogue, out)
    assert sorted(build(site_catalogue, out).written) == ["index.html", "static/search-index.js"]
    half_a_day_later = build_site(
        open_catalogue(str(site_catalogue)),
        out,
        now=NOW + dt.timedelta(hours=12),
        frequencies=FREQUENCIES,
    )  # ages change, no freshness does: no dataset page is rewritten
    assert sorted(half_a_day_later.written) == ["index.html", "static/search-index.js"]
    source, _ = site_packages[0]
    package = tmp_path / "new"
    shutil.copytree(source, package)
    reseal_as(package, "nepal-dalit-forum", "clinic-scores", "2.1.0", source.parent / "keys")
    open_catalogue(str(site_catalogue)).publish(
        package, PackageRef("nepal-dalit-forum", "clinic-scores", "2.1.0")
    )
    redate(site_catalogue)
    result = build(site_catalogue, out)
    pages = sorted(path for path in result.written if "/files/" not in path)
    assert pages == [
        "index.html",
        "nepal-dalit-forum/clinic-scores/2.1.0/index.html",
        "nepal-dalit-forum/clinic-scores/2.1.0/report.html",
        "nepal-dalit-forum/clinic-scores/index.html",
        "static/search-index.js",
    ]
    assert result.fetched == 1
    assert all(
        p.startswith("nepal-dalit-forum/clinic-scores/2.1.0/files/")
        for p in result.written
        if "/files/" in p
    )


def test_freshness_follows_the_frequency_the_packages_state_unless_coalition_yaml_says(
    site_catalogue: Path, tmp_path: Path
) -> None:
    """A steward builds the site of a catalogue without every coalition's coalition.yaml:
    the index entries carry each dataset's update frequency; a --config still wins."""
    catalogue = open_catalogue(str(site_catalogue))
    assert {e.update_frequency for e in catalogue.entries()} == set(FREQUENCIES.values())
    build_site(catalogue, tmp_path / "stated", now=NOW)
    index = (tmp_path / "stated" / "index.html").read_text()
    badges = dict(re.findall(r'data-key="([^"]+)">.*?data-freshness="([^"]+)"', index, re.S))
    assert badges == EXPECTED_FRESHNESS
    told = {("nepal-dalit-forum", "clinic-scores"): "as-needed"}
    build_site(catalogue, tmp_path / "told", now=NOW, frequencies=told)
    index = (tmp_path / "told" / "index.html").read_text()
    badges = dict(re.findall(r'data-key="([^"]+)">.*?data-freshness="([^"]+)"', index, re.S))
    assert badges == {**EXPECTED_FRESHNESS, "nepal-dalit-forum/clinic-scores": "fresh"}


def test_the_page_embeds_the_packages_schema_org_document_with_its_own_links(
    site_packages: list[tuple[Path, tuple[Any, ...]]], tmp_path: Path
) -> None:
    """A sealed package carries metadata/schema-org.jsonld and metadata/dcat.jsonld; the page
    embeds the same schema.org document with its file links pointing at the page's copies
    (files/…), and links the DCAT-AP document."""
    from cdx.metadata.schema_org import schema_org_dataset
    from cdx.reports.rendering import render
    from cdx.site.package_facts import version_facts

    source, row = site_packages[0]
    package = tmp_path / "package"
    shutil.copytree(source, package)
    assert (package / "metadata" / "schema-org.jsonld").is_file()
    descriptor = json.loads((package / "datapackage.json").read_text())
    descriptor["title"] = "Scores </script><script>alert(1)</script>"
    (package / "datapackage.json").write_text(json.dumps(descriptor))
    entry = {
        "coalition": row[0],
        "dataset": row[1],
        "version": row[2],
        "committed": row[3],
        "keyId": "",
        "contentDigest": "",
    }
    facts = version_facts(package, entry, {})
    page = render("site_version.html", root="../../../", facts=facts, catalogue="cat", ref="r")
    embedded = json_ld(page)
    assert embedded == schema_org_dataset(descriptor, base_url="files")
    assert [d["contentUrl"] for d in embedded["distribution"]] == [
        f"files/{r['path']}" for r in descriptor["resources"]
    ]
    assert "</script><" not in page.split('application/ld+json">', 1)[1].split("</script>", 1)[0]
    assert 'href="files/metadata/dcat.jsonld"' in page
    assert facts["schemaOrgCarried"] is True


def test_text_from_a_package_cannot_inject_markup(
    site_packages: list[tuple[Path, tuple[Any, ...]]], tmp_path: Path
) -> None:
    source, _ = site_packages[0]
    package = tmp_path / "package"
    shutil.copytree(source, package)
    descriptor = json.loads((package / "datapackage.json").read_text())
    descriptor["title"] = '<img src=x onerror="alert(1)"></script>'
    descriptor["licenses"][0]["path"] = "javascript:alert(1)"
    (package / "datapackage.json").write_text(json.dumps(descriptor))
    (tmp_path / "keys").mkdir()
    reseal_as(package, "kenya-lnob", "health-scorecard", "4.0.0", tmp_path / "keys")
    location = tmp_path / "catalogue"
    open_catalogue(str(location)).publish(
        package, PackageRef("kenya-lnob", "health-scorecard", "4.0.0")
    )
    out = tmp_path / "site"
    build(location, out)
    for page in (out / "index.html", out / "kenya-lnob/health-scorecard/4.0.0/index.html"):
        text = page.read_text()
        assert "<img src=x" not in text and 'href="javascript:' not in text
    assert "<\\/script>" in (out / "static/search-index.js").read_text()


def test_a_damaged_package_gets_a_page_that_says_so(
    site_packages: list[tuple[Path, tuple[Any, ...]]], tmp_path: Path
) -> None:
    """Wrong shapes (a catalogue is not trusted): the build goes on, the page names them."""
    source, _ = site_packages[0]
    (tmp_path / "keys").mkdir()
    location = tmp_path / "catalogue"
    for version, damage in (("5.0.0", "descriptor"), ("5.1.0", "privacy")):
        package = tmp_path / version
        shutil.copytree(source, package)
        if damage == "descriptor":
            descriptor = json.loads((package / "datapackage.json").read_text())
            descriptor["citizenData"]["population"] = {"not": "text"}
            descriptor["citizenData"]["sdgIndicators"] = "3.8.1"
            (package / "datapackage.json").write_text(json.dumps(descriptor))
        else:
            (package / "reports" / "privacy.json").write_text('{"policy": [1], "resources": 3}')
        reseal_as(package, "kenya-lnob", "health-scorecard", version, tmp_path / "keys")
        open_catalogue(str(location)).publish(
            package, PackageRef("kenya-lnob", "health-scorecard", version)
        )
    out = tmp_path / "site"
    assert build(location, out).versions == 2
    first = (out / "kenya-lnob/health-scorecard/5.0.0/index.html").read_text()
    assert "does not follow the citizen-data profile" in first
    assert "citizenData/population" in first
    second = (out / "kenya-lnob/health-scorecard/5.1.0/index.html").read_text()
    assert "could not be read (UndefinedError)" in second
    assert 'href="files/data/scores.csv"' in first and 'href="files/data/scores.csv"' in second
