"""catalog.jsonld beside catalog.json, as another publisher of a shared local catalogue
may leave it: damaged, nested too deeply, of the wrong shape, or a link to a file of
someone else's. Publishing and gc rebuild it from the committed versions; nothing is
read through a link, and no publish of any coalition is blocked."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from cdx.cli.app import app
from cdx.connectors.catalogue import PackageRef
from cdx.connectors.local.catalogue import LocalCatalogue
from tests.conftest import reseal_as

OTHERS = {"@id": "urn:cdx:package:elsewhere/private@1.0.0", "@type": "dcat:Dataset"}
DAMAGED: dict[str, Any] = {
    "deep": "[" * 100_000 + "]" * 100_000,
    "a list": [1, 2],
    "a graph that is a number": {"@graph": 5},
    "nodes of odd shapes": {
        "@graph": [{"@id": {"x": 1}}, {"@id": "urn:x", "@type": 5}, {"@id": "urn:y", "@type": [{}]}]
    },
    "a link to a file outside": {"@graph": [OTHERS]},
}


@pytest.mark.parametrize("damage", list(DAMAGED))
def test_a_damaged_catalog_jsonld_is_rebuilt_by_gc_and_by_the_next_publish(
    catalogue: LocalCatalogue, sealed: Path, tmp_path: Path, damage: str
) -> None:
    document = catalogue.root / "catalog.jsonld"
    content = DAMAGED[damage]
    text = content if isinstance(content, str) else json.dumps(content)
    if damage.startswith("a link"):
        outside = tmp_path / "someone-elses.jsonld"
        outside.write_text(text)
        document.unlink()
        document.symlink_to(outside)
    else:
        document.write_text(text)
    result = CliRunner().invoke(app, ["catalogue", "gc", str(catalogue.root), "--apply"])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert result.exit_code == 0, result.output
    rebuilt = json.loads(document.read_text())
    ids = {node["@id"] for node in rebuilt["@graph"]}
    assert "urn:cdx:package:kenya-lnob/health-scorecard@1.0.0" in ids
    assert OTHERS["@id"] not in ids  # nothing read through the link
    if damage.startswith("a link"):
        assert not document.is_symlink() and outside.read_text() == text
    document.write_text(text)  # damaged again: the next publish heals it as well
    reseal_as(sealed, "kenya-lnob", "health-scorecard", "1.1.0", tmp_path / "keys")
    outcome = catalogue.publish(sealed, PackageRef("kenya-lnob", "health-scorecard", "1.1.0"))
    assert outcome.status == "published"
    assert "urn:cdx:package:kenya-lnob/health-scorecard@1.1.0" in document.read_text()
