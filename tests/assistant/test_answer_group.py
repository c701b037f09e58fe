"""Which sentences of a long section are quoted with the best one (assistant/quoting.py)."""

from __future__ import annotations

from studygraph.assistant.quoting import Scored, quote, quote_group, read_on
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


def test_reading_on_adds_the_sentences_after_the_last_quoted_one_and_keeps_every_other() -> None:
    spans = scored({2: 0.70, 12: 0.67})
    plain = quote_group(spans[0], spans, 1, 700)
    assert plain is not None
    longer = read_on(plain, spans, 700)
    for kept in ("Sentence 2 ", "Sentence 3 ", "Sentence 12 "):  # the plain quote's sentences stay
        assert kept in plain.text and kept in longer.text
    assert "Sentence 13 " in longer.text and "Sentence 14 " in longer.text  # read on after the last quoted one...
    assert "Sentence 5 " not in longer.text  # ...not back into the gap the plain quote left out
    assert (longer.citation.start_line, longer.citation.end_line) == (2, 14) and len(longer.text) <= 700
    assert set(plain.spans) <= set(longer.spans)


def test_reading_on_stops_at_the_budget() -> None:
    spans = scored({2: 0.70})
    plain = quote_group(spans[0], spans, 1, 300)
    assert plain is not None
    longer = read_on(plain, spans, 300)
    assert len(plain.text) < len(longer.text) <= 300
    assert longer.text.startswith(plain.text.removesuffix(" [1]")) and longer.citation.end_line == 4
    assert read_on(plain, spans, len(plain.text)) == plain  # no room: unchanged


def test_an_answer_spends_its_spare_budget_on_the_first_quote_first() -> None:
    from studygraph.assistant.answering import _read_on

    spans = scored({2: 0.70})
    first = quote_group(spans[0], spans, 1, 200)
    assert first is not None
    quotes = [first]
    _read_on(quotes, spans, 450)
    assert len(first.text) < len(quotes[0].text) <= 450 and "Sentence 4 " in quotes[0].text
    assert quotes[0].citation.quote.startswith(first.citation.quote) and quotes[0].citation.end_line > first.citation.end_line


def test_a_weaker_second_source_waits_until_the_best_passage_has_read_on() -> None:
    from studygraph.assistant.answering import _quoted

    short = [f"Point {i} is brief." for i in range(1, 15)]
    chunk = Chunk("c2", "notes.md", "\n".join(short), 1, len(short), "Method")
    other = Chunk("c3", "other.md", "Another passage says a little about it.", 1, 1, "Other")
    spans = [Scored(Span(i, i, t, "sentence", "Method"), Hit(chunk, 1.0, 1), 0.70 if i == 2 else 0.1, 0.5, i)
             for i, t in enumerate(short, 1)]
    weaker = Scored(Span(1, 1, other.text, "sentence", "Other"), Hit(other, 0.9, 2), 0.55, 0.5, 1)
    ranked = sorted([*spans, weaker], key=lambda s: -s.score)
    parts, citations = _quoted(ranked, 0.70, 700)
    # Points 2-3 alone are a short answer, which a weaker source used to complete; reading on
    # in the best passage first makes it long enough without it.
    assert len(parts) == 1 and "Point 14 " in parts[0] and "Another passage" not in parts[0]
    assert (citations[0].start_line, citations[0].end_line) == (2, 14)
