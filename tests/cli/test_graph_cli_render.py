"""Renderers behind `studygraph graph` and `studygraph concept` (cli/graph.py)."""

from __future__ import annotations

import json
from pathlib import Path

from studygraph.cli.graph import concept_card_json, concept_card_text, graph_summary_text
from studygraph.graph import ConceptGraph


def rel(source: str) -> str:
    return f"seeds/{Path(source).name}"


def test_summary_text(seed_graph: ConceptGraph) -> None:
    text = graph_summary_text(seed_graph)
    assert text.startswith(f"Concept graph: {len(seed_graph.concepts)} concepts")
    assert "By type:" in text and "Top hubs:" in text


def test_card_text(seed_graph: ConceptGraph) -> None:
    text = concept_card_text(seed_graph.card("SigLIP"), rel)
    lines = text.splitlines()
    assert lines[0] == "SigLIP (model)"
    assert "Definition: Sigmoid Loss for Language Image Pre-training.  [seeds/000_ea24ba94182485b6.txt:87]" in lines
    assert "Replaces:" in lines and "  Softmax (concept)  [seeds/000_ea24ba94182485b6.txt:85-88, seeds/003_2b72a920368736ff.txt:39]" in lines


def test_card_json(seed_graph: ConceptGraph) -> None:
    data = concept_card_json(seed_graph.card("Perceiver Resampler"), rel)
    json.dumps(data)
    assert data["name"] == "Perceiver Resampler" and data["type"] == "architecture"
    assert data["definition"]["citation"] == {
        "chunk_id": seed_graph.concept("Perceiver Resampler").definition.chunk_id,
        "source": "seeds/000_ea24ba94182485b6.txt",
        "start_line": 28,
        "end_line": 28,
    }
    (flamingo,) = data["neighbours"]["part of"]
    assert flamingo["concept"] == "Flamingo" and flamingo["evidence"][0]["source"] == "seeds/000_ea24ba94182485b6.txt"
