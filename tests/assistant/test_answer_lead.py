"""How a quoted group reads (assistant/quoting.py): the passage's heading is the source's
title, so the answer does not open by repeating it; one [n] closes the group."""

from __future__ import annotations

from studygraph.assistant.quoting import Scored, quote
from studygraph.assistant.types import Hit
from studygraph.ingest.note import Chunk
from studygraph.ingest.spans import Span

HEADING = "1. How does CLIP achieve Zero-Shot classification?"
ANSWERS = ["It doesn't predict a class ID.", "It predicts the similarity between the image and a caption.",
           "It picks the label with the highest similarity."]


def group(chunk: Chunk, spans: list[Span]) -> list[Scored]:
    hit = Hit(chunk, 1.0, 1)
    return [Scored(span, hit, 0.8 - 0.01 * i, 0.8, i) for i, span in enumerate(spans)]


def test_an_answer_under_its_question_heading_does_not_repeat_the_heading() -> None:
    chunk = Chunk("c1", "day37.md", "\n".join([f"## {HEADING}", *ANSWERS]), 1, 4, f"Day 37 > {HEADING}")
    spans = [Span(i, i, text, "answer", HEADING) for i, text in enumerate(ANSWERS, 2)]
    scored = group(chunk, spans)
    text, citation = quote(scored[0], scored, 1, 700)
    assert text == " ".join(ANSWERS) + " [1]"  # no "How does CLIP ...:" lead, one marker for the group
    assert citation.quote.endswith(ANSWERS[-1]) and (citation.start_line, citation.end_line) == (1, 4)


def test_an_inline_question_the_title_does_not_show_still_names_the_subject() -> None:
    line = "BERT's MLM masking ratio? 15% of tokens masked. Of those: 80% [MASK]."
    chunk = Chunk("c2", "grill.md", line, 7, 7, "C. Contextual embeddings")
    spans = [Span(7, 7, "15% of tokens masked. Of those: 80% [MASK].", "answer", "BERT's MLM masking ratio?")]
    scored = group(chunk, spans)
    text, citation = quote(scored[0], scored, 2, 700)
    assert text == "BERT's MLM masking ratio: 15% of tokens masked. Of those: 80% [MASK]. [2]"
    assert citation.quote in line
