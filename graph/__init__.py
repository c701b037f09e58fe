"""Concept graph: concepts of the notes and evidence-backed relations between them.

`build_graph(chunks)` derives it from committed chunks; `save_graph` / `load_graph`
persist it as node-link JSON; `export_graphml` writes it for Gephi.
"""

from studygraph.graph.build import build_graph
from studygraph.graph.catalog import Catalog, Entry, load_catalog, parse_catalog
from studygraph.graph.concept_graph import ConceptGraph
from studygraph.graph.model import Concept, ConceptCard, Evidence, Neighbour, Relation, Suggestion
from studygraph.graph.persist import export_graphml, load_graph, save_graph

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
