"""One indexed note as the note viewer shows it: its lines, numbered as citations number
them, and its passages with their headings.

The text is read from the file again (ingest keeps chunks, not whole notes), decoded as
ingest decodes it, so line n here is line n of every citation. When the file changed or
vanished since it was indexed, the viewer says so; a vanished note is rebuilt from its
indexed passages (the lines between passages are left blank).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from studygraph.assistant.output import display_path
from studygraph.errors import NoteError
from studygraph.ingest.note import Chunk, split_lines
from studygraph.ingest.reading import read_note

if TYPE_CHECKING:
    from studygraph.assistant.facade import Studygraph


@dataclass(frozen=True)
class NoteText:
    """An indexed note's lines (line n is `lines[n - 1]`), passages in line order, and a caveat."""

    path: str
    title: str
    lines: tuple[str, ...]
    passages: tuple[Chunk, ...]
    caveat: str = ""  # why the lines may differ from what the index holds ("" when they match)

    def passage_at(self, line: int) -> Chunk | None:
        """The passage whose lines hold `line` (the first, if pieces of one long line share it)."""
        return next((c for c in self.passages if c.contains(line)), None)


def find_path(paths: Sequence[str], wanted: str) -> str | None:
    """The note `wanted` names among `paths`: its absolute path, its path as shown
    (`seeds/003.txt`), or the one path ending so (`003.txt`)."""
    wanted = wanted.strip()
    if not wanted:
        return None
    for match in (lambda p: p == wanted, lambda p: display_path(p) == wanted,
                  lambda p: p.endswith("/" + wanted.lstrip("/"))):
        found = [p for p in paths if match(p)]
        if len(found) == 1:
            return found[0]
    return None


def note_text(assistant: Studygraph, wanted: str) -> NoteText:
    """The note named `wanted`, read for display.

    Raises:
        NoteError: no indexed note goes by that name.
    """
    records = {r.path: r for r in assistant.notes()}
    path = find_path(list(records), wanted)
    if path is None:
        raise NoteError(wanted, "is not an indexed note; choose one of the notes listed on the Notes page")
    record = records[path]
    passages = tuple(sorted((c for c in assistant.index().chunks if c.source == record.path),
                            key=lambda c: (c.start_line, c.end_line)))
    title = record.title or Path(record.path).name
    try:
        note = read_note(Path(record.path), assistant.settings.max_note_bytes)
    except NoteError as exc:
        why = "is no longer on disk" if not Path(record.path).exists() else exc.reason
        caveat = f"The file {why}; shown from its indexed passages, lines between them left blank."
        return NoteText(record.path, title, _from_passages(passages), passages, caveat)
    caveat = "" if note.sha256 == record.sha256 else (
        "The file changed since it was indexed: these are its lines now; passages and citations follow the "
        "indexed version until the next ingest.")
    return NoteText(record.path, title, tuple(split_lines(note.text)), passages, caveat)


def _from_passages(passages: Sequence[Chunk]) -> tuple[str, ...]:
    last = max((c.end_line for c in passages), default=0)
    lines = [""] * last
    for chunk in passages:
        if chunk.start_line == chunk.end_line and lines[chunk.start_line - 1]:
            lines[chunk.start_line - 1] += chunk.text  # the next slice of one very long line
            continue
        for offset, line in enumerate(split_lines(chunk.text)):
            if chunk.start_line + offset <= last:
                lines[chunk.start_line + offset - 1] = line
    return tuple(lines)
