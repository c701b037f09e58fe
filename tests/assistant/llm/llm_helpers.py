"""Helpers shared by the LLM tests (a module name pytest cannot confuse with a conftest)."""

from __future__ import annotations

from pathlib import Path

from studygraph.ingest.chunking import split_note
from studygraph.ingest.note import Chunk, Note

SEEDS = Path(__file__).resolve().parents[3] / "seeds"


def seed_chunk(prefix: str, needle: str) -> Chunk:
    """The one chunk of seed note `prefix*` whose text contains `needle`."""
    path = next(SEEDS.glob(f"{prefix}*.txt"))
    text = path.read_text(encoding="utf-8")
    found = [c for c in split_note(Note(str(path), text, "", len(text), 0.0)) if needle in c.text]
    assert len(found) == 1, (prefix, needle, len(found))
    return found[0]
