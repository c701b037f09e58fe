"""Node-link JSON round trip, atomic save, GraphML export."""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx
import pytest

from studygraph.cli.graph import concept_card_json
from studygraph.graph import ConceptGraph, export_graphml, load_graph, save_graph
from studygraph.graph.persist import graph_to_json


def test_json_has_the_documented_shape(seed_graph: ConceptGraph) -> None:
    data = graph_to_json(seed_graph)
    node = data["nodes"][0]
    assert {"id", "name", "type", "aliases", "chunks"} <= set(node)
    edge = data["edges"][0]
    assert {"source", "target", "relation", "weight", "evidence"} <= set(edge)
    assert set(edge["evidence"][0]) == {"chunk_id", "source", "start_line", "end_line"}
    # networkx can read it as well
    g = nx.node_link_graph(data, edges="edges")
    assert g.number_of_nodes() == len(seed_graph.concepts) and g.number_of_edges() == len(seed_graph.relations)


def test_save_load_round_trip(seed_graph: ConceptGraph, tmp_path: Path) -> None:
    path = tmp_path / "data" / "graph.json"
    save_graph(seed_graph, path)
    assert [p.name for p in path.parent.iterdir()] == ["graph.json"]  # no temporary file left behind
    loaded = load_graph(path)
    assert graph_to_json(loaded) == graph_to_json(seed_graph)
    card = lambda g: concept_card_json(g.card("CLIP"), str)  # noqa: E731
    assert card(loaded) == card(seed_graph)
    assert loaded.expand_query("SBERT") == seed_graph.expand_query("SBERT")


def test_load_rejects_other_json(tmp_path: Path) -> None:
    path = tmp_path / "graph.json"
    path.write_text(json.dumps({"nodes": [], "edges": []}), encoding="utf-8")
    with pytest.raises(ValueError, match="not a studygraph concept graph"):
        load_graph(path)


def test_graphml_export(seed_graph: ConceptGraph, tmp_path: Path) -> None:
    path = tmp_path / "out" / "graph.graphml"
    export_graphml(seed_graph, path)
    g = nx.read_graphml(path)
    assert g.number_of_nodes() == len(seed_graph.concepts)
    assert g.number_of_edges() == len(seed_graph.relations)
    clip = g.nodes[seed_graph.concept("CLIP").id]
    assert clip["label"] == "CLIP" and clip["type"] == "model"


def test_a_loaded_graph_makes_only_the_edges_asked_for_and_the_same_ones(seed_graph: ConceptGraph, tmp_path: Path) -> None:
    path = tmp_path / "graph.json"
    save_graph(seed_graph, path)
    loaded = load_graph(path)
    clip = seed_graph.concept("CLIP").id
    assert loaded.neighbours(clip) == seed_graph.neighbours(clip)
    assert "relations" not in vars(loaded)  # CLIP's edges were made, not the other edges of the graph
    made = {rel for rel, _ in loaded.neighbours(clip)}
    assert loaded.relations == seed_graph.relations
    assert made <= {rel for rel in loaded.relations if clip in (rel.source, rel.target)}
    for cid in seed_graph.concepts:
        assert loaded.neighbours(cid) == seed_graph.neighbours(cid)
    assert loaded.summary() == seed_graph.summary()


def test_a_graph_file_with_a_path_no_strict_utf8_parser_reads_still_loads(seed_graph: ConceptGraph, tmp_path: Path) -> None:
    data = graph_to_json(seed_graph)
    data["graph"]["sources"]["x"] = "/notes/r\udce9sum\udce9.md"  # a file name of Latin-1 bytes, as os.fsdecode gives it
    path = tmp_path / "graph.json"
    path.write_bytes(json.dumps(data, ensure_ascii=False).encode("utf-8", "surrogatepass"))
    assert graph_to_json(load_graph(path))["edges"] == graph_to_json(seed_graph)["edges"]
