""""How many X?" is answered around the span whose number counts X, not one holding a version number."""

from __future__ import annotations

from studygraph.assistant.answering import _number_first
from studygraph.assistant.quoting import Scored
from studygraph.assistant.types import Hit
from studygraph.ingest.note import Chunk
from studygraph.ingest.spans import Span

LINES = ["Native (Gemini 1.5+, GPT-4o): trained from scratch on several modalities.",
         "Bolted-on (LLaVA): a vision adapter on top of a pre-trained LLM.",
         "256 visual tokens"]


def scored(scores: list[float]) -> list[Scored]:
    chunk = Chunk(id="c", source="/notes/vlm.md", text="\n".join(LINES), start_line=1, end_line=3)
    hit = Hit(chunk, 1.0, 1)
    spans = [Span(i + 1, i + 1, line, "sentence") for i, line in enumerate(LINES)]
    return sorted((Scored(s, hit, score, score, i) for i, (s, score) in enumerate(zip(spans, scores))), key=lambda s: -s.score)


def test_the_number_that_counts_what_was_asked_leads() -> None:
    first = _number_first("How many visual tokens does LLaVA pass to the LLM?", scored([0.52, 0.50, 0.43]))
    assert first[0].span.text == "256 visual tokens" and len(first) == 3


def test_a_version_number_still_leads_when_nothing_counts_the_asked_thing() -> None:
    ranked = scored([0.52, 0.50, 0.20])  # the counting span far below the best
    assert _number_first("How many visual tokens does LLaVA pass to the LLM?", ranked)[0].span.text.startswith("Native")
    assert _number_first("How much data was it trained on?", scored([0.52, 0.50, 0.43]))[0].span.text.startswith("Native")
