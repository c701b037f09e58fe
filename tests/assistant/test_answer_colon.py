"""No quoted sentence ends in a colon that introduces nothing quoted (assistant/quoting.py):
the code after a lead-in is never quoted, so the lead-in goes or closes with a period."""

from __future__ import annotations

from studygraph.assistant.quoting import QUOTABLE, Scored, quotable, quote
from studygraph.assistant.types import Hit
from studygraph.ingest.note import Chunk
from studygraph.ingest.spans import indexed_spans

NOTE = """\
For univariate polynomials over a field the returned polynomial is monic:

    >>> gcd(f, g)
    x + 1

It is used as follows:

    >>> lambdify(x, expr)

Patterns follow the gitignore rules, with a few exceptions:

- negative patterns are forbidden
- patterns that match a directory do not match the paths inside it
"""


def quoted(note: str) -> str:
    chunk = Chunk("c1", "notes.md", note, 1, note.count("\n"), "Polynomials")
    hit = Hit(chunk, 1.0, 1)
    spans = [
        Scored(span, hit, 0.5 - 0.01 * order, 0.5, order)
        for order, span in enumerate(indexed_spans(chunk))
        if span.kind in QUOTABLE and quotable(span.text)
    ]
    text, _ = quote(spans[0], spans, 1, 700)
    return text


def test_a_statement_before_left_out_code_closes_with_a_period() -> None:
    assert "the returned polynomial is monic. " in quoted(NOTE)


def test_a_lead_in_that_only_points_at_left_out_code_is_not_quoted() -> None:
    assert "follows" not in quoted(NOTE)


def test_a_lead_in_quoted_with_what_it_introduces_keeps_its_colon() -> None:
    assert "with a few exceptions: negative patterns are forbidden." in quoted(NOTE)


def test_no_sentence_ends_in_a_colon_and_a_period() -> None:
    text = quoted(NOTE)
    assert ":." not in text and not text.rstrip(" [1]").endswith(":")
