"""Every edge, definition and passage points at lines of the note that really hold it."""

from __future__ import annotations

from pathlib import Path

from graph_helpers import lines_name

from studygraph.graph import ConceptGraph
from studygraph.ingest.note import split_lines


def test_edge_evidence_lines_name_both_concepts(seed_graph: ConceptGraph) -> None:
    assert len(seed_graph.relations) > 100
    for rel in seed_graph.relations:
        assert rel.evidence, f"{rel} has no evidence"
        for ev in rel.evidence:
            for end in (rel.source, rel.target):
                assert lines_name(ev.source, ev.start_line, ev.end_line, seed_graph.concepts[end]), (
                    f"{Path(ev.source).name}:{ev.start_line}-{ev.end_line} does not name {end} ({rel.relation})"
                )


def test_definitions_quote_the_cited_lines(seed_graph: ConceptGraph) -> None:
    defined = [c for c in seed_graph.concepts.values() if c.definition]
    assert len(defined) >= 20
    for concept in defined:
        d = concept.definition
        lines = split_lines(Path(d.source).read_text(encoding="utf-8"))
        assert d.quote and d.quote in "\n".join(lines[d.start_line - 1 : d.end_line]), concept.name


def test_definition_answers_what_is_x(seed_graph: ConceptGraph) -> None:
    whisper = seed_graph.concept("Whisper").definition
    assert whisper.quote == "OpenAI's ASR (Automatic Speech Recognition) model."
    assert (Path(whisper.source).name, whisper.start_line) == ("000_ea24ba94182485b6.txt", 38)
    hnsw = seed_graph.concept("HNSW").definition
    assert hnsw.quote.startswith("Hierarchical Navigable Small World graph")


def test_passages_name_the_concept(seed_graph: ConceptGraph) -> None:
    for cid, passages in seed_graph.passages.items():
        concept = seed_graph.concepts[cid]
        assert [p.chunk_id for p in passages] == list(concept.chunk_ids)
        for p in passages:
            assert lines_name(p.source, p.start_line, p.end_line, concept), f"{concept.name} at {p.source}:{p.start_line}"


def test_a_web_address_names_nothing(tmp_path: Path) -> None:
    from graph_helpers import chunks_of, write_note

    from studygraph.graph import build_graph

    write_note(tmp_path / "n", "links.md", "# Links\n\nCLIP aligns images and text.\n\n"
               "See [mc-stan.org/siglip/reference](https://example.org/siglip/clip.html) for more.\n\n"
               "Read www.example.org/SigLIP too.\n\nSigLIP uses a sigmoid loss.\n")
    graph = build_graph(chunks_of(tmp_path / "n"))
    siglip = graph.concept("SigLIP")
    assert siglip is not None and [p.start_line for p in graph.passages[siglip.id]] == [9]
    assert not [r for r in graph.relations if {graph.concepts[r.source].name, graph.concepts[r.target].name} == {"CLIP", "SigLIP"}]
