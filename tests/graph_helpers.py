"""Helpers for graph tests: chunks of real notes and of small literal notes, and a
check that lines of a note really name a concept (independent of the lexicon)."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from studygraph.graph import Concept
from studygraph.ingest.chunking import split_note
from studygraph.ingest.note import Chunk, Note, split_lines

SEEDS = Path(__file__).resolve().parents[1] / "seeds"


def chunks_of(folder: Path) -> list[Chunk]:
    """Chunks of every note under `folder`, as ingest cuts them."""
    chunks: list[Chunk] = []
    for path in sorted(folder.rglob("*")):
        if path.suffix in (".md", ".txt") and path.is_file():
            text = path.read_text(encoding="utf-8")
            chunks += split_note(Note(str(path.resolve()), text, "", len(text), 0.0))
    return chunks


def write_note(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def squash(text: str) -> str:
    return re.sub(r"[\W_]+", "", unicodedata.normalize("NFKC", text).casefold())


def lines_name(source: str, start: int, end: int, concept: Concept) -> bool:
    """Whether lines start..end of the file at `source` spell one of the concept's names
    (case, spaces, hyphens and a plural ending ignored)."""
    lines = split_lines(Path(source).read_text(encoding="utf-8"))
    text = squash("\n".join(lines[start - 1 : end]))
    forms = {squash(form) for form in (concept.name, *concept.aliases) if squash(form)}
    forms |= {form[:-1] for form in forms if form.endswith("s") and len(form) > 3}  # the plural ending
    return any(form in text for form in forms)
