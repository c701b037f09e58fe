"""Typed relations come from what sentences say; everything else is `related`."""

from __future__ import annotations

from pathlib import Path

import pytest
from graph_helpers import chunks_of, write_note

from studygraph.graph import ConceptGraph, build_graph
from studygraph.graph.lexicon import Match
from studygraph.graph.relations import title_relations

SENTENCES = [
    ("LLaVA uses CLIP as its vision encoder.", "LLaVA", "CLIP", "uses"),
    ("Sentence-BERT is based on BERT.", "Sentence-BERT", "BERT", "based_on"),
    ("RoBERTa is a variant of BERT.", "RoBERTa", "BERT", "variant_of"),
    ("SigLIP replaces softmax with a sigmoid loss.", "SigLIP", "Softmax", "replaces"),
    ("SigLIP replaces softmax with a sigmoid loss.", "SigLIP", "Sigmoid Loss", "trained_with"),
    ("Dense retrievers are trained using a triplet loss.", "Dense Retrieval", "Triplet Loss", "trained_with"),
    ("ColBERT uses late interaction.", "ColBERT", "Late Interaction", "uses"),
    ("CLIP is trained on LAION.", "CLIP", "LAION", "trained_on"),
    ("SimCLR is trained with InfoNCE.", "SimCLR", "InfoNCE", "trained_with"),
    ("The Perceiver Resampler is part of Flamingo.", "Perceiver Resampler", "Flamingo", "part_of"),
    ("Whisper is evaluated on LibriSpeech.", "Whisper", "LibriSpeech", "evaluated_on"),
    ("BM25 vs TF-IDF: which ranks better?", "BM25", "TF-IDF", "compared_with"),
    ("Image ──► CLIP ──► LLaMA", "CLIP", "LLaMA", "feeds"),
    ("ASR -> LLM -> TTS", "LLM", "TTS", "feeds"),
    ("BM25 (a TF-IDF refinement) is a strong baseline.", "BM25", "TF-IDF", "variant_of"),
    ("Dense Retrieval is less robust than BM25 on rare names.", "BM25", "Dense Retrieval", "compared_with"),
    ("The difference between CLIP and SigLIP is the loss.", "CLIP", "SigLIP", "compared_with"),
    ("There is a close connection between ColBERT and Late Interaction.", "ColBERT", "Late Interaction", "related"),
]


@pytest.fixture
def sentence_graph(tmp_path: Path) -> tuple[ConceptGraph, Path]:
    body = "# Relations\n\n" + "\n\n".join(s for s, *_ in dict.fromkeys((s,) for s, *_ in SENTENCES)) + "\n"
    body += "\nFuyu has no ViT encoder.\n\nCLIP and ALIGN are both contrastive.\n"
    path = write_note(tmp_path / "notes", "relations.md", body)
    return build_graph(chunks_of(tmp_path / "notes")), path


def _edges(g: ConceptGraph) -> dict[tuple[str, str, str], object]:
    return {(g.concepts[r.source].name, g.concepts[r.target].name, r.relation): r for r in g.relations}


@pytest.mark.parametrize(("sentence", "source", "target", "relation"), SENTENCES)
def test_typed_relation_from_sentence(sentence_graph, sentence: str, source: str, target: str, relation: str) -> None:
    g, path = sentence_graph
    edge = _edges(g).get((source, target, relation))
    assert edge is not None, f"{source} {relation} {target} not read from {sentence!r}"
    line = path.read_text(encoding="utf-8").split("\n").index(sentence) + 1
    assert [(e.start_line, e.end_line) for e in edge.evidence] == [(line, line)]


def test_coordination_is_only_related(sentence_graph) -> None:
    g, _ = sentence_graph
    pairs = {(a, b): rel for (a, b, rel) in _edges(g)}
    assert pairs.get(("ALIGN", "CLIP")) == "related" or pairs.get(("CLIP", "ALIGN")) == "related"


def test_a_title_naming_two_concepts_relates_them(tmp_path: Path) -> None:
    note = (
        "# Early Fusion vs Late Fusion\n\nWhere the modalities meet.\n\n"
        "# ColBERT and SPLADE\n\nTwo retrievers.\n\n"
        "# Using CLIP with BM25 and FAISS\n\nA pipeline.\n\n"
        "# Installing CLIP with ViT\n\nSet-up.\n"
    )
    write_note(tmp_path / "n", "titles.md", note)
    edges = _edges(build_graph(chunks_of(tmp_path / "n")))
    assert [(e.start_line, e.end_line) for e in edges[("Early Fusion", "Late Fusion", "compared_with")].evidence] == [(1, 1)]
    assert ("ColBERT", "SPLADE", "related") in edges
    typed = {(a, b) for a, b, rel in edges if rel != "related"}
    assert not typed & {("BM25", "CLIP"), ("BM25", "FAISS"), ("CLIP", "FAISS")}  # three named: merely listed
    assert not typed & {("CLIP", "ViT")}


@pytest.mark.parametrize(
    ("title", "relation"),
    [("GCD and LCM", "related"), ("Subs/evalf", "related"), ("Comparing OLS and RLM", "compared_with"),
     ("## 3. OLS vs. RLM", "compared_with"), ("Installing OLS with RLM", None), ("OLS in RLM", None)],
)
def test_title_relations_read_only_titles_that_are_the_two_names(title: str, relation: str | None) -> None:
    names = [w for w in ("GCD", "LCM", "Subs", "evalf", "OLS", "RLM") if w in title]
    found = [Match(name.lower(), title.index(name), title.index(name) + len(name)) for name in names]
    assert [rel for *_, rel in title_relations(title, found)] == ([relation] if relation else [])


def test_other_than_and_a_size_against_a_bound_are_no_comparison(tmp_path: Path) -> None:
    body = "# Retrieval\n\nColBERT other than BM25 was tried; SPLADE other than FAISS.\n\nFAISS is larger than HNSW on disk.\n"
    write_note(tmp_path / "n", "other.md", body)
    edges = _edges(build_graph(chunks_of(tmp_path / "n")))
    assert not [k for k in edges if k[2] == "compared_with"]


def test_negated_mention_gives_no_edge(sentence_graph) -> None:
    g, _ = sentence_graph
    assert not {k for k in _edges(g) if {"Fuyu", "ViT"} <= {k[0], k[1]}}


def test_subject_of_a_question_reads_into_its_answer(tmp_path: Path) -> None:
    note = '### 4. What is "Perceiver Resampler"?\n**Answer:**\n*   Component in Flamingo.\n*   Used in Flamingo and in Idefics.\n'
    write_note(tmp_path / "n", "q.md", note)
    g = build_graph(chunks_of(tmp_path / "n"))
    edges = _edges(g)
    part_of = edges[("Perceiver Resampler", "Flamingo", "part_of")]
    assert [(e.start_line, e.end_line) for e in part_of.evidence] == [(1, 3)]  # question line through the answer line
    assert ("Flamingo", "Perceiver Resampler", "uses") in edges


def test_architecture_question_lists_parts(seed_graph: ConceptGraph) -> None:
    edges = _edges(seed_graph)
    for part in ("CLIP", "Projection Layer", "ViT"):
        assert ("LLaVA", part, "uses") in edges
    assert ("Word2Vec", "Transformer", "uses") not in edges  # "Shallow NN, not transformer."
    assert ("Perceiver Resampler", "Flamingo", "part_of") in edges
    assert ("SigLIP", "Softmax", "replaces") in edges
    assert ("BM25", "TF-IDF", "variant_of") in edges
