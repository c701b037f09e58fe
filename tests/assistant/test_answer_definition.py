""""What is X?" is answered around the sentence that defines X when one scores close to the best."""

from __future__ import annotations

from studygraph.assistant.answering import _definition_first
from studygraph.assistant.quoting import Scored
from studygraph.assistant.types import Hit
from studygraph.ingest.note import Chunk
from studygraph.ingest.spans import Span

TEXT = ("ConditionSet gives us the ability to represent unevaluated equations.\n"
        "ConditionSet is basically a Set of elements which satisfy a given condition.")


def scored(scores: list[float]) -> list[Scored]:
    chunk = Chunk(id="c", source="/notes/sets.rst", text=TEXT, start_line=1, end_line=2)
    hit = Hit(chunk, 1.0, 1)
    lines = TEXT.split("\n")
    spans = [Span(i + 1, i + 1, line, "sentence") for i, line in enumerate(lines)]
    return sorted((Scored(s, hit, score, score, i) for i, (s, score) in enumerate(zip(spans, scores))), key=lambda s: -s.score)


def test_the_defining_sentence_leads_when_it_scores_close_to_the_best() -> None:
    ranked = scored([0.70, 0.62])
    assert ranked[0].span.text.startswith("ConditionSet gives")
    first = _definition_first("What is a ConditionSet?", ranked)
    assert first[0].span.text.startswith("ConditionSet is basically") and len(first) == 2


def test_it_does_not_lead_when_far_below_the_best_or_the_question_asks_something_else() -> None:
    assert _definition_first("What is a ConditionSet?", scored([0.90, 0.40]))[0].span.text.startswith("ConditionSet gives")
    assert _definition_first("How do I use a ConditionSet?", scored([0.70, 0.62]))[0].span.text.startswith("ConditionSet gives")
