"""Quotable spans of a chunk: sentences, list items, table rows, questions and
their answers, each with the exact lines it sits on.

Answers quote spans, the graph cites them as evidence and study cards are made
of them, so this is the one place that knows how a passage divides into claims.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from studygraph.ingest.blocks import FENCE, LIST_ITEM, TABLE_ROW, front_matter_end, indent_of, indented_below, parse
from studygraph.ingest.formats import CODE_INDENT, CODE_INDENTED
from studygraph.ingest.markup import plain
from studygraph.ingest.note import Chunk, split_lines
from studygraph.lines import LineRange

# Four sentence splitters, kept apart on purpose: what each one cuts is stored or
# compared, so changing one re-ids chunks, changes the graph or re-judges answers.
# - SENTENCE here (with _sentences' abbreviation rejoin): a note's paragraph into
#   sentence spans, quoted, cited by line and embedded one vector each; also used
#   as is by assistant/study/grading.py and keyterms.py.
# - ingest/chunking.py SENTENCE_END: only where to cut one line longer than a chunk.
#   The cut keeps the whitespace so the pieces rejoin exactly; a chunk's id hashes
#   its text, so a moved cut re-embeds it. No abbreviation care: any cut will do.
# - graph/units.py SENTENCE_END: re-splits what stays whole here (a list item, an
#   answer: "BERT: bidirectional. GPT: causal.") into the pieces graph/extract.py
#   reads for co-occurrence and definitions; it cuts only where a lower-case word
#   ends and a capital starts, never after an initial or e.g./i.e./vs./etc./al.
# - assistant/llm/claims.py SENTENCE: a model's reply, line by line, into claims to
#   verify; "[n]" markers after the full stop stay with their sentence, and it does
#   not end before a lower-case word.
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
# AsciiDoc markup lines (conditionals, includes, block attributes such as "[verse]", a lone "+"
# joining blocks): no claim, and an answer quoting "endif::git-pull[]" quotes markup.
ASCIIDOC_MARKUP = re.compile(r"^\s*(?:(?:ifdef|ifndef|ifeval|endif|include)::\S*\[[^\]]*\]|\[[A-Za-z][\w ,=\"'.#-]*\]|\+)\s*$")
# A definition-list term (reStructuredText's glossary entries, option lists): a
# short line without closing punctuation, its definition indented right below it.
TERM = re.compile(r"^\s*[^\s.!?:;,][^\n]{0,118}[^.!?:;,(\[{\\\s]\s*$")
# A line of nothing but #tags (Obsidian, Logseq): filed under them, it claims nothing.
TAG_LINE = re.compile(r"^\s*(?:#(?:\[\[[^\]\n]+\]\]|[^\W\d][\w/-]*)[\s,]*)+$")
# An AsciiDoc labelled-list term ("-d::", "--force::"), possibly stacked over its definition.
ASCIIDOC_TERM = re.compile(r"^\s*(?P<term>[^\s:][^\n]{0,118}?):{2,4}\s*$")
# ...but not a line of an indented code block ("if pid == 0:  # child", "f(").
CODE_LIKE = re.compile(r"[=#{};]|^\s*(?:if|elif|else|for|while|def|class|with|try|except|return)\b")
ABBREVIATION = re.compile(r"(?:\b(?:e\.g|i\.e|etc|vs|cf|approx|incl|resp|Dr|Mr|Mrs|Ms|Fig|No)|\b[A-Z])\.$")


@dataclass(frozen=True)
class Span(LineRange):
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
    return _SpanReader(chunk).read()


class _SpanReader:
    """One pass over a chunk's lines, each line read by the first step that takes it.

    What carries from line to line: whether we are inside fenced code, a doctest
    or a skipped directive body; the paragraph being gathered; and the question
    (heading, prompt or definition-list term) that its sentences answer.
    """

    def __init__(self, chunk: Chunk) -> None:
        self.chunk = chunk
        self.lines = split_lines(chunk.text)
        headings, _ = parse(self.lines)
        self.heading_at = {h.line: h for h in headings}
        self.underlines = {i for h in headings for i in range(h.line + 1, h.end + 1)}
        self.spans: list[Span] = []
        self.question = chunk.heading.rsplit(" > ", 1)[-1] if chunk.heading else ""
        self.outer = self.question  # what a definition's sentences answer once the definition ends
        self.in_code = False
        self.in_doctest = False
        self.indented_code = chunk.source.lower().endswith(CODE_INDENTED)  # a PDF's code lines come indented
        self.paragraph: list[int] = []
        self.term_indent = -1  # indentation of the definition-list term in force, -1 when none
        self.skip_indent = -1  # indentation of a NOT_PROSE directive whose body is being skipped
        self.item: tuple[int, int, int] | None = None  # (span index, bullet indent, text column) of an open item
        self.last_term, self.last_term_name = -2, ""  # line index and name of the latest definition-list term
        # YAML front matter (aliases, tags) is data about the note, not a sentence of it.
        self.front_matter_end = front_matter_end(self.lines) if chunk.start_line == 1 else -1

    def read(self) -> list[Span]:
        for idx, line in enumerate(self.lines):
            self._read_line(idx, line)
        self._emit_paragraph()
        return self.spans

    def _read_line(self, idx: int, line: str) -> None:
        # The order matters: code and skipped bodies first (nothing in them is
        # markup), then what ends a paragraph, then what opens a new question.
        if idx <= self.front_matter_end:
            return
        if self._read_code(idx, line) or self._skip_markup(line) or self._read_break(idx, line):
            self.item = None
            return
        if self._continue_item(idx, line):
            return
        self.item = None
        self._end_definition(line)
        if not (
            self._read_heading(idx)
            or self._read_prompt(idx, line)
            or self._read_row(idx, line)
            or self._read_items(idx, line)
            or self._read_term(idx, line)
        ):
            self.paragraph.append(idx)

    def _number(self, idx: int) -> int:
        """Note line number of line idx (a chunk sliced from one long line is all on that line)."""
        chunk = self.chunk
        return chunk.start_line + idx if chunk.start_line != chunk.end_line else chunk.start_line

    def _add(self, idx: int, text: str, kind: str) -> None:
        number = self._number(idx)
        self.spans.append(Span(number, number, text, kind, self.question))

    def _read_code(self, idx: int, line: str) -> bool:
        """Fence lines toggle code; fenced code, doctest examples and their output are code spans, one per line.
        A heading's underline of backticks (reStructuredText allows it) is no fence."""
        if FENCE.match(line) and idx not in self.underlines:
            self._emit_paragraph()
            self.in_code = not self.in_code
            return True
        doctest = bool(DOCTEST.match(line))
        if self.indented_code and line.startswith(CODE_INDENT) and line.strip():
            self._emit_paragraph()
            self._add(idx, line.strip(), "code")
            return True
        if not (self.in_code or doctest or (self.in_doctest and line.strip())):
            self.in_doctest = False
            return False
        # A doctest's output lines, up to the next blank line, belong to the example.
        self._emit_paragraph()
        self.in_doctest = self.in_doctest or doctest
        if line.strip():
            self._add(idx, line.strip(), "code")
        return True

    def _skip_markup(self, line: str) -> bool:
        """reStructuredText markup lines, and the whole body of a NOT_PROSE directive, are no span."""
        if self.skip_indent >= 0 and (not line.strip() or indent_of(line) > self.skip_indent):
            return True
        self.skip_indent = -1
        if not (RST_MARKUP.match(line) or ASCIIDOC_MARKUP.match(line) or TAG_LINE.match(line)):
            return False
        self._emit_paragraph()
        if NOT_PROSE.match(line):
            self.skip_indent = indent_of(line)
        return True

    def _read_break(self, idx: int, line: str) -> bool:
        """A blank line, a bare label ("**Answer:**") or a rule ends the paragraph;
        a heading's underline is skipped (the heading span has its title)."""
        stripped = line.strip()
        if not stripped or LABEL.match(stripped) or set(stripped) <= set("-=*_~#^ "):
            self._emit_paragraph()
            return True
        return idx in self.underlines

    def _end_definition(self, line: str) -> None:
        """A line no deeper than the definition-list term ends its definition:
        what follows answers the question outside the definition list again."""
        if self.term_indent >= 0 and indent_of(line) <= self.term_indent:
            self._emit_paragraph()
            self.term_indent, self.question = -1, self.outer

    def _read_heading(self, idx: int) -> bool:
        if idx not in self.heading_at:
            return False
        self._emit_paragraph()
        title = self.heading_at[idx].title
        self.question = self.outer = title
        self.term_indent = -1
        self._add(idx, title, "question" if title.endswith("?") else "heading")
        return True

    def _read_prompt(self, idx: int, line: str) -> bool:
        """`**Question**: ...`: a question that the following lines answer."""
        label = QUESTION_LABEL.match(line)
        if not label:
            return False
        self._emit_paragraph()
        self.question = label.group("q").strip()
        self._add(idx, self.question, "prompt")
        return True

    def _read_row(self, idx: int, line: str) -> bool:
        """A table row is a span of its own; the |---| rule under a header is not."""
        if not TABLE_ROW.match(line):
            return False
        self._emit_paragraph()
        if not TABLE_RULE.match(line.strip()):
            self._add(idx, line.strip(), "row")
        return True

    def _read_items(self, idx: int, line: str) -> bool:
        if not (LIST_ITEM.match(line) or INLINE_ITEMS.search(line)):
            return False
        self._emit_paragraph()
        found = _item_spans(line, self._number(idx), self.question)
        self.spans += found
        bullet = LIST_ITEM.match(line)
        if bullet and found and found[-1].kind in ("item", "answer"):
            text_column = len(line) - len(BULLET.sub("", line, count=1))
            self.item = (len(self.spans) - 1, indent_of(line), text_column)
        return True

    def _continue_item(self, idx: int, line: str) -> bool:
        """A list item's hanging-indented continuation lines belong to its span
        ("- a mail with the relevant information is" / "  sent to <distros@...>"):
        cut there, the item would be quoted as a fragment and its end as a sentence
        of its own. Lines indented past the item's text column are a nested block."""
        if self.item is None or LIST_ITEM.match(line) or TABLE_ROW.match(line) or idx in self.heading_at:
            return False
        at, bullet_indent, text_column = self.item
        if not bullet_indent < indent_of(line) <= text_column + 1:
            return False
        span = self.spans[at]
        number = self._number(idx)
        self.spans[at] = Span(span.start_line, number, f"{span.text}\n{line.rstrip()}", span.kind, span.question)
        return True

    def _read_term(self, idx: int, line: str) -> bool:
        """A definition-list term (only at a paragraph's start): its definition
        answers the term, and the question outside it is kept for afterwards."""
        if self.paragraph or not _is_term(self.lines, idx):
            return False
        labelled = ASCIIDOC_TERM.match(line)
        name = labelled.group("term").strip() if labelled else line.strip()
        stacked = self.last_term == idx - 1  # "-f::" over "--force::": one term, two spellings
        self.outer = self.question if self.term_indent < 0 else self.outer
        self.question = f"{self.last_term_name}, {name}" if stacked else name
        self.term_indent, self.last_term, self.last_term_name = indent_of(line), idx, self.question
        self._add(idx, name, "heading")
        return True

    def _emit_paragraph(self) -> None:
        """Turn the gathered paragraph lines into sentence spans, each on its exact lines."""
        if not self.paragraph:
            return
        first, last = self.paragraph[0], self.paragraph[-1]
        block = "\n".join(self.lines[first : last + 1])
        offsets = [0]
        for line in self.lines[first:last]:
            offsets.append(offsets[-1] + len(line) + 1)
        base = self.chunk.start_line + first
        for pos, sentence in _sentences(block):
            a = _line_of(offsets, pos)
            b = _line_of(offsets, pos + len(sentence) - 1)
            self.spans.append(Span(base + a, base + b, sentence, "sentence", self.question))
        self.paragraph = []


def _is_term(lines: list[str], idx: int) -> bool:
    """A definition-list term: a short line, not code, its definition indented below
    (an AsciiDoc "term::" may stand over another, the last one over the definition)."""
    term = lines[idx]
    if ASCIIDOC_TERM.match(term):
        j = idx
        while j + 1 < len(lines) and ASCIIDOC_TERM.match(lines[j + 1]) and indent_of(lines[j + 1]) == indent_of(term):
            j += 1
        return indented_below(lines, j)
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
