"""Which sentences of a long section are quoted with the best one (assistant/quoting.py)."""

from __future__ import annotations

from studygraph.assistant.quoting import Scored, quote
from studygraph.assistant.types import Hit
from studygraph.ingest.note import Chunk
from studygraph.ingest.spans import Span

LINES = [f"Sentence {i} says something long enough about the method to take room in an answer." for i in range(1, 15)]
CHUNK = Chunk("c1", "notes.md", "\n".join(LINES), 1, len(LINES), "Method")


def scored(scores: dict[int, float]) -> list[Scored]:
    hit = Hit(CHUNK, 1.0, 1)
    spans = [Span(i, i, text, "sentence", "Method") for i, text in enumerate(LINES, 1)]
    out = [Scored(span, hit, scores.get(span.start_line, 0.1), 0.5, span.start_line) for span in spans]
    return sorted(out, key=lambda s: -s.score)


def test_a_runner_up_far_from_the_best_sentence_is_quoted_with_it() -> None:
    spans = scored({2: 0.70, 12: 0.67})  # line 12 is ten lines below the best and nearly as good
    text, citation = quote(spans[0], spans, 1, 700)
    assert "Sentence 2 " in text and "Sentence 12 " in text
    assert text.index("Sentence 2 ") < text.index("Sentence 12 ")  # in the note's order
    assert (citation.start_line, citation.end_line) == (2, 12)


def test_a_weaker_far_sentence_is_not() -> None:
    spans = scored({2: 0.70, 12: 0.50})
    text, _ = quote(spans[0], spans, 1, 700)
    assert "Sentence 2 " in text and "Sentence 12 " not in text
