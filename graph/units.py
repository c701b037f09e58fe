"""Pieces of a chunk that co-occurrence and patterns read: sentences, list
items, table rows and code lines, each with its exact lines, grouped under the
question or heading they answer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from studygraph.graph.discover import _defined_in_title, _heading_name, _title
from studygraph.ingest.note import Chunk
from studygraph.ingest.spans import Span, split_spans
from studygraph.lines import LineRange

HARD_BREAK = re.compile(r"(?<=  )\n|\n(?=\s*(?:\*\*|>))")
# One of four sentence splitters, kept apart on purpose: see ingest/spans.py at SENTENCE.
# A sentence end inside one span: "Encoder-only (BERT): bidirectional. Decoder-only (GPT): causal."
SENTENCE_END = re.compile(r"(?<=[a-z0-9)\]\"”'][.!?])(?<!e\.g\.)(?<!i\.e\.)(?<!vs\.)(?<!etc\.)(?<!al\.)\s+(?=[A-Z(\"“*])")
SPLIT_KINDS = frozenset({"answer", "item", "sentence"})


@dataclass(frozen=True)
class Piece(LineRange):
    start_line: int
    end_line: int
    text: str
    kind: str  # heading | question | answer | item | sentence | row | code
    group: int  # index of the question/heading piece it answers, -1 when none


@dataclass(frozen=True)
class Group:
    """A question or heading and what it is about."""

    index: int  # piece index of the question/heading
    kind: str  # "question" | "heading"
    term: str  # the term a "What is X?" question defines, else ""
    lead: str  # the name a heading opens with ("4.2 Flamingo (DeepMind)" -> "Flamingo")
    text: str


def _sentences(start: int, end: int, text: str, kind: str) -> list[tuple[int, int, str]]:
    if kind not in SPLIT_KINDS or not SENTENCE_END.search(text):
        return [(start, end, text)]
    out: list[tuple[int, int, str]] = []
    pos = 0
    line = start
    for m in [*SENTENCE_END.finditer(text), None]:
        stop = m.start() if m else len(text)
        part = text[pos:stop]
        if part.strip():
            out.append((line, line + part.count("\n"), part))
        if m:
            line += text.count("\n", pos, m.end())
            pos = m.end()
    return out


def _split(span: Span) -> list[tuple[int, int, str]]:
    """A span cut into sentences, at markdown hard breaks and at lines that open with a bold label."""
    return [piece for part in _lines(span) for piece in _sentences(*part, span.kind)]


def _lines(span: Span) -> list[tuple[int, int, str]]:
    if "\n" not in span.text:
        return [(span.start_line, span.end_line, span.text)]
    out: list[tuple[int, int, str]] = []
    line = span.start_line
    pos = 0
    for m in HARD_BREAK.finditer(span.text):
        part = span.text[pos : m.start()]
        if part.strip():
            out.append((line, line + part.count("\n"), part))
        line += part.count("\n") + 1
        pos = m.end()
    part = span.text[pos:]
    if part.strip():
        out.append((line, line + part.count("\n"), part))
    return out


def pieces(chunk: Chunk, spans: list[Span] | None = None) -> tuple[list[Piece], list[Group]]:
    """Pieces of a chunk in order, and the question/heading groups they fall under."""
    out: list[Piece] = []
    groups: list[Group] = []
    current = -1
    current_question = ""
    for span in spans if spans is not None else split_spans(chunk):
        if span.kind in ("question", "heading"):
            title = _title(span.text)
            defined = _defined_in_title(title)
            current = len(out)
            current_question = span.question
            groups.append(Group(current, span.kind, defined[0] if defined else "", _heading_name(title), span.text))
            out.append(Piece(span.start_line, span.end_line, span.text, span.kind, -1))
            continue
        group = current if current >= 0 and span.question == current_question else -1
        for start, end, text in _split(span):
            out.append(Piece(start, end, text, span.kind, group))
    return out, groups
