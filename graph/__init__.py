"""Concept graph: concepts of the notes and evidence-backed relations between them.

`build_graph(chunks)` derives it from committed chunks; `save_graph` / `load_graph`
persist it as node-link JSON; `export_graphml` writes it for Gephi.

The names load on first use: a query that only reads the stored graph
(`graph.persist`) never imports the extraction rules of `graph.build`.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from studygraph.graph.build import build_graph
    from studygraph.graph.catalog import Catalog, Entry, load_catalog, parse_catalog
    from studygraph.graph.concept_graph import ConceptGraph
    from studygraph.graph.model import Concept, ConceptCard, Evidence, Neighbour, Relation, Suggestion
    from studygraph.graph.persist import export_graphml, load_graph, save_graph

_EXPORTS = {
    "build_graph": "build",
    "Catalog": "catalog",
    "Entry": "catalog",
    "load_catalog": "catalog",
    "parse_catalog": "catalog",
    "ConceptGraph": "concept_graph",
    "Concept": "model",
    "ConceptCard": "model",
    "Evidence": "model",
    "Neighbour": "model",
    "Relation": "model",
    "Suggestion": "model",
    "export_graphml": "persist",
    "load_graph": "persist",
    "save_graph": "persist",
}

__all__ = [
    "Catalog",
    "Concept",
    "ConceptCard",
    "ConceptGraph",
    "Entry",
    "Evidence",
    "Neighbour",
    "Relation",
    "Suggestion",
    "build_graph",
    "export_graphml",
    "load_catalog",
    "load_graph",
    "parse_catalog",
    "save_graph",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'studygraph.graph' has no attribute {name!r}")
    value = getattr(import_module(f"studygraph.graph.{module}"), name)
    globals()[name] = value
    return value
