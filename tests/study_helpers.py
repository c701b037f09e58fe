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


def read_apkg(data: bytes) -> dict:
    """An Anki package read back: its notes as (guid, fields, tags) and the collection's deck and model ids."""
    import io
    import json
    import sqlite3
    import tempfile
    import zipfile

    with zipfile.ZipFile(io.BytesIO(data)) as package, tempfile.TemporaryDirectory() as tmp:
        name = next(n for n in ("collection.anki21", "collection.anki2") if n in package.namelist())
        db = Path(tmp) / name
        db.write_bytes(package.read(name))
        conn = sqlite3.connect(db)
        try:
            notes = [(guid, flds.split("\x1f"), tags.split())
                     for guid, flds, tags in conn.execute("SELECT guid, flds, tags FROM notes ORDER BY id")]
            models, decks = conn.execute("SELECT models, decks FROM col").fetchone()
        finally:
            conn.close()
    return {"notes": notes, "models": set(map(int, json.loads(models))),
            "decks": set(map(int, json.loads(decks))) - {1}}  # 1 is Anki's "Default" deck
