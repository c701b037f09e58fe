"""Persist the concept graph as node-link JSON, read it back, export GraphML.

The JSON is networkx's node-link layout (`nx.node_link_graph(data, edges="edges")`
reads it) with our fields: nodes carry name, type, aliases, the chunks that
mention them (with the lines, aligned with `chunks`) and a quoted definition;
edges carry relation, weight and the chunk lines that support them.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

from studygraph.atomic import write_bytes, write_with
from studygraph.graph.concept_graph import ConceptGraph
from studygraph.graph.model import Concept, Evidence, Relation

logger = logging.getLogger(__name__)

FORMAT = "studygraph-concepts"
VERSION = 1


def graph_to_json(graph: ConceptGraph) -> dict:
    """Node-link JSON of a graph (the `studygraph graph --json` output)."""
    sources: dict[str, str] = {}
    nodes = []
    for c in graph.concepts.values():
        passages = graph.passages.get(c.id, ())
        for e in passages:
            sources[e.chunk_id] = e.source
        nodes.append(
            {
                "id": c.id,
                "name": c.name,
                "type": c.type,
                "aliases": list(c.aliases),
                "chunks": list(c.chunk_ids),
                "lines": [[e.start_line, e.end_line] for e in passages],
                "origin": c.origin,
                "definition": c.definition.to_json(with_quote=True) if c.definition else None,
            }
        )
    edges = [
        {
            "source": r.source,
            "target": r.target,
            "key": r.relation,
            "relation": r.relation,
            "weight": r.weight,
            "evidence": [e.to_json() for e in r.evidence],
        }
        for r in graph.relations
    ]
    return {
        "directed": True,
        "multigraph": True,
        "graph": {"format": FORMAT, "version": VERSION, "sources": sources},
        "nodes": nodes,
        "edges": edges,
    }


def graph_from_json(data: dict) -> ConceptGraph:
    """The graph a `graph_to_json` dict describes.

    Raises:
        ValueError: when the data is not a studygraph concept graph.
    """
    meta = data.get("graph", {})
    if meta.get("format") != FORMAT:
        raise ValueError(f"not a studygraph concept graph (format {meta.get('format')!r})")
    sources = meta.get("sources", {})
    concepts: dict[str, Concept] = {}
    passages: dict[str, tuple[Evidence, ...]] = {}
    for node in data["nodes"]:
        chunks = tuple(node.get("chunks", ()))
        lines = node.get("lines", [])
        definition = Evidence.from_json(node["definition"]) if node.get("definition") else None
        concepts[node["id"]] = Concept(
            node["id"], node["name"], node["type"], tuple(node.get("aliases", ())), chunks, definition, node.get("origin", "catalog")
        )
        passages[node["id"]] = tuple(Evidence(cid, sources.get(cid, ""), a, b) for cid, (a, b) in zip(chunks, lines))
    relations = [
        Relation(e["source"], e["target"], e["relation"], float(e["weight"]), tuple(Evidence.from_json(x) for x in e["evidence"]))
        for e in data.get("edges", [])
    ]
    return ConceptGraph(concepts, relations, passages)


def save_graph(graph: ConceptGraph, path: Path) -> None:
    """Write the graph as node-link JSON, atomically (readers never see half a file)."""
    data = json.dumps(graph_to_json(graph), ensure_ascii=False, separators=(",", ":"))
    write_bytes(Path(path), data.encode("utf-8", "surrogatepass"))
    logger.debug("saved concept graph to %s", path)


def load_graph(path: Path) -> ConceptGraph:
    """Read a graph written by `save_graph`.

    Raises:
        FileNotFoundError: when there is no graph at `path`.
        ValueError: when the file is not a studygraph concept graph.
    """
    return graph_from_json(json.loads(Path(path).read_text(encoding="utf-8")))


def export_graphml(graph: ConceptGraph, path: Path) -> None:
    """Write GraphML for Gephi: list attributes become `; `-joined strings."""
    import networkx as nx  # only here: a cold `ask` reads the graph without networkx

    g = nx.MultiDiGraph()
    for c in graph.concepts.values():
        g.add_node(
            c.id,
            label=c.name,
            type=c.type,
            aliases="; ".join(c.aliases),
            chunks=len(c.chunk_ids),
            origin=c.origin,
            definition=c.definition.quote if c.definition else "",
        )
    for r in graph.relations:
        evidence = "; ".join(f"{e.source}:{e.start_line}-{e.end_line}" for e in r.evidence)
        g.add_edge(r.source, r.target, key=r.relation, relation=r.relation, weight=r.weight, evidence=evidence)
    write_with(Path(path), lambda handle: nx.write_graphml(g, handle))
