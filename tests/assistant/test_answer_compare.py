"""Comparison questions answer both sides, each sentence cited, on the seed notes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from studygraph.assistant.compare import comparison_sides, without_cues
from studygraph.ingest.note import split_lines


@pytest.mark.parametrize(
    ("question", "sides"),
    [
        ("Compare CLIP and SigLIP", ["CLIP", "SigLIP"]),
        ("What is the difference between early and late fusion?", ["early fusion", "late fusion"]),
        ("How does BM25 differ from dense retrieval?", ["BM25", "dense retrieval"]),
        ("CLIP vs SigLIP: what changes?", ["CLIP", "SigLIP"]),
        ("Compare CLIP, SigLIP and DINOv2", ["CLIP", "SigLIP", "DINOv2"]),
        ("How is a tag different from a branch?", ["tag", "branch"]),
        ("Difference between a Symbol and a Dummy in SymPy?", ["Symbol", "Dummy"]),
    ],
)
def test_the_sides_of_a_comparison_are_read_from_its_wording(question: str, sides: list[str]) -> None:
    assert comparison_sides(question) == sides


@pytest.mark.parametrize(
    "question",
    ["What is CLIP?", "How does the loss differ?", "How do I compare two branches?",
     "Why use sigmoid instead of softmax in SigLIP?", "What are the pros and cons of late fusion?",
     "Compare CLIP and clip"],
)
def test_a_question_that_compares_nothing_has_no_sides(question: str) -> None:
    assert comparison_sides(question) == []


def test_the_words_asking_for_a_comparison_are_not_scored() -> None:
    assert without_cues("Compare CLIP and SigLIP") == "CLIP and SigLIP"
    assert without_cues("What is the difference between CLIP vs. SigLIP?") == "What is the between CLIP SigLIP?"


def cited_lines(citation) -> str:
    lines = split_lines(Path(citation.source).read_text(encoding="utf-8"))
    return "\n".join(lines[citation.start_line - 1 : citation.end_line])


def test_compare_quotes_each_side_and_their_contrast(seeded) -> None:
    answer = seeded.ask("Compare CLIP and SigLIP")
    assert answer.found and len(answer.text) <= seeded.settings.answer_max_chars
    # The quick-fire line that contrasts them, SigLIP's own answer, and a passage on CLIP alone.
    assert "Sigmoid replaces softmax" in answer.text
    assert "Sigmoid Loss for Language Image Pre-training" in answer.text
    quotes = [c.quote for c in answer.citations]
    assert any("CLIP" in q and "SigLIP" not in q for q in quotes), quotes
    assert any("SigLIP" in q and "CLIP" not in q.replace("SigLIP", "") for q in quotes), quotes


def test_every_sentence_of_a_comparison_is_cited_exactly(seeded) -> None:
    answer = seeded.ask("How does a dual encoder differ from a cross-encoder?")
    sentences = [s for s in re.split(r"(?<=\])\s+", answer.text) if s.strip()]
    assert sentences and all(re.search(r"\[\d+\]$", s) for s in sentences)
    assert {int(n) for n in re.findall(r"\[(\d+)\]", answer.text)} == {c.n for c in answer.citations}
    for citation in answer.citations:
        assert citation.quote in cited_lines(citation)
    text = answer.text.lower()
    assert "dual encoder" in text and "cross-encoder" in text


def test_a_side_the_notes_never_speak_of_is_named(seeded) -> None:
    answer = seeded.ask("What is the difference between early and late fusion?")
    assert answer.found
    assert "Modality-specific models produce outputs" in answer.text  # late fusion, the side the notes have
    assert answer.notice == "Your notes say nothing about early fusion."
