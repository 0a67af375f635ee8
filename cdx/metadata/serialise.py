"""JSON-LD documents of cdx as RDF: Turtle (or any rdflib format) for other tools."""

from __future__ import annotations

import json
from typing import Any

from cdx.core.errors import MetadataUnreadable
from cdx.metadata.vocabularies import NAMESPACES

FORMATS = ("jsonld", "turtle")


def as_graph(document: dict[str, Any], *, base: str | None = None) -> Any:
    """The rdflib Graph of a JSON-LD document; relative links resolve against `base`.

    MetadataUnreadable for a document that names a context by reference: rdflib would
    fetch it, from the network or from a file anywhere (a relative one resolves against
    `base`), and cdx's own documents carry their contexts inline."""
    import rdflib

    named = context_reference(document)
    if named is not None:
        raise MetadataUnreadable(
            f"the document names the JSON-LD context {named[:200]!r} by reference; cdx reads "
            "only contexts written into the document, and fetches nothing it names",
            hint="print it as jsonld, or write the context into the document",
        )
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


def context_reference(value: object) -> str | None:
    """The first JSON-LD context `value` names by reference rather than writes out: an
    `@context` that is (or lists) a text, or an `@import`; None when there is none."""
    pending = [value]
    while pending:  # a loop, not recursion: the document may be nested deeply
        item = pending.pop()
        if isinstance(item, list):
            pending.extend(item)
        elif isinstance(item, dict):
            for key, inner in item.items():
                if key == "@import" and isinstance(inner, str):
                    return inner
                if key == "@context":
                    contexts = inner if isinstance(inner, list) else [inner]
                    named = next((c for c in contexts if isinstance(c, str)), None)
                    if named is not None:
                        return named
                pending.append(inner)
    return None
