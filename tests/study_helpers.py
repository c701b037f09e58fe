"""Helpers for study-mode tests: chunks of a folder of notes, a clock we control."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from studygraph.ingest.chunking import split_note
from studygraph.ingest.note import Chunk, Note


def read_note(path: Path) -> Note:
    text = path.read_text(encoding="utf-8")
    return Note(str(path.resolve()), text, "", len(text), 0.0)


def chunks_of(folder: Path) -> list[Chunk]:
    """The chunks an ingest of `folder` would index."""
    chunks: list[Chunk] = []
    for path in sorted(folder.glob("*.txt")) + sorted(folder.glob("*.md")):
        chunks += split_note(read_note(path))
    return chunks


class Clock:
    """A settable UTC clock for the deck."""

    def __init__(self) -> None:
        self.now = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


def no_embed(texts: list[str]):
    raise AssertionError("this test must not grade")
