"""Concepts the catalog lacks are discovered from the notes, typed by rule, merged,
and junk labels never become nodes."""

from __future__ import annotations

from pathlib import Path

from graph_helpers import chunks_of, write_note

from studygraph.graph import build_graph

NOTE = """# Retrieval notes

## 1. What is "HyperFlow"?
**Answer:**
* HyperFlow is a retrieval model built on FooBERT.
* Uses ZetaPool (Zeta Pooling Layer) to compress tokens.

## 2. What is QRX?
QRX (Quantized Reranking Exchange) is a protocol for sharing rerankers.

- **Pros**: fast
- **Cons**: slow

## 3. Results
**Answer:** Hyper-Flow and hyperflow beat FooBERT on our data. The ZetaPools matter.

Question 5: what about Pros?

| Challenge | Details |
|---|---|
| **Drift Collapse** | Embeddings drift until they collapse |
"""

OTHER = """# More
FooBERT again, next to BM25.
Once only: MegaTron9000x.
"""


def _graph(tmp_path: Path):
    notes = tmp_path / "notes"
    write_note(notes, "a.md", NOTE)
    write_note(notes, "b.md", OTHER)
    return build_graph(chunks_of(notes))


def test_defined_terms_become_typed_nodes(tmp_path: Path) -> None:
    g = _graph(tmp_path)
    hyperflow = g.concept("HyperFlow")
    assert hyperflow is not None and hyperflow.origin == "notes" and hyperflow.type == "model"
    assert hyperflow.definition.quote == "HyperFlow is a retrieval model built on FooBERT."
    zeta = g.concept("ZetaPool")
    assert zeta is not None and zeta.type == "architecture"  # typed by its long form "... Layer"
    assert g.concept("Zeta Pooling Layer") == zeta
    qrx = g.concept("Quantized Reranking Exchange")
    assert qrx is not None and qrx.name == "QRX"
    assert g.concept("Drift Collapse") is not None  # a bold term opening a table row is defined there


def test_spelling_variants_merge_into_one_node(tmp_path: Path) -> None:
    g = _graph(tmp_path)
    hyperflow = g.concept("hyper-flow")
    assert hyperflow == g.concept("HYPERFLOW") == g.concept("HyperFlow")
    assert len(hyperflow.chunk_ids) == 2  # the definition chunk and the ablation chunk
    assert g.concept("ZetaPools") == g.concept("ZetaPool")


def test_recurring_names_are_kept_and_single_ones_dropped(tmp_path: Path) -> None:
    g = _graph(tmp_path)
    assert g.concept("FooBERT") is not None  # named in two notes
    assert g.concept("MegaTron9000x") is None  # named once, never defined


def test_labels_and_numbering_are_not_nodes(tmp_path: Path) -> None:
    g = _graph(tmp_path)
    for junk in ("Answer", "Pros", "Cons", "Question 5", "Results", "Retrieval notes", "Challenge", "Details"):
        assert g.concept(junk) is None, junk


def test_discovered_relations_carry_evidence(tmp_path: Path) -> None:
    g = _graph(tmp_path)
    hyperflow = g.concept("HyperFlow")
    rels = {(g.concepts[r.source].name, g.concepts[r.target].name, r.relation) for r in g.relations}
    assert ("HyperFlow", "FooBERT", "based_on") in rels
    assert ("HyperFlow", "ZetaPool", "uses") in rels
    assert hyperflow.id in {r.source for r in g.relations}
