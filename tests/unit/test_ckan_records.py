"""A CKAN portal may be hostile (anyone with a sysadmin's rights): its records are read
into index entries or refused as a damaged catalogue, never a KeyError traceback."""

from __future__ import annotations

from typing import Any

import pytest

from cdx.connectors.ckan import metadata as meta
from cdx.connectors.ckan.catalogue import version_entry
from cdx.core.errors import CatalogueError

EXTRAS = {
    meta.COALITION: "kenya-lnob",
    meta.DATASET: "health-scorecard",
    meta.CONTENT_DIGEST: "sha256:" + "0" * 64,
    meta.COMMITTED: "2026-12-08T01:00:00+00:00",
}


def record(**changes: Any) -> dict[str, Any]:
    extras = [{"key": k, "value": v} for k, v in EXTRAS.items()]
    return (
        {"name": "kenya-lnob--health-scorecard--1-0-0", "version": "1.0.0"}
        | {"extras": extras}
        | changes
    )


def test_a_whole_record_is_an_entry() -> None:
    entry = version_entry(record())
    assert (entry.coalition, entry.dataset, entry.version) == (
        "kenya-lnob",
        "health-scorecard",
        "1.0.0",
    )


@pytest.mark.parametrize(
    "changes",
    [
        {"extras": [{"key": k, "value": v} for k, v in EXTRAS.items() if k != meta.DATASET]},
        {"extras": "not a list"},
        {"extras": [1, None, ["k", "v"], {"key": meta.COALITION}]},
        {"extras": [{"key": k, "value": 5} for k in EXTRAS]},
        {"version": None},
    ],
)
def test_a_damaged_record_is_a_catalogue_error(changes: dict[str, Any]) -> None:
    damaged = record(**changes)
    if changes.get("version", "") is None:
        del damaged["version"]
    with pytest.raises(CatalogueError) as refused:
        version_entry(damaged)
    assert "kenya-lnob--health-scorecard--1-0-0" in str(refused.value)


def test_a_record_that_is_not_an_object_is_a_catalogue_error() -> None:
    with pytest.raises(CatalogueError):
        version_entry(["not", "a", "dataset"])


def test_extras_keep_only_text_keys_and_values() -> None:
    extras = [{"key": "a", "value": "1"}, {"key": "b", "value": 2}, {"key": 3, "value": "c"}, 4]
    assert meta.extras_of({"extras": extras}) == {"a": "1"}
