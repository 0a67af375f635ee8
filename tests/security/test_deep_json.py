"""JSON nested deeper than Python's JSON reader goes (200 KB of `[`) is a malformed
document like any other: a coded error or a problem, never a RecursionError traceback.
Every command that reads a document from a catalogue or a package is tried with it."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from cdx.cli.app import app
from cdx.connectors.local.catalogue import LocalCatalogue
from tests.security.hostile_packages import REF

DEEP = "[" * 100_000 + "]" * 100_000
READERS = {  # the document, and the commands that read it from a catalogue or a package
    "manifest.json": ("verify", "pull", "site"),
    "manifest.sig": ("verify", "pull", "site"),
    "datapackage.json": ("verify", "site"),
    "catalog.json": ("list", "site"),
    "keys.json": ("pull", "site"),
    "trust.json": ("verify", "pull"),
}


@pytest.mark.parametrize(
    ("document", "command"),
    [(document, command) for document, commands in READERS.items() for command in commands],
)
def test_a_document_nested_too_deeply_is_not_a_traceback(
    catalogue: LocalCatalogue, trust_file: Path, tmp_path: Path, document: str, command: str
) -> None:
    version = catalogue.root / REF.key
    trust = trust_file
    place = {
        "catalog.json": catalogue.root / document,
        "keys.json": catalogue.root / REF.coalition / document,
        "trust.json": tmp_path / document,
    }.get(document, version / document)
    place.write_text(DEEP)
    if document == "trust.json":
        trust = place
    arguments = {
        "verify": [str(version), "--trust", str(trust)],
        "pull": [
            str(catalogue.root),
            str(REF),
            "--to",
            str(tmp_path / "got"),
            "--trust",
            str(trust),
        ],
        "site": [str(catalogue.root), "--out", str(tmp_path / "site")],
        "list": [str(catalogue.root)],
    }[command]
    result = CliRunner().invoke(app, [command, *arguments])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert "Traceback" not in result.output
    if document != "keys.json":  # a broken keys.json is no keys at all (convenience only)
        assert result.exit_code != 0 or command == "site", result.output
