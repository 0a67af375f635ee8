"""Checks shared by the metadata tests: JSON-LD expansion that drops nothing, SHACL
against cdx's DCAT-AP 3 shapes, cdx terms defined in cdx's vocabulary."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pyshacl
import rdflib
from pyld import jsonld

REPO = Path(__file__).resolve().parent.parent
SHAPES = REPO / "schemas" / "shapes" / "dcat-ap-3.ttl"
VOCABULARY = REPO / "schemas" / "cdx-vocabulary.ttl"
CDX = "https://citizendata.exchange/ns#"
SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")


def _json_terms(context: Any) -> set[str]:
    """Keys whose values the context makes JSON literals (kept whole, not walked)."""
    if not isinstance(context, dict):
        return set()
    return {
        key
        for key, value in context.items()
        if isinstance(value, dict) and value.get("@type") == "@json"
    }


def property_keys(document: Any, json_terms: set[str]) -> Counter[str]:
    """Every property key in a JSON-LD document, counted; JSON literals not entered."""
    found: Counter[str] = Counter()

    def walk(value: Any) -> None:
        if isinstance(value, list):
            for item in value:
                walk(item)
        elif isinstance(value, dict):
            if value.get("@type") == "@json":
                return
            for key, item in value.items():
                if key in ("@context", "@value"):
                    continue
                if not key.startswith("@"):
                    found[key] += 1
                    if key in json_terms:
                        continue
                walk(item)

    walk(document)
    return found


def dropped_on_expansion(document: dict[str, Any], base: str) -> Counter[str]:
    """Property keys of the document that JSON-LD expansion loses (empty: nothing lost)."""
    expanded = jsonld.expand(document, {"base": base})
    compacted = property_keys(document, _json_terms(document.get("@context")))
    kept = sum(property_keys(expanded, set()).values())
    if kept == sum(compacted.values()):
        return Counter()
    # name the lost keys: those whose expansion is not an absolute IRI
    lost = Counter()
    for key, count in compacted.items():
        probe = {"@context": document.get("@context"), key: "x"}
        if not jsonld.expand(probe):
            lost[key] = count
    return lost or Counter({"(some key)": sum(compacted.values()) - kept})


def graph_of(path: Path) -> rdflib.Graph:
    return rdflib.Graph().parse(
        data=path.read_text(encoding="utf-8"), format="json-ld", base=path.resolve().as_uri()
    )


def shacl_results(graph: rdflib.Graph) -> list[tuple[str, str, str]]:
    """(severity, focus node, path) of every SHACL result against cdx's DCAT-AP shapes."""
    shapes = rdflib.Graph().parse(SHAPES)
    _, report, _ = pyshacl.validate(graph, shacl_graph=shapes)
    assert isinstance(report, rdflib.Graph)
    return sorted(
        (
            str(report.value(result, SH.resultSeverity)).rsplit("#", 1)[-1],
            str(report.value(result, SH.focusNode)),
            str(report.value(result, SH.resultPath)),
        )
        for result in report.subjects(rdflib.RDF.type, SH.ValidationResult)
    )


def undefined_cdx_terms(graph: rdflib.Graph) -> set[str]:
    """cdx: predicates, classes and metrics the graph uses that the vocabulary lacks."""
    vocabulary = rdflib.Graph().parse(VOCABULARY)
    defined = {str(subject) for subject in vocabulary.subjects()}
    used = {str(p) for p in graph.predicates()} | {
        str(o) for o in graph.objects() if isinstance(o, rdflib.URIRef)
    }
    return {term for term in used if term.startswith(CDX) and term not in defined}


def load(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data
