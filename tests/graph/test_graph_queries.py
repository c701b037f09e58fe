"""What the assistant asks of the graph: cards, mentions, suggestions, query expansion."""

from __future__ import annotations

from graph_helpers import lines_name

from studygraph.graph import ConceptGraph, Suggestion
from studygraph.graph.model import INVERSE


def test_card_has_definition_neighbours_and_passages(seed_graph: ConceptGraph) -> None:
    card = seed_graph.card("perceiver resampler")
    assert card.concept.name == "Perceiver Resampler" and card.concept.type == "architecture"
    assert "fixed number of visual tokens" in card.definition.quote
    assert [nb.name for nb in card.neighbours["part of"]] == ["Flamingo"]
    assert all(nb.evidence for group in card.neighbours.values() for nb in group)
    assert len(card.passages) == 3
    assert seed_graph.card("no such thing") is None


def test_card_reads_relations_from_its_side(seed_graph: ConceptGraph) -> None:
    flamingo = seed_graph.card("Flamingo")
    assert "Perceiver Resampler" in [nb.name for nb in flamingo.neighbours["has part"]]
    assert "Gated Cross-Attention" in [nb.name for nb in flamingo.neighbours["uses"]]


def test_suggest_close_names(seed_graph: ConceptGraph) -> None:
    assert "Perceiver Resampler" in seed_graph.suggest("Perciever Resampler")
    assert seed_graph.suggest("Flamingoo")[0] == "Flamingo"
    assert seed_graph.suggest("") == []


def test_mentions_in_a_question(seed_graph: ConceptGraph) -> None:
    names = [c.name for c in seed_graph.mentions("How does SBERT differ from CLIP's contrastive loss?")]
    assert names == ["Sentence-BERT", "CLIP", "Contrastive Loss"]


def test_expand_query_with_aliases(seed_graph: ConceptGraph) -> None:
    assert "Sentence-BERT" in seed_graph.expand_query("What does SBERT fine-tune?")
    expanded = seed_graph.expand_query("Contrastive Language-Image Pretraining zero-shot")
    assert expanded.startswith("Contrastive Language-Image Pretraining zero-shot") and "CLIP" in expanded.split()
    assert seed_graph.expand_query("how do I cook pasta") == "how do I cook pasta"


def test_related_shape_and_evidence(seed_graph: ConceptGraph, seed_chunks) -> None:
    question = "What is the Perceiver Resampler?"
    answer = "A component in Flamingo that converts image features into a fixed number of visual tokens."
    quoted = [c.id for c in seed_chunks if c.start_line <= 25 <= c.end_line and c.source.endswith("000_ea24ba94182485b6.txt")]
    suggestions = seed_graph.related(question, answer, quoted)
    assert 3 <= len(suggestions) <= 6
    mentioned = {c.name for c in seed_graph.mentions(question + " " + answer)}
    for s in suggestions:
        assert isinstance(s, Suggestion) and s.relation and s.type
        assert s.concept not in mentioned and s.via in mentioned
        assert lines_name(s.source, s.start_line, s.end_line, seed_graph.concept(s.concept))
        assert lines_name(s.source, s.start_line, s.end_line, seed_graph.concept(s.via))
    assert suggestions[0].relation != "related"  # a typed relation ranks first
    assert len(seed_graph.related(question, answer, quoted, limit=3)) == 3


def test_related_without_known_concepts(seed_graph: ConceptGraph) -> None:
    assert seed_graph.related("how do I cook pasta", "Boil water.", []) == []


def test_summary(seed_graph: ConceptGraph) -> None:
    s = seed_graph.summary()
    assert s["concepts"] == len(seed_graph.concepts) and s["relations"] == len(seed_graph.relations)
    assert set(s["by_type"]) <= {"model", "loss", "technique", "architecture", "dataset", "benchmark", "metric", "retrieval", "concept"}
    assert s["hubs"] and s["hubs"][0]["degree"] >= s["hubs"][-1]["degree"]


def test_related_reads_from_the_suggested_concept_to_the_one_asked_about(seed_graph: ConceptGraph) -> None:
    """"LLaVA (uses CLIP)", never "LLaVA (used by CLIP)": the chip says what the suggested
    concept is to the one the question named."""
    suggestions = seed_graph.related("What is CLIP?", "", [], limit=6)
    typed = [s for s in suggestions if s.relation not in ("related", "same passage", "compared with")]
    assert typed, "CLIP has typed neighbours in the seeds"
    for s in typed:
        concept, via = seed_graph.concept(s.concept), seed_graph.concept(s.via)
        assert concept is not None and via is not None
        edges = [r for r in seed_graph.relations if {r.source, r.target} == {concept.id, via.id} and r.relation != "related"]
        readings = {r.relation.replace("_", " ") for r in edges if r.source == concept.id}
        readings |= {INVERSE[r.relation] for r in edges if r.target == concept.id}
        assert s.relation in readings, (s, edges)
