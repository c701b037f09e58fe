"""Structure-aware chunking: sections packed into chunks of roughly
min_chars..max_chars without splitting a sentence, list item, table row,
code line or a question from its answer.

`split_note(note)` is the pure entry point; every chunk it returns carries the
exact 1-based line span it was cut from.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from dataclasses import dataclass, replace

from studygraph.ingest.blocks import Atom, Heading, parse
from studygraph.ingest.note import Chunk, Note, chunk_id, split_lines
from studygraph.ingest.units import breaks, clip
from studygraph.settings import CHUNK_MAX_CHARS, CHUNK_MIN_CHARS

# One of four sentence splitters, kept apart on purpose: see ingest/spans.py at SENTENCE.
SENTENCE_END = re.compile(r"(?<=[.!?])[\"')\]]*\s+")
MIN_CHARS, MAX_CHARS = CHUNK_MIN_CHARS, CHUNK_MAX_CHARS  # measured choice: see studygraph.settings
QA_HINT = re.compile(r"\?\s*$|\*\*answer|^\s*\d{1,4}[.)]\s+[^?\n]{3,200}\?\s+\S", re.IGNORECASE | re.MULTILINE)


@dataclass(frozen=True)
class _Span:
    start: int  # 0-based line
    end: int  # 0-based line, inclusive
    kind: str
    heading_level: int = 0  # > 0 when this span is a heading
    title: str = ""


def _sections(headings: list[Heading], atoms: list[Atom]) -> list[_Span]:
    spans = [_Span(h.line, h.end, "heading", h.level, h.title) for h in headings]
    spans += [_Span(a.start, a.end, a.kind) for a in atoms]
    return sorted(spans, key=lambda s: s.start)


def _size(lines: list[str], start: int, end: int) -> int:
    return sum(len(lines[i]) + 1 for i in range(start, end + 1))


def _split_line(line: str, max_chars: int) -> list[str]:
    """Cut one over-long line into exact slices at sentence ends, then spaces.

    Walks an offset rather than re-slicing the rest of the line, so a line of
    many megabytes costs linear time.
    """
    pieces: list[str] = []
    pos, n = 0, len(line)
    while n - pos > max_chars:
        window = line[pos : pos + max_chars + 1]
        cut = 0
        for match in SENTENCE_END.finditer(window):
            if match.end() <= max_chars:
                cut = match.end()
        if cut < max_chars // 4:
            space = window.rfind(" ", max_chars // 4)
            cut = space + 1 if space > 0 else max_chars
        pieces.append(line[pos : pos + cut])
        pos += cut
    if pos < n:
        pieces.append(line[pos:])
    return pieces


def _split_span(lines: list[str], span: _Span, max_chars: int) -> list[tuple[int, int, str | None]]:
    """Pieces (start, end, text-or-None) of an atom too big for one chunk.

    Whole lines are kept together, preferring cuts after a line that ends a
    sentence; a single line longer than max_chars is sliced (text given).
    """
    out: list[tuple[int, int, str | None]] = []
    start = span.start
    while start <= span.end:
        if len(lines[start]) > max_chars:
            out += [(start, start, piece) for piece in _split_line(lines[start], max_chars)]
            start += 1
            continue
        end = start
        best = None
        while end + 1 <= span.end and _size(lines, start, end + 1) <= max_chars and len(lines[end + 1]) <= max_chars:
            end += 1
            if lines[end].rstrip().endswith((".", "!", "?", ":")) or span.kind in ("code", "table", "list"):
                best = end
        if end < span.end and best is not None and span.kind == "text":
            end = best
        out.append((start, end, None))
        start = end + 1
    return out


def _is_qa(text: str) -> bool:
    return bool(QA_HINT.search(text))


def _cut_at_units(atoms: list[Atom], lines: list[str], unit_breaks: set[int]) -> list[Atom]:
    """Atoms cut where a new page, slide or cell starts after a blank line.

    Only a sentence that runs on overleaf joins two pages (the reader leaves no blank line
    there). Elsewhere Markdown's own rules could carry an atom over: a list item continues
    through a blank line into indented text, and a PDF's code lines come indented.
    """
    if not unit_breaks:
        return atoms
    ordered = sorted(unit_breaks)
    out: list[Atom] = []
    for atom in atoms:
        inside = ordered[bisect.bisect_right(ordered, atom.start) : bisect.bisect_right(ordered, atom.end)]
        cuts = [b for b in inside if not (lines[b - 1].strip() and lines[b].strip())]
        start = atom.start
        for cut in [*cuts, atom.end + 1]:
            first, last = start, cut - 1
            while first <= last and not lines[first].strip():
                first += 1
            while last >= first and not lines[last].strip():
                last -= 1
            if first <= last:
                out.append(replace(atom, start=first, end=last))
            start = cut
    return out


def split_note(note: Note, min_chars: int = MIN_CHARS, max_chars: int = MAX_CHARS) -> list[Chunk]:
    """Cut a note into chunks with exact line spans.

    Args:
        note: the decoded note.
        min_chars: a section shorter than this joins the deeper section after it.
        max_chars: no chunk is longer than this unless one line-level atom is.

    Returns:
        Chunks in note order. Every non-blank line lies inside at least one chunk.
    """
    lines = split_lines(note.text)
    headings, atoms = parse(lines)
    unit_breaks = breaks(note.units)
    cells = note.units.startswith("cell:")
    spans = _sections(headings, _cut_at_units(atoms, lines, unit_breaks))
    stack: list[tuple[int, str]] = []
    pieces: list[tuple[int, int, str | None, str, str]] = []  # start, end, text, heading, kind
    current: list[_Span] = []
    current_heading = ""
    # A chunk never runs onto the next page, slide or cell unless one paragraph
    # does (a sentence continued overleaf is one atom), a heading stands at the
    # foot of the unit before, or a notebook's code cell follows its text cell.
    # A span (what an answer quotes) never crosses a unit: a citation reads
    # "p. 3, lines 2-4" or "cell 7, lines 2-4".

    def flush() -> None:
        nonlocal current
        if not current:
            return
        start, end = current[0].start, current[-1].end
        kinds = [s.kind for s in current if s.kind not in ("heading", "meta")]
        # The most common kind; a tie goes to the kind that comes first (max over a set
        # followed the hash seed: the same note got another kind from run to run).
        kind = Counter(kinds).most_common(1)[0][0] if kinds else "text"
        pieces.append((start, end, None, current_heading, kind))
        current = []

    for _idx, span in enumerate(spans):
        if span.heading_level:
            # A short section (e.g. a title with a one-line intro) rides along
            # into the deeper section that follows, instead of standing alone.
            size = _size(lines, current[0].start, current[-1].end) if current else 0
            deeper = bool(stack) and span.heading_level > stack[-1][0]
            only_headings = all(s.heading_level for s in current)
            # A tiny preamble without a heading (an RST label like ".. _intro:")
            # belongs to the section it precedes.
            headless = not any(s.heading_level for s in current)
            if (span.start in unit_breaks and not (current and only_headings)) or not (
                current and (only_headings or (size < min_chars and (deeper or headless)))
            ):
                flush()
            while stack and stack[-1][0] >= span.heading_level:
                stack.pop()
            stack.append((span.heading_level, span.title))
            current_heading = " > ".join(title for _, title in stack)
            current.append(span)
            continue
        atom_size = _size(lines, span.start, span.end)
        only_headings = bool(current) and all(s.heading_level for s in current)
        if span.start in unit_breaks and not only_headings and not (
            cells and span.kind == "code" and current and _size(lines, current[0].start, span.end) <= max_chars
        ):
            # A heading never stands alone, even at the foot of a page or as a cell of its own; a
            # notebook's code cell stays with the text cell it follows. Measured on the statsmodels
            # notebooks: 153 chunks were a heading alone and 1,223 code alone (of 2,278), and such
            # chunks ranked first for questions their neighbours answer.
            flush()
        if atom_size > max_chars:
            # A heading never stands alone: it joins the first piece of a long atom.
            lead = current[0].start if only_headings else None
            if lead is None:
                flush()
            current = []
            for n, (start, end, text) in enumerate(_split_span(lines, span, max_chars)):
                if n == 0 and lead is not None and text is None:
                    start = lead
                elif n == 0 and lead is not None:
                    pieces.append((lead, span.start - 1, None, current_heading, "text"))
                pieces.append((start, end, text, current_heading, span.kind))
            continue
        if current and not only_headings and _size(lines, current[0].start, span.end) > max_chars:
            flush()
        current.append(span)
    flush()
    chunks = _to_chunks(note.path, lines, pieces)
    if note.units:
        chunks = [replace(c, units=clip(note.units, c.start_line, c.end_line)) for c in chunks]
    return chunks


def _to_chunks(source: str, lines: list[str], pieces: list[tuple[int, int, str | None, str, str]]) -> list[Chunk]:
    chunks: list[Chunk] = []
    seen: dict[str, int] = {}
    for start, end, text, heading, kind in pieces:
        body = text if text is not None else "\n".join(lines[start : end + 1])
        if not body.strip():
            continue
        occurrence = seen.get(body, 0)
        seen[body] = occurrence + 1
        if _is_qa(body if not heading else f"{heading.rsplit(' > ', 1)[-1]}\n{body}"):
            kind = "qa"
        chunks.append(
            Chunk(
                id=chunk_id(source, body, occurrence),
                source=source,
                text=body,
                start_line=start + 1,
                end_line=end + 1,
                heading=heading,
                kind=kind,
            )
        )
    return chunks
