"""Quotable spans of a chunk: sentences, list items, table rows, questions and
their answers, each with the exact lines it sits on.

Answers quote spans, the graph cites them as evidence and study cards are made
of them, so this is the one place that knows how a passage divides into claims.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from studygraph.ingest.blocks import FENCE, LIST_ITEM, TABLE_ROW, indent_of, indented_below, parse
from studygraph.ingest.markup import plain
from studygraph.ingest.note import Chunk, split_lines

SENTENCE = re.compile(r"\S.*?(?:[.!?](?=[\"')\]]*(?:\s|$))[\"')\]]*|$)", re.DOTALL)
QA_LINE = re.compile(r"^\s*(?:\d{1,4}[.)]\s+)?(?P<q>[^?\n]{2,300}\?)\s*(?P<a>\S.*)$")
INLINE_ITEMS = re.compile(r"(?<=\S)\s+(?=\d{1,3}\.\s+[A-Z][^?]{1,120}\?)")
BULLET = re.compile(r"^\s*(?:[-*+•]|\d{1,4}[.)])\s+")
LABEL = re.compile(r"^\s*\**\s*(answer|key points|components|summary)\s*\**\s*:?\s*\**\s*:?\s*$", re.IGNORECASE)
QUESTION_LABEL = re.compile(r"^\s*\*\*question\*\*\s*:\s*(?P<q>.+)$", re.IGNORECASE)
TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{2,}")
# reStructuredText markup lines (directives, comments, targets) are not claims.
RST_MARKUP = re.compile(r"^\s*\.\.(?:\s|$)|^\s*:\w[\w-]*:(?:\s|$)")
# Directives whose indented body is not prose: index entries, tables of contents,
# grammar, raw output. Their lines are neither claims nor code to quote.
NOT_PROSE = re.compile(r"^\s*\.\.\s+(?:index|toctree|productionlist|raw|highlight|csv-table|image|include)::")
DOCTEST = re.compile(r"^\s*(?:>>>|\.\.\.)(?:\s|$)")
# A definition-list term (reStructuredText's glossary entries, option lists): a
# short line without closing punctuation, its definition indented right below it.
TERM = re.compile(r"^\s*[^\s.!?:;,][^\n]{0,118}[^.!?:;,(\[{\\\s]\s*$")
# ...but not a line of an indented code block ("if pid == 0:  # child", "f(").
CODE_LIKE = re.compile(r"[=#{};]|^\s*(?:if|elif|else|for|while|def|class|with|try|except|return)\b")
ABBREVIATION = re.compile(r"(?:\b(?:e\.g|i\.e|etc|vs|cf|approx|incl|resp|Dr|Mr|Mrs|Ms|Fig|No)|\b[A-Z])\.$")


@dataclass(frozen=True)
class Span:
    """A quotable piece. `text` is an exact substring of lines start..end."""

    start_line: int
    end_line: int
    text: str
    kind: str  # heading | question | prompt | answer | item | sentence | row | code
    question: str = ""  # the question this span answers, when the notes say so


def _sentences(text: str) -> list[tuple[int, str]]:
    """(offset, sentence) pairs; sentences keep their exact characters.

    A break after an abbreviation ("e.g.", "i.e.", an initial) is not a sentence end.
    """
    out: list[tuple[int, str]] = []
    for m in SENTENCE.finditer(text):
        if not m.group(0).strip():
            continue
        if out and ABBREVIATION.search(out[-1][1]):
            start = out[-1][0]
            out[-1] = (start, text[start : m.start() + len(m.group(0).rstrip())])
            continue
        out.append((m.start(), m.group(0).rstrip()))
    return out


def _line_of(offsets: list[int], pos: int) -> int:
    line = 0
    while line + 1 < len(offsets) and offsets[line + 1] <= pos:
        line += 1
    return line


def split_spans(chunk: Chunk) -> list[Span]:
    """Divide a chunk into spans with exact line numbers."""
    lines = split_lines(chunk.text)
    spans: list[Span] = []
    question = ""
    heading_title = chunk.heading.rsplit(" > ", 1)[-1] if chunk.heading else ""
    question = heading_title
    headings, _ = parse(lines)
    heading_at = {h.line: h for h in headings}
    underlines = {i for h in headings for i in range(h.line + 1, h.end + 1)}
    in_code = False
    in_doctest = False
    paragraph: list[int] = []
    term_indent = -1  # indentation of the definition-list term in force, -1 when none
    skip_indent = -1  # indentation of a NOT_PROSE directive whose body is being skipped
    outer = question  # what a definition's sentences answer once the definition ends

    def emit_paragraph() -> None:
        nonlocal paragraph
        if not paragraph:
            return
        first = paragraph[0]
        block = "\n".join(lines[first : paragraph[-1] + 1])
        offsets = [0]
        for line in lines[first : paragraph[-1]]:
            offsets.append(offsets[-1] + len(line) + 1)
        for pos, sentence in _sentences(block):
            a = _line_of(offsets, pos)
            b = _line_of(offsets, pos + len(sentence) - 1)
            spans.append(Span(chunk.start_line + first + a, chunk.start_line + first + b, sentence, "sentence", question))
        paragraph = []

    for idx, line in enumerate(lines):
        number = chunk.start_line + idx if chunk.start_line != chunk.end_line else chunk.start_line
        stripped = line.strip()
        if FENCE.match(line):
            emit_paragraph()
            in_code = not in_code
            continue
        if in_code or DOCTEST.match(line) or (in_doctest and stripped):
            # A doctest's output lines, up to the next blank line, belong to the example.
            emit_paragraph()
            in_doctest = in_doctest or bool(DOCTEST.match(line))
            if stripped:
                spans.append(Span(number, number, stripped, "code", question))
            continue
        in_doctest = False
        if skip_indent >= 0 and (not stripped or indent_of(line) > skip_indent):
            continue
        skip_indent = -1
        if RST_MARKUP.match(line):
            emit_paragraph()
            if NOT_PROSE.match(line):
                skip_indent = indent_of(line)
            continue
        if not stripped or LABEL.match(stripped) or set(stripped) <= set("-=*_~#^ "):
            emit_paragraph()
            continue
        if idx in underlines:
            continue
        if term_indent >= 0 and indent_of(line) <= term_indent:
            emit_paragraph()
            term_indent, question = -1, outer
        if idx in heading_at and not in_code:
            emit_paragraph()
            title = heading_at[idx].title
            question = outer = title
            term_indent = -1
            spans.append(Span(number, number, title, "question" if title.endswith("?") else "heading", question))
            continue
        label = QUESTION_LABEL.match(line)
        if label:
            emit_paragraph()
            question = label.group("q").strip()
            spans.append(Span(number, number, question, "prompt", question))
            continue
        if TABLE_ROW.match(line):
            emit_paragraph()
            if not TABLE_RULE.match(stripped):
                spans.append(Span(number, number, stripped, "row", question))
            continue
        if LIST_ITEM.match(line) or INLINE_ITEMS.search(line):
            emit_paragraph()
            spans += _item_spans(line, number, question)
            continue
        if not paragraph and _is_term(lines, idx):
            outer = question if term_indent < 0 else outer
            term_indent, question = indent_of(line), stripped
            spans.append(Span(number, number, stripped, "heading", question))
            continue
        paragraph.append(idx)
    emit_paragraph()
    return spans


def _is_term(lines: list[str], idx: int) -> bool:
    """A definition-list term: a short line, not code, its definition indented below."""
    term = lines[idx]
    return bool(TERM.match(term)) and not CODE_LIKE.search(term) and indented_below(lines, idx)


def _item_spans(line: str, number: int, question: str) -> list[Span]:
    """A list item, or a numbered `Question? Answer.` line (possibly several on one line)."""
    out: list[Span] = []
    for item in INLINE_ITEMS.split(line.strip()):
        body = BULLET.sub("", item, count=1).strip()
        if not body:
            continue
        qa = QA_LINE.match(body)
        if qa and len(qa.group("a")) > 1:
            q = qa.group("q").strip()
            out.append(Span(number, number, q, "question", q))
            answer = qa.group("a").strip().lstrip(". ").strip()
            if answer:
                out.append(Span(number, number, answer, "answer", q))
            continue
        out.append(Span(number, number, body, "item", question))
    return out


INDEXED_KINDS = {"heading", "question", "prompt", "answer", "item", "sentence", "row", "code"}


def indexed_spans(chunk: Chunk) -> list[Span]:
    """The spans that get their own vector, in a fixed order (the index relies on it).

    A chunk with no quotable span is represented by one span of its whole text.
    """
    spans = [s for s in split_spans(chunk) if s.kind in INDEXED_KINDS and any(ch.isalnum() for ch in s.text)]
    return spans or [Span(chunk.start_line, chunk.end_line, chunk.text, "sentence", chunk.heading)]


def span_embedding_text(span: Span) -> str:
    """What the model reads of a span: answers with the question they answer (a
    question bank's answer line alone rarely names its subject), inline markup
    reduced to the words it shows."""
    if span.question and span.kind in ("answer", "item", "sentence", "row", "code") and span.question not in span.text:
        return plain(f"{span.question}: {span.text}")
    return plain(span.text)
