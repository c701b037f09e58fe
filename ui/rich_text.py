"""Note text as Streamlit markdown that shows math and marks quotes, and can do nothing else.

Everything from a note is backslash-escaped (`components.md`), so its markdown, HTML,
links and images show as the characters they are. Two things are let through:

- math between `$...$` or `$$...$$` on one line, which Streamlit's markdown renders
  with the KaTeX bundled in its frontend (nothing fetched). A dollar opens math only
  when a non-space follows it and closes it only after a non-space and before a
  non-digit, so "$5 to $10" stays money. A span that could reach out or break the
  markup around it stays text: one holding "//", "](", "![", "]:", an unbalanced
  bracket or a KaTeX command that takes a URL (\\href, \\url, \\includegraphics, \\html...).
  Every other `$` is escaped, so the math Streamlit sees is exactly these spans.
- the app's own markup around the escaped text: `:orange-background[...]` for a
  quote, `[**\\[n\\]**](#cite-...)` for a citation marker (an in-page link).
"""

from __future__ import annotations

import re

from studygraph.assistant.chat_export import pieces
from studygraph.ui.components import md

MATH = re.compile(r"\$\$(?=\S)([^$\n]+?)(?<=\S)\$\$|\$(?=\S)([^$\n]+?)(?<=\S)\$(?!\d)")
UNSAFE_MATH = re.compile(r"//|\]\(|!\[|\]:|\\(?:href|url|includegraphics|html\w*)\b")
HIGHLIGHT = "orange-background"
CONTEXT = 3  # lines around a quote: its question or heading and what follows, without a 40-line chunk


def _balanced(text: str) -> bool:
    depth = {"[": 0, "{": 0, "(": 0}
    closing = {"]": "[", "}": "{", ")": "("}
    for char in text.replace("\\{", "").replace("\\}", ""):
        if char in depth:
            depth[char] += 1
        elif char in closing:
            depth[closing[char]] -= 1
            if depth[closing[char]] < 0:
                return False
    return not any(depth.values())


def math_spans(text: str) -> list[tuple[int, int]]:
    """Where the math the app renders stands in `text` (start, end of each `$...$`)."""
    return [m.span() for m in MATH.finditer(text)
            if _balanced(body := m.group(1) or m.group(2)) and not UNSAFE_MATH.search(body)]


def inert(text: str) -> str:
    """Text made inert for st.markdown, its math kept for KaTeX (lines joined by hard breaks)."""
    out, at = [], 0
    for start, end in math_spans(text):
        out += [md(text[at:start]), text[start:end]]
        at = end
    out.append(md(text[at:]))
    return "".join(out)


def marker_link(turn: int, n: int) -> str:
    return f"[**\\[{n}\\]**](#{anchor(turn, n)})"


def anchor(turn: int, n: int) -> str:
    """The key of a source's container (Streamlit gives it the class `st-key-<key>`)."""
    return f"cite-{turn}-{n}"


def answer_md(text: str, numbers: set[int], turn: int) -> str:
    """An answer for st.markdown: literal text, math rendered, each [n] a link to its source."""
    return "".join(marker_link(turn, p) if isinstance(p, int) else inert(p) for p in pieces(text, numbers))


def quote_at(text: str, quote: str, from_offset: int = 0) -> tuple[int, int] | None:
    """Where `quote` stands in `text` (its first occurrence at or after `from_offset`)."""
    if not quote.strip():
        return None
    at = text.find(quote, from_offset)
    if at < 0:
        at = text.find(quote)
    return None if at < 0 else (at, at + len(quote))


def _marked(line: str, start: int, end: int) -> str:
    """One line with characters start..end highlighted; math is kept whole on either side."""
    if start >= end:
        return inert(line)
    for m_start, m_end in math_spans(line):  # never cut a formula in two
        if m_start < start < m_end:
            start = m_start
        if m_start < end < m_end:
            end = m_end
    head, body, tail = line[:start], line[start:end], line[end:]
    return f"{inert(head)}:{HIGHLIGHT}[{inert(body)}]{inert(tail)}" if body.strip() else inert(line)


def passage_md(text: str, first_line: int, quote: str, start: int, end: int, context: int = CONTEXT) -> str:
    """A passage as markdown lines, each after its line number; the quoted characters
    highlighted, or lines start..end whole when the quote is not in the passage.

    Args:
        text: the passage's text (lines first_line... of the note).
        first_line: the note's line number of the passage's first line.
        quote: the exact text the citation quotes.
        start: first cited line.
        end: last cited line.
        context: lines shown before and after the quoted ones (the rest is cut, marked "…").
    """
    lines = text.split("\n")
    offset_of = [0]
    for line in lines:
        offset_of.append(offset_of[-1] + len(line) + 1)
    cited_from = offset_of[max(0, min(start - first_line, len(lines) - 1))]
    where = quote_at(text, quote, cited_from)
    if where is not None:  # the lines the quote touches
        touched = [i for i in range(len(lines)) if offset_of[i] < where[1] and offset_of[i + 1] > where[0]]
        start, end = first_line + touched[0], first_line + touched[-1]
    width = len(str(first_line + len(lines) - 1))
    shown_from, shown_to = start - first_line - context, end - first_line + context
    out = ["`…`"] if shown_from > 0 else []
    for i, line in enumerate(lines):
        if not shown_from <= i <= shown_to:
            continue
        number = first_line + i
        if where is None:
            shown = _marked(line, 0, len(line)) if start <= number <= end else inert(line)
        else:
            begin, finish = where
            shown = _marked(line, max(begin - offset_of[i], 0), min(finish - offset_of[i], len(line)))
        out.append(f"`{number:>{width}}` {shown}".rstrip())
    if shown_to < len(lines) - 1:
        out.append("`…`")
    return "  \n".join(out)
