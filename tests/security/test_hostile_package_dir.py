"""Commands that read a package directory the office was handed (or pulled) and nobody
verified yet: `cdx metadata` reads nothing through a link or past its limit, fetches no
context a document names, and says what is wrong in a code; `cdx load` and `cdx export`
verify first, so a link or a changed file is refused before any database or file is
touched; `cdx load --from` pulls as `cdx pull` does."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from cdx.cli.app import app
from cdx.connectors.local.catalogue import LocalCatalogue
from tests.security.hostile_packages import REF, SENTINEL, add_entry, resign

SECRET = '{"secret": "the office\'s own document"}'


def cdx(*arguments: str) -> Any:
    result = CliRunner().invoke(app, list(arguments))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result


def error_code(result: Any) -> str:
    assert result.exit_code != 0, result.output
    return str(json.loads(result.stdout)["error"]["code"])


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    """A JSON document of the office's, outside the package."""
    path = tmp_path / "secret.json"
    path.write_text(SECRET)
    return path


def link(path: Path, target: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path)
    else:
        path.unlink()
    path.symlink_to(target, target_is_directory=target.is_dir())


@pytest.mark.parametrize("fmt", ["jsonld", "turtle"])
@pytest.mark.parametrize("linked", ["metadata/dcat.jsonld", "metadata"])
def test_metadata_reads_nothing_through_a_link(
    sealed: Path, secret: Path, tmp_path: Path, linked: str, fmt: str
) -> None:
    if linked == "metadata":  # the whole folder, to one holding a dcat.jsonld of the office's
        (tmp_path / "elsewhere").mkdir()
        shutil.copy(secret, tmp_path / "elsewhere" / "dcat.jsonld")
        link(sealed / linked, tmp_path / "elsewhere")
    else:
        link(sealed / linked, secret)
    result = cdx("metadata", str(sealed), "--format", fmt)
    assert result.exit_code == 2 and "[metadata-unreadable]" in result.output
    assert "the office" not in result.output


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("{not json", "is not a JSON object"),
        ("[1, 2]", "is not a JSON object"),
        ("[" * 100_000 + "]" * 100_000, "is not a JSON object"),
        ('{"description": "' + "x" * (17 * 1024 * 1024) + '"}', "longer than the 16,777,216"),
    ],
)
def test_metadata_of_a_malformed_or_huge_document_is_a_coded_error(
    sealed: Path, text: str, why: str
) -> None:
    (sealed / "metadata" / "dcat.jsonld").write_text(text)
    result = cdx("metadata", str(sealed))
    assert result.exit_code == 2 and "[metadata-unreadable]" in result.output
    assert why in result.output


def test_metadata_of_a_device_is_refused_without_reading_it(sealed: Path) -> None:
    link(sealed / "metadata" / "dcat.jsonld", Path("/dev/zero"))
    result = cdx("metadata", str(sealed))
    assert result.exit_code == 2 and "[metadata-unreadable]" in result.output


@pytest.mark.parametrize("document", ["dcat", "schema-org"])
def test_metadata_from_a_descriptor_of_a_hostile_shape_is_a_coded_error(
    sealed: Path, document: str
) -> None:
    shutil.rmtree(sealed / "metadata")  # as sealed before cdx wrote metadata/
    hostile = {"id": 5, "resources": 5, "citizenData": [1], "licenses": "x", "title": []}
    (sealed / "datapackage.json").write_text(json.dumps(hostile))
    result = cdx("metadata", str(sealed), "--document", document)
    assert result.exit_code == 2 and "[metadata-unreadable]" in result.output


@pytest.mark.parametrize(
    "context",
    [
        "CONTEXT_FILE",  # a file of the office's, by absolute file: URL
        "../../context.jsonld",  # the same, relative to the document
        "http://127.0.0.1:9/context.jsonld",  # a request to the office's network
        [{"@version": 1.1}, "http://127.0.0.1:9/context.jsonld"],
        {"@import": "http://127.0.0.1:9/context.jsonld"},
    ],
)
def test_turtle_fetches_no_context_a_document_names(
    sealed: Path, tmp_path: Path, context: Any
) -> None:
    leaked = tmp_path / "context.jsonld"
    leaked.write_text('{"@context": {"@vocab": "http://leaked.example/SECRET#"}}')
    if context == "CONTEXT_FILE":
        context = leaked.as_uri()
    shutil.copy(leaked, sealed / "context.jsonld")  # where `../../` leads from metadata/
    document = {"@context": context, "@id": "http://example.org/a", "title": "t"}
    (sealed / "metadata" / "dcat.jsonld").write_text(json.dumps(document))
    result = cdx("metadata", str(sealed), "--format", "turtle")
    assert result.exit_code == 2 and "[metadata-unreadable]" in result.output
    assert "SECRET" not in result.output


