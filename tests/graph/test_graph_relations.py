"""Typed relations come from what sentences say; everything else is `related`."""

from __future__ import annotations

from pathlib import Path

import pytest
from graph_helpers import chunks_of, write_note

from studygraph.graph import ConceptGraph, build_graph

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
