"""JSON-LD documents of cdx as RDF: Turtle (or any rdflib format) for other tools."""

from __future__ import annotations

import json
from typing import Any

from cdx.metadata.vocabularies import NAMESPACES

FORMATS = ("jsonld", "turtle")


def as_graph(document: dict[str, Any], *, base: str | None = None) -> Any:
    """The rdflib Graph of a JSON-LD document; relative links resolve against `base`."""
    import rdflib

    graph = rdflib.Graph()
    graph.parse(data=json.dumps(document), format="json-ld", base=base)
    for prefix, namespace in NAMESPACES.items():
        graph.bind(prefix, namespace, replace=True)
    return graph


def serialise(document: dict[str, Any], fmt: str, *, base: str | None = None) -> str:
    """The document as text in `fmt`: `jsonld` (as written) or `turtle`."""
    if fmt == "jsonld":
        return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    text: str = as_graph(document, base=base).serialize(format=fmt)
    return text
