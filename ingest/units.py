"""Where a line of a note stands in its source file: PDF page, slide or notebook cell.

A PDF, a deck or a notebook is read into one text, like any note, so chunking,
spans, answers and the graph keep counting lines of that text. Its reader also
says which lines each *unit* (a page, a slide, a cell) covers; lines between
units (a blank line between pages, a code cell's fences) belong to none.
Chunks carry the units they overlap, encoded as one plain string so Chroma's
metadata and the snapshot keep it as they keep a heading:

    "page:3@12-20,4@22-40"   page 3 is lines 12-20 of the note's text, page 4 lines 22-40

`place` turns a note's line span into the unit's own line numbers, which is
what a citation shows ("paper.pdf p. 3, lines 5-7").
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

KINDS = ("page", "cell")


@dataclass(frozen=True)
class Unit:
    number: int  # 1-based page, slide or cell number
    first: int  # 1-based line of the note's text where the unit starts
    last: int  # its last line, inclusive


def encode(kind: str, units: Sequence[Unit]) -> str:
    """`page:3@12-20,4@22-40`; "" when there are no units."""
    if not units:
        return ""
    return f"{kind}:" + ",".join(f"{u.number}@{u.first}-{u.last}" for u in units)


def decode(encoded: str) -> tuple[str, list[Unit]]:
    """The kind and the units of an `encode`d string ("", [] for a plain note)."""
    if not encoded:
        return "", []
    kind, _, body = encoded.partition(":")
    units = []
    for part in body.split(","):
        number, _, span = part.partition("@")
        first, _, last = span.partition("-")
        units.append(Unit(int(number), int(first), int(last)))
    return kind, units


def clip(encoded: str, start: int, end: int) -> str:
    """The units of a note that lines start..end overlap, encoded again."""
    kind, units = decode(encoded)
    return encode(kind, [u for u in units if u.first <= end and start <= u.last])


def breaks(encoded: str) -> set[int]:
    """0-based indexes of the lines where a block starts a new unit: each unit's
    first line and the lines between it and the unit before (a code cell's fence)."""
    units = decode(encoded)[1]
    return {i for before, unit in itertools.pairwise(units) for i in range(before.last, unit.first)}


def place(encoded: str, start: int, end: int) -> dict[str, int]:
    """Lines start..end of the note as the unit's own numbers.

    Returns:
        {"page": 3, "start_line": 5, "end_line": 7} (or "cell"), with "end_page"
        (or "end_cell") when the span runs onto a later unit; {} when the note has
        no units or the span lies wholly between them. A start on a line between
        units moves to the next unit's first line, an end to the last line before it.
    """
    kind, units = decode(encoded)
    inside = [u for u in units if u.first <= end and start <= u.last]
    if not inside:
        return {}
    head, tail = inside[0], inside[-1]
    out = {
        kind: head.number,
        "start_line": max(start, head.first) - head.first + 1,
        "end_line": min(end, tail.last) - tail.first + 1,
    }
    if tail.number != head.number:
        out[f"end_{kind}"] = tail.number
    return out
