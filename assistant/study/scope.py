"""Which cards to study: all due, one note, or one concept's neighbourhood."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

from studygraph.assistant.study.cards import Card
from studygraph.assistant.study.concepts import mentions
from studygraph.errors import SelectionError
from studygraph.ingest.note import Chunk

KIND_ORDER = {"qa": 0, "own": 0, "concept": 1, "relation": 2}


def in_note(cards: Iterable[Card], note: str) -> list[Card]:
    """Cards whose question comes from `note`.

    `note` may be a full path, a path suffix (`seeds/003_x.txt`), a file name,
    its stem, or a prefix of the file name that picks one note (`003`).
    """
    cards = list(cards)
    wanted = note.replace("\\", "/").rstrip("/").removeprefix("./")
    notes = sorted({c.note for c in cards})
    matches = [n for n in notes if n == wanted or n.endswith("/" + wanted)]
    matches = matches or [n for n in notes if Path(n).stem == wanted]
    matches = matches or [n for n in notes if Path(n).name.startswith(wanted)]
    if len(matches) != 1:
        names = ", ".join(Path(n).name for n in (matches or notes)) or "none"
        problem = "matches several notes" if matches else "matches no note with cards"
        raise SelectionError(f"{note!r} {problem}; notes: {names}")
    return [c for c in cards if c.note == matches[0]]


def about(cards: Iterable[Card], names: Iterable[str]) -> list[Card]:
    """Cards about any of these concept names."""
    names = [n for n in names if n.strip()]
    return [c for c in cards if mentions(c, names)]


def in_chunks(cards: Iterable[Card], chunks: Iterable[Chunk]) -> list[Card]:
    """Cards whose answer or question lies in one of these chunks."""
    chunks = list(chunks)

    def inside(card: Card) -> bool:
        for chunk in chunks:
            if card.source == chunk.source and card.overlaps(chunk):
                return True
            if card.note == chunk.source and card.question_line and chunk.contains(card.question_line):
                return True
        return False

    return [c for c in cards if inside(c)]


def due_first(cards: Iterable[Card], due: dict[str, datetime], now: datetime, due_only: bool = True) -> list[Card]:
    """Reviewed cards that are due (most overdue first), then new cards in note order."""
    cards = list(cards)
    reviewed = sorted((c for c in cards if c.id in due and (not due_only or due[c.id] <= now)), key=lambda c: due[c.id])
    # New cards in note order, the notes' own questions before concept and relation cards.
    new = sorted((c for c in cards if c.id not in due), key=lambda c: KIND_ORDER.get(c.kind, len(KIND_ORDER)))
    return reviewed + new
