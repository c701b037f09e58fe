"""One line-range type for every noun that cites note lines (studygraph.lines)."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given
from hypothesis import strategies as st

from studygraph.assistant.study.anki import citation
from studygraph.assistant.study.cards import Card
from studygraph.assistant.study.concepts import Definition, Link
from studygraph.assistant.types import Citation, Related
from studygraph.graph.model import Evidence, Suggestion
from studygraph.graph.units import Piece
from studygraph.ingest.chunking import split_note
from studygraph.ingest.note import Chunk, Note
from studygraph.ingest.spans import Span, split_spans
from studygraph.lines import LineRange

NOTE = "# Retrieval\n\nBM25 scores terms.\n\nDense retrieval embeds the query.\nIt compares vectors.\n"

# Fields in constructor order: the mixin must add none and move none.
FIELDS = {
    Chunk: ["id", "source", "text", "start_line", "end_line", "heading", "kind", "units"],
    Span: ["start_line", "end_line", "text", "kind", "question"],
    Evidence: ["chunk_id", "source", "start_line", "end_line", "quote"],
    Suggestion: ["concept", "type", "relation", "via", "chunk_id", "source", "start_line", "end_line"],
    Piece: ["start_line", "end_line", "text", "kind", "group"],
    Citation: ["n", "chunk_id", "source", "start_line", "end_line", "heading", "quote"],
    Related: ["concept", "type", "relation", "via", "source", "start_line", "end_line"],
    Card: ["id", "question", "answer", "kind", "source", "start_line", "end_line", "composed", "key_concepts",
           "note", "question_line", "topics"],
    Definition: ["concept", "quote", "source", "start_line", "end_line", "aliases"],
    Link: ["a", "b", "relation", "quote", "source", "start_line", "end_line"],
}


def chunks() -> list[Chunk]:
    note = Note(path="notes/retrieval.md", text=NOTE, sha256="0" * 64, size=len(NOTE), mtime=0.0)
    return split_note(note, 1, 40)


def test_every_citing_noun_is_a_line_range_with_its_own_fields() -> None:
    for cls, names in FIELDS.items():
        assert issubclass(cls, LineRange), cls.__name__
        assert [f.name for f in dataclasses.fields(cls)] == names, cls.__name__


def test_labels_of_real_chunks() -> None:
    assert [(c.label(), c.numbers()) for c in chunks()] == [("lines 1-3", "1-3"), ("line 5", "5"), ("line 6", "6")]


def test_spans_of_a_chunk_stand_within_its_lines() -> None:
    for chunk in chunks():
        spans = split_spans(chunk)
        assert spans and all(chunk.contains(s.start_line) and chunk.contains(s.end_line) for s in spans)
        assert all(s.overlaps(chunk) and chunk.overlaps(s) for s in spans)


def test_a_range_outside_the_note_is_refused_when_made() -> None:
    with pytest.raises(ValueError, match=r"Chunk lines must run 1 <= start_line <= end_line, got 0-2"):
        Chunk(id="c", source="a.md", text="x", start_line=0, end_line=2)
    with pytest.raises(ValueError, match=r"Evidence lines .* got 5-3"):
        Evidence("c", "a.md", 5, 3)
    with pytest.raises(ValueError, match="got 0-0"):
        Citation(1, "c", "a.md", 0, 0, "", "")


def test_own_cards_and_undefined_concepts_cite_no_lines() -> None:
    own = Card("id", "What is BM25?", "A ranking function.", "own", "", 0, 0)
    assert citation(own) == "your own card"
    assert Definition("BM25", "", "", 0, 0).start_line == 0
    with pytest.raises(ValueError, match="got 0-4"):
        Card("id", "What is BM25?", "A ranking function.", "qa", "a.md", 0, 4)


def test_card_citation_text_is_unchanged() -> None:
    card = Card("id", "What is BM25?", "A ranking function.", "qa", "notes/ml.md", 12, 14)
    assert citation(card, str) == "notes/ml.md, lines 12-14"
    assert citation(dataclasses.replace(card, end_line=12), str) == "notes/ml.md, line 12"


@given(st.integers(1, 30), st.integers(0, 10), st.integers(1, 30), st.integers(0, 10), st.integers(0, 45))
def test_overlaps_and_contains_agree_with_sets_of_lines(a: int, la: int, b: int, lb: int, line: int) -> None:
    first, second = Evidence("c", "a.md", a, a + la), Evidence("c", "a.md", b, b + lb)
    lines_a, lines_b = set(range(a, a + la + 1)), set(range(b, b + lb + 1))
    assert first.overlaps(second) == second.overlaps(first) == bool(lines_a & lines_b)
    assert first.contains(line) == (line in lines_a)
