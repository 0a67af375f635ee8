"""catalog.jsonld: the DCAT-AP catalogue document beside a catalogue's catalog.json.

One dcat:Catalog per coalition, published by it, listing its versions (dcat:Dataset)
and their series (dcat:DatasetSeries). The graph is reconciled like catalog.json: the
versions committed in scope and missing are added (their own signed dcat.jsonld, with
links made absolute), those no longer committed are removed, nothing else is touched.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable
from typing import Any

from cdx.core.layout import DCAT_METADATA, DESCRIPTOR
from cdx.metadata.citizen import agent_iri, split_package_id
from cdx.metadata.dcat_ap import CONTEXT, dcat_description
from cdx.metadata.quality import PACKAGE_ROOT
from cdx.metadata.vocabularies import SDG, country_iri

CATALOGUE_DOCUMENT = "catalog.jsonld"


def absolute(document: dict[str, Any], version_url: str) -> dict[str, Any]:
    """A version's dcat.jsonld with its links into the package made absolute.

    Joined by hand rather than by urljoin, which leaves s3:// references relative."""
    base = version_url.rstrip("/") + "/"

    def walk(value: Any) -> Any:
        if isinstance(value, dict):
            return {
                key: base + item.removeprefix(PACKAGE_ROOT)
                if key == "@id" and item.startswith(PACKAGE_ROOT)
                else walk(item)
                for key, item in value.items()
            }
        if isinstance(value, list):
            return [walk(item) for item in value]
        return value

    return dict(walk(document))


def describe_version(
    package_id: str, read: Callable[[str], bytes | None], version_url: str
) -> dict[str, Any]:
    """A committed version's DCAT document with absolute links: its signed
    metadata/dcat.jsonld when that describes `package_id`; else (a package sealed before
    cdx wrote one, or one that does not match) built from its datapackage.json.
    `read(member)` gives a member's bytes, None when absent."""
    document = _json_object(read(DCAT_METADATA))
    if document is None or package_id not in {
        node.get("@id") for node in document.get("@graph", []) if isinstance(node, dict)
    }:
        descriptor = read(DESCRIPTOR)
        if descriptor is None:
            raise ValueError(f"{version_url} has no {DESCRIPTOR}")
        document = dcat_description(json.loads(descriptor))
    return absolute(document, version_url)


def _json_object(text: bytes | None) -> dict[str, Any] | None:
    try:
        found = json.loads(text) if text is not None else None
    except ValueError:
        return None
    return found if isinstance(found, dict) else None


def title_and_description(descriptor: bytes | None) -> tuple[str, str]:
    """What an index entry says to a person, from a version's datapackage.json."""
    try:
        data = json.loads(descriptor) if descriptor is not None else None
    except ValueError:  # a damaged descriptor: the version's verification will say so
        data = None
    if not isinstance(data, dict):
        return "", ""
    return str(data.get("title", "")), " ".join(str(data.get("description", "")).split())


def reconcile(
    current: dict[str, Any] | None,
    *,
    committed: Iterable[str],
    scope: Iterable[str],
    describe: Callable[[str], dict[str, Any]],
    document_url: str,
    location: str,
    remove_gone: bool = True,
) -> dict[str, Any] | None:
    """The catalogue document listing exactly the `committed` package ids of the
    coalitions in `scope` (others kept as they are); None when nothing changes.

    `describe(package_id)` gives a version's DCAT document with absolute links. With
    `remove_gone=False` versions are only added (for stores whose listing may lag)."""
    nodes = current.get("@graph") if isinstance(current, dict) else None
    if not isinstance(nodes, list):  # damaged (it may come from a shared catalogue): rebuilt
        current, nodes = None, []
    graph: dict[str, dict[str, Any]] = {
        node["@id"]: node
        for node in nodes
        if isinstance(node, dict) and isinstance(node.get("@id"), str) and not _is_catalog(node)
    }
    in_scope = set(scope)
    wanted = set(committed)
    listed = {i for i, node in graph.items() if _is_dataset(node)}
    ours = {i for i in listed if split_package_id(i)[0] in in_scope}
    added, gone = sorted(wanted - listed), (ours - wanted) if remove_gone else set()
    if current is not None and not added and not gone:
        return None
    for package_id in gone:
        graph.pop(package_id)
    for package_id in added:
        for node in describe(package_id)["@graph"]:
            graph[node["@id"]] = node
    return {
        "@context": CONTEXT,
        "@graph": [*catalogs(graph, document_url, location), *graph.values()],
    }


def catalogs(
    graph: dict[str, dict[str, Any]], document_url: str, location: str
) -> list[dict[str, Any]]:
    """One dcat:Catalog per coalition with versions in the graph."""
    members: dict[str, list[str]] = {}
    for node_id, node in sorted(graph.items()):
        if _is_dataset(node) or _types(node) & {"dcat:DatasetSeries"}:
            coalition = _coalition_of(node_id)
            members.setdefault(coalition, []).append(node_id)
    found = []
    now = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
    for coalition, ids in sorted(members.items()):
        agent = graph.get(agent_iri(coalition), {})
        name = agent.get("foaf:name", coalition)
        countries = agent.get("dct:spatial", {"@id": country_iri("ZZ")})
        found.append(
            {
                "@id": f"{document_url}#{coalition}",
                "@type": "dcat:Catalog",
                "dct:title": f"{name}: citizen data",
                "dct:description": f"Signed citizen-data packages published by {name} in the "
                f"catalogue {location}: every version, and the series of each dataset.",
                "dct:publisher": {"@id": agent_iri(coalition)},
                "dct:spatial": countries,
                "dct:modified": {"@value": now, "@type": "xsd:dateTime"},
                "dcat:themeTaxonomy": {"@id": SDG.rstrip("/")},
                "dcat:dataset": [{"@id": i} for i in ids],
            }
        )
    return found


def _coalition_of(node_id: str) -> str:
    body = node_id.removeprefix("urn:cdx:package:").removeprefix("urn:cdx:series:")
    return body.partition("/")[0]


def _types(node: dict[str, Any]) -> set[str]:
    kinds = node.get("@type", [])
    listed = [kinds] if isinstance(kinds, str) else kinds if isinstance(kinds, list) else []
    return {kind for kind in listed if isinstance(kind, str)}


def _is_dataset(node: dict[str, Any]) -> bool:
    return "dcat:Dataset" in _types(node)


def _is_catalog(node: dict[str, Any]) -> bool:
    return "dcat:Catalog" in _types(node)
