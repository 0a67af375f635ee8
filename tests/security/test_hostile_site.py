"""`cdx site` of a catalogue written by someone hostile: its index names become folders
and links only when they are safe names, nothing is written outside --out, text from
the packages reaches the pages escaped, and a huge document is not read."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from cdx.cli.app import app
from cdx.connectors.local.catalogue import LocalCatalogue
from tests.security.hostile_packages import REF, SENTINEL, add_entry, resign

MIB = 1024 * 1024


def site(catalogue: LocalCatalogue, out: Path) -> Any:
    result = CliRunner().invoke(app, ["site", str(catalogue.root), "--out", str(out), "--json"])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result


def spoil_index(catalogue: LocalCatalogue, **fields: str) -> None:
    index = json.loads((catalogue.root / "catalog.json").read_text())
    index["packages"][0].update(fields)
    (catalogue.root / "catalog.json").write_text(json.dumps(index))


def replace_member(catalogue: LocalCatalogue, path: str, data: bytes) -> None:
    """Serve `data` as `path`, with a manifest entry that matches it (the site verifies
    nothing, so the hostile catalogue need not sign it)."""
    version = catalogue.root / REF.key
    (version / path).write_bytes(data)
    manifest = json.loads((version / "manifest.json").read_text())
    for entry in manifest["files"]:
        if entry["path"] == path:
            entry["bytes"], entry["sha256"] = len(data), hashlib.sha256(data).hexdigest()
    (version / "manifest.json").write_text(json.dumps(manifest))


def descriptor(catalogue: LocalCatalogue) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((catalogue.root / REF.key / "datapackage.json").read_text())
    return loaded


@pytest.mark.parametrize(
    "fields",
    [
        {"version": "../../../../escaped"},
        {"dataset": "../../escaped"},
        {"coalition": "javascript:alert(1)//"},
        {"version": "1.0.0/../../../escaped"},
        {"committed": "<script>alert(1)</script>"},
        {"committed": "2026-01-01T00:00:00"},  # no offset: not comparable with now
    ],
)
@pytest.mark.parametrize("command", ["site", "list"])
def test_an_index_entry_that_is_not_a_safe_package_is_a_coded_error_and_writes_nothing(
    catalogue: LocalCatalogue, tmp_path: Path, fields: dict[str, str], command: str
) -> None:
    spoil_index(catalogue, **fields)
    out = tmp_path / "site" / "out"
    arguments = ["--out", str(out)] if command == "site" else []
    result = CliRunner().invoke(app, [command, str(catalogue.root), *arguments])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert result.exit_code == 2 and "[catalogue-error]" in result.output
    expected = ["catalogue", "package", *(["site"] * (command == "site"))]  # `package`: sealed
    assert sorted(p.name for p in tmp_path.iterdir()) == expected
    assert sorted(tmp_path.joinpath("site").rglob("*")) == ([out] if command == "site" else [])


def test_gc_rebuilds_an_index_with_an_unsafe_entry(
    catalogue: LocalCatalogue, tmp_path: Path
) -> None:
    spoil_index(catalogue, version="../../../../escaped")
    result = CliRunner().invoke(app, ["catalogue", "gc", str(catalogue.root), "--apply"])
    assert result.exit_code == 0, result.output
    assert site(catalogue, tmp_path / "out").exit_code == 0


HOSTILE = {
    "script": "<script>alert('cdx')</script>",
    "attribute": '" onmouseover="alert(1)',
    "image": "<img src=x onerror=alert(2)>",
}


def test_text_and_links_from_a_hostile_package_reach_the_pages_escaped(
    catalogue: LocalCatalogue, tmp_path: Path
) -> None:
    changed = descriptor(catalogue)
    changed["title"] = HOSTILE["script"]
    changed["description"] = HOSTILE["attribute"]
    changed["homepage"] = "javascript:alert(3)"
    changed["licenses"] = [{"name": "x", "path": "javascript:alert(4)", "title": HOSTILE["image"]}]
    changed["citizenData"]["coalition"]["name"] = HOSTILE["image"]
    changed["citizenData"]["population"] = HOSTILE["script"]
    changed["resources"][0]["title"] = HOSTILE["attribute"]
    changed["resources"][0]["schema"]["fields"][0]["description"] = HOSTILE["script"]
    replace_member(catalogue, "datapackage.json", json.dumps(changed).encode())
    provenance = json.loads((catalogue.root / REF.key / "provenance.jsonld").read_text())
    provenance["@graph"][0]["prov:label"] = HOSTILE["script"]
    provenance["@graph"][0]["@id"] = HOSTILE["attribute"]
    replace_member(catalogue, "provenance.jsonld", json.dumps(provenance).encode())
    spoil_index(catalogue, title=HOSTILE["script"], updateFrequency=HOSTILE["image"])
    out = tmp_path / "out"
    assert site(catalogue, out).exit_code == 0
    pages = {p: p.read_text() for p in out.rglob("*.html") if "files" not in p.parts}
    assert len(pages) == 4  # the index, the dataset's, the version's and its report
    version_page = pages[out / REF.key / "index.html"]
    assert "&lt;script&gt;alert(" in version_page and "&lt;img src=x" in version_page
    for page, html in pages.items():
        for text in HOSTILE.values():
            assert text not in html, page
        # only as data in the embedded JSON-LD (a string a browser never follows)
        outside_json_ld = re.sub(r'<script type="application/ld\+json">.*?</script>', "", html)
        assert "javascript:" not in outside_json_ld, page
    script = (out / "static" / "search-index.js").read_text()
    assert "</script" not in script.lower()


def test_a_signature_that_is_not_an_object_still_gives_a_page(
    catalogue: LocalCatalogue, tmp_path: Path
) -> None:
    (catalogue.root / REF.key / "manifest.sig").write_text("[1, 2]")
    out = tmp_path / "out"
    result = site(catalogue, out)
    assert result.exit_code == 0, result.output
    assert (
        "the catalogue publishes no key for this id" in (out / REF.key / "index.html").read_text()
    )


def test_a_huge_datapackage_json_is_not_read(catalogue: LocalCatalogue, tmp_path: Path) -> None:
    changed = descriptor(catalogue)
    changed["description"] = "x" * (17 * MIB)  # over the 16 MiB a document may have
    replace_member(catalogue, "datapackage.json", json.dumps(changed).encode())
    out = tmp_path / "out"
    assert site(catalogue, out).exit_code == 0
    page = out / REF.key / "index.html"
    assert page.stat().st_size < MIB
    assert "datapackage.json is not a JSON object of at most 16,777,216 bytes" in page.read_text()


@pytest.mark.parametrize(
    ("listed", "link", "code"),
    [
        ("data/leak.csv", "data/leak.csv", "file-not-regular"),
        ("reports/esc/secret.txt", "reports/esc", "file-not-regular"),
        ("../../../../../secret.txt", None, "path-unsafe"),
    ],
)
def test_a_member_through_a_link_or_out_of_the_package_is_not_copied_into_the_site(
    catalogue: LocalCatalogue,
    sealed_template: tuple[Path, Path],
    tmp_path: Path,
    listed: str,
    link: str | None,
    code: str,
) -> None:
    version = catalogue.root / REF.key
    (tmp_path / "secret.txt").write_bytes(SENTINEL)
    if link is not None:
        target = tmp_path / "secret.txt" if link.endswith(".csv") else tmp_path
        (version / link).symlink_to(target, target_is_directory=target.is_dir())
    resign(version, sealed_template[0] / "keys" / "kenya-lnob.key", add_entry(listed, SENTINEL))
    out = tmp_path / "out"
    result = site(catalogue, out)
    # the version is left out, named with its code; the site of the rest is built
    assert result.exit_code == 1, result.output
    (refused,) = json.loads(result.stdout)["refused"]
    assert (refused["ref"], refused["code"]) == (str(REF), code)
    assert (out / "index.html").is_file() and not (out / REF.key).exists()
    copied = [p for p in out.rglob("*") if p.is_file()]
    assert all(p.read_bytes() != SENTINEL for p in copied)  # the secret is never copied
    assert (tmp_path / "secret.txt").read_bytes() == SENTINEL


def test_the_packages_own_html_is_never_a_page_of_the_site(
    catalogue: LocalCatalogue, tmp_path: Path
) -> None:
    """A catalogue's validation.html runs whatever script it holds: the site links its own
    report.html, rendered from validation.json by cdx's templates, with the text escaped."""
    replace_member(catalogue, "reports/validation.html", b"<script>alert('pwned')</script>")
    report = json.loads((catalogue.root / REF.key / "reports" / "validation.json").read_text())
    report["findings"] = [
        {
            "severity": "error",
            "resource": "scores",
            "row": 2,
            "field": "comment",
            "code": "x",
            "message": "<script>alert('finding')</script>",
        }
    ]
    replace_member(catalogue, "reports/validation.json", json.dumps(report).encode())
    out = tmp_path / "site"
    assert site(catalogue, out).exit_code == 0
    version = out / REF.key
    page = (version / "index.html").read_text(encoding="utf-8")
    assert 'href="report.html"' in page
    # the package's HTML only as a download, never a link that opens it as a page
    assert re.findall(r'href="files/[^"]*\.html"(?! download)', page) == []
    assert 'href="files/reports/validation.html" download' in page
    shown = (version / "report.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(&#39;finding&#39;)&lt;/script&gt;" in shown
    assert "<script>alert" not in shown and "pwned" not in shown
