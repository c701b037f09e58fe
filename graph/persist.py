"""Persist the concept graph as node-link JSON, read it back, export GraphML.

The JSON is networkx's node-link layout (`nx.node_link_graph(data, edges="edges")`
reads it) with our fields: nodes carry name, type, aliases, the chunks that
mention them (with the lines, aligned with `chunks`) and a quoted definition;
edges carry relation, weight and the chunk lines that support them.
"""

from __future__ import annotations

import json
import logging
import pickle
from collections.abc import Iterator, Mapping
from pathlib import Path

from studygraph import __version__
from studygraph.atomic import write_bytes, write_with
from studygraph.graph.concept_graph import ConceptGraph, EdgeTable
from studygraph.graph.heap import no_cyclic_gc
from studygraph.graph.lexicon import Lexicon
from studygraph.graph.model import Concept, Evidence, Relation

logger = logging.getLogger(__name__)

FORMAT = "studygraph-concepts"
VERSION = 1


# The matching rules a kept lexicon holds (graph/lexicon.py, graph/variants.py): a new release, or
# a bump here when those rules change, makes it again.
LEXICON_FORMAT = f"{__version__}/1"


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


class Passages(Mapping[str, tuple[Evidence, ...]]):
    """Concept id -> the lines where the notes name it, made into Evidence when first asked for.

    A cold `ask` reads the graph for aliases and related concepts, not for every mention's
    lines: on the 12 MB Python docs, building the 191,061 mentions' Evidence up front took
    ~0.9 s of the graph's 4.6 s load.
    """

    def __init__(self, concepts: Mapping[str, Concept], lines_of: Mapping[str, list], sources: Mapping[str, str]) -> None:
        self._concepts, self._lines, self._sources = concepts, lines_of, sources
        self._made: dict[str, tuple[Evidence, ...]] = {}

    def __getitem__(self, cid: str) -> tuple[Evidence, ...]:
        made = self._made.get(cid)
        if made is None:
            chunks = self._concepts[cid].chunk_ids  # KeyError for an unknown concept, as a dict's
            made = tuple(Evidence(c, self._sources.get(c, ""), a, b) for c, (a, b) in zip(chunks, self._lines.get(cid, ())))
            self._made[cid] = made
        return made

    def __iter__(self) -> Iterator[str]:
        return iter(self._concepts)

    def __len__(self) -> int:
        return len(self._concepts)


def graph_from_json(data: dict, lexicon: Lexicon | None = None) -> ConceptGraph:
    """The graph a `graph_to_json` dict describes.

    Raises:
        ValueError: when the data is not a studygraph concept graph.
    """
    meta = data.get("graph", {})
    if meta.get("format") != FORMAT:
        raise ValueError(f"not a studygraph concept graph (format {meta.get('format')!r})")
    sources = meta.get("sources", {})
    concepts: dict[str, Concept] = {}
    lines_of: dict[str, list] = {}
    for node in data["nodes"]:
        chunks = tuple(node.get("chunks", ()))
        definition = Evidence.from_json(node["definition"]) if node.get("definition") else None
        concepts[node["id"]] = Concept(
            node["id"], node["name"], node["type"], tuple(node.get("aliases", ())), chunks, definition, node.get("origin", "catalog")
        )
        lines_of[node["id"]] = node.get("lines", [])
    passages = Passages(concepts, lines_of, sources)
    # Co-occurrence edges share their lines: on the 12 MB Python docs 74,990 edge evidence
    # entries are 31,345 distinct ones, made once each (0.32 -> 0.17 s, less than half the objects).
    made: dict[tuple, Evidence] = {}

    def evidence(x: dict) -> Evidence:  # an edge's lines carry no quote; its chunk gives its source
        key = (x["chunk_id"], x["start_line"], x["end_line"])
        found = made.get(key)
        if found is None:
            found = made[key] = Evidence(str(x["chunk_id"]), str(x["source"]), int(x["start_line"]), int(x["end_line"]))
        return found

    edges = data.get("edges", [])

    def relation(i: int) -> Relation:
        e = edges[i]
        return Relation(e["source"], e["target"], e["relation"], float(e["weight"]), tuple(evidence(x) for x in e["evidence"]))

    table = EdgeTable([(str(e["source"]), str(e["target"]), str(e["relation"])) for e in edges], relation)
    return ConceptGraph(concepts, table, passages, lexicon)


def parse_graph(data: bytes | str, lexicon: Lexicon | None = None) -> ConceptGraph:
    """The graph in the bytes `save_graph` wrote (see `graph_from_json`).

    orjson (already installed with Chroma; Apache-2.0/MIT) parses the 26 MB graph of the
    12 MB Python docs in 0.33 s against the standard library's 0.46 s.

    Raises:
        ValueError: when the data is not JSON or not a studygraph concept graph.
    """
    import orjson

    with no_cyclic_gc():
        try:
            parsed = orjson.loads(data)
        except orjson.JSONDecodeError:  # strict UTF-8 only: a path with a lone surrogate needs the standard parser
            parsed = json.loads(data)
        return graph_from_json(parsed, lexicon)


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
    return parse_graph(Path(path).read_bytes())


def save_lexicon(graph: ConceptGraph, path: Path, graph_digest: str) -> None:
    """Keep the graph's lexicon for the next load of the graph file whose digest is given.

    Matching names needs every concept's forms worked out (variants, case rules, prefixes):
    on the 12 MB Python docs that was ~1 s of a cold `ask`; the pickle loads in ~0.03 s.
    """
    record = {"format": LEXICON_FORMAT, "graph": graph_digest, "lexicon": graph.lexicon}
    write_with(Path(path), lambda handle: pickle.dump(record, handle, protocol=pickle.HIGHEST_PROTOCOL))


def load_lexicon(path: Path, graph_digest: str) -> Lexicon | None:
    """The lexicon `save_lexicon` kept for this graph file, or None (missing, stale, unreadable:
    the graph then makes it again)."""
    try:
        with Path(path).open("rb") as handle:
            record = pickle.load(handle)
    except FileNotFoundError:
        return None
    except Exception as exc:  # a damaged or foreign file only costs the lexicon's build
        logger.warning("ignoring lexicon cache %s: %s", path, exc)
        return None
    if not isinstance(record, dict) or record.get("format") != LEXICON_FORMAT or record.get("graph") != graph_digest:
        return None
    lexicon = record.get("lexicon")
    return lexicon if isinstance(lexicon, Lexicon) else None


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
