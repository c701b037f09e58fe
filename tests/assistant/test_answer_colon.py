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


LIST = """\
The data are already seasonally adjusted, so no seasonal component is needed in the model at all.
There are no obvious explanatory variables either, and the generic model has a trend and a cycle.
The irregular will be assumed to be white noise, and the cycle will be stochastic and damped.
Both the cycle and the trend are estimated by maximum likelihood with the Kalman filter here.
The variances of the components are the parameters, and they are kept positive during the fit.
Harvey and Jaeger consider two models:

1. Local linear trend (the "unrestricted" model)
2. Smooth trend (the "restricted" model)

Below, we construct the keyword dictionaries for each of these model types. Notice that there are two ways.
"""


def quoted_from(note: str, best: int) -> str:
    """The quote built around the note's span number `best`, which scores highest."""
    chunk = Chunk("c1", "notes.md", note, 1, note.count("\n"), "Model")
    hit = Hit(chunk, 1.0, 1)
    spans = [Scored(span, hit, 0.3, 0.3, order) for order, span in enumerate(indexed_spans(chunk))
             if span.kind in QUOTABLE and quotable(span.text)]
    top = spans[best]
    spans[best] = Scored(top.span, hit, 0.9, 0.9, top.order)
    text, _ = quote(spans[best], spans, 1, 700)
    return text


def test_a_lead_in_brings_the_whole_list_it_introduces() -> None:
    spans = [s.text for s in indexed_spans(Chunk("c1", "notes.md", LIST, 1, 11, "Model")) if s.kind != "heading"]
    text = quoted_from(LIST, spans.index("Harvey and Jaeger consider two models:"))
    assert 'consider two models: Local linear trend (the "unrestricted" model). Smooth trend' in text


def test_a_list_item_brings_its_lead_in_and_its_siblings() -> None:
    spans = [s.text for s in indexed_spans(Chunk("c1", "notes.md", LIST, 1, 11, "Model")) if s.kind != "heading"]
    text = quoted_from(LIST, spans.index('Smooth trend (the "restricted" model)'))
    assert 'Harvey and Jaeger consider two models: Local linear trend (the "unrestricted" model). Smooth trend' in text
    assert "seasonally adjusted" not in text  # the section does not fit: the list is quoted, not its opening