def test_the_sealed_example_still_prints_as_turtle(sealed: Path) -> None:
    result = cdx("metadata", str(sealed), "--format", "turtle")
    assert result.exit_code == 0 and "dcat:Dataset" in result.output


# ------------------------------------------------------------------ cdx load, cdx export


def spoil(package: Path, how: str, tmp_path: Path) -> None:
    data = package / "data" / "scores.csv"
    if how == "linked file":  # the same bytes, through a link
        shutil.copy(data, tmp_path / "copy.csv")
        link(data, tmp_path / "copy.csv")
    elif how == "linked folder":
        shutil.copytree(package / "data", tmp_path / "data-elsewhere")
        link(package / "data", tmp_path / "data-elsewhere")
    else:
        data.write_bytes(data.read_bytes() + b"SC-99999,x,1,woman,x,1,1,2026-01-01,\n")


SPOILS = ["linked file", "linked folder", "changed file"]


@pytest.mark.parametrize("how", SPOILS)
def test_load_of_a_spoiled_package_refuses_before_touching_the_database(
    sealed: Path, trust_file: Path, tmp_path: Path, how: str
) -> None:
    spoil(sealed, how, tmp_path)
    database = tmp_path / "office.duckdb"
    result = cdx("load", str(sealed), "--into", f"duckdb:///{database}", "--trust", str(trust_file))
    assert result.exit_code != 0 and "[package-not-verified]" in result.output
    assert not database.exists()


@pytest.mark.parametrize("how", SPOILS)
def test_export_of_a_spoiled_package_writes_nothing(
    sealed: Path, trust_file: Path, tmp_path: Path, how: str
) -> None:
    spoil(sealed, how, tmp_path)
    out = tmp_path / "export"
    result = cdx("export", str(sealed), "--out", str(out), "--trust", str(trust_file), "--json")
    assert error_code(result) == "package-not-verified"
    assert not out.exists()


@pytest.mark.parametrize(
    "hostile", ["traversal", "linked data file", "longer than declared", "untrusted key"]
)
def test_load_from_a_hostile_catalogue_pulls_as_pull_does_and_loads_nothing(
    catalogue: LocalCatalogue,
    sealed_template: tuple[Path, Path],
    trust_file: Path,
    tmp_path: Path,
    hostile: str,
) -> None:
    version = catalogue.root / REF.key
    key = sealed_template[0] / "keys" / "kenya-lnob.key"
    (tmp_path / "PWNED.txt").write_bytes(SENTINEL)
    data = version / "data" / "scores.csv"
    if hostile == "traversal":
        resign(version, key, add_entry("../../../../PWNED.txt"))
    elif hostile == "linked data file":
        shutil.copy(data, tmp_path / "secret.csv")
        link(data, tmp_path / "secret.csv")
    elif hostile == "longer than declared":
        data.write_bytes(data.read_bytes() + b"SC-99999,x,1,woman,x,1,1,2026-01-01,\n")
    else:
        from tests.security.hostile_packages import impostor_key

        resign(version, impostor_key(tmp_path)[0], lambda manifest: None)
    database = tmp_path / "office.duckdb"
    before = set(Path("/tmp").glob("cdx-load-*"))
    result = cdx(
        "load", str(REF), "--from", str(catalogue.root),
        "--into", f"duckdb:///{database}", "--trust", str(trust_file), "--json",
    )  # fmt: skip
    assert error_code(result) == "package-not-verified"
    hint = json.loads(result.stdout)["error"]["hint"]
    assert ("--allow-untrusted" in hint) == (hostile == "untrusted key")  # it would not help
    assert not database.exists()
    assert (tmp_path / "PWNED.txt").read_bytes() == SENTINEL
    assert set(Path("/tmp").glob("cdx-load-*")) <= before  # the pulled copy is gone


def test_verify_does_not_parse_a_descriptor_past_the_document_limit(
    sealed: Path, trust_file: Path, tmp_path: Path
) -> None:
    import hashlib

    from tests.security.hostile_packages import impostor_key

    descriptor = json.loads((sealed / "datapackage.json").read_text())
    descriptor["description"] = "x" * (17 * 1024 * 1024)
    data = json.dumps(descriptor).encode()
    (sealed / "datapackage.json").write_bytes(data)

    def listed(manifest: dict[str, Any]) -> None:
        entry = next(e for e in manifest["files"] if e["path"] == "datapackage.json")
        entry["bytes"], entry["sha256"] = len(data), hashlib.sha256(data).hexdigest()

    resign(sealed, impostor_key(tmp_path)[0], listed)  # anyone may sign; nobody trusts it
    result = cdx("verify", str(sealed), "--trust", str(trust_file), "--json")
    codes = {problem["code"] for problem in json.loads(result.stdout)["problems"]}
    assert codes == {"key-untrusted", "descriptor-too-large"}
