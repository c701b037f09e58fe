"""Notes as the index knows them, rebuilt from their chunks.

Cards must cite the same lines that `ask` and the graph cite, so study mode
reads the notes through the chunks of record rather than from disk: a note
that is no longer indexed has no chunks, and its cards retire.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable

from studygraph.ingest.note import Chunk, Note, split_lines


def notes_from_chunks(chunks: Iterable[Chunk]) -> list[Note]:
    """One Note per source, its lines placed at their 1-based numbers.

    Lines no chunk covers (blank ones) come back empty. A long line cut into
    several single-line chunks is joined back from its slices, in order.
    """
    by_source: dict[str, list[Chunk]] = defaultdict(list)
    for chunk in chunks:
        by_source[chunk.source].append(chunk)
    notes = []
    for source, parts in sorted(by_source.items()):
        lines: dict[int, str] = {}
        slices: dict[int, list[str]] = defaultdict(list)
        for chunk in parts:
            texts = split_lines(chunk.text)
            if chunk.start_line == chunk.end_line and len(texts) == 1:
                slices[chunk.start_line].append(chunk.text)
                continue
            for offset, text in enumerate(texts):
                lines[chunk.start_line + offset] = text
        for number, pieces in slices.items():
            if number not in lines:
                lines[number] = "".join(pieces) if len(pieces) > 1 else pieces[0]
        last = max(lines, default=0)
        text = "\n".join(lines.get(n, "") for n in range(1, last + 1))
        digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
        notes.append(Note(path=source, text=text, sha256=digest, size=len(text), mtime=0.0))
    return notes


def fingerprint(chunks: Iterable[Chunk]) -> str:
    """Identity of a corpus: changes whenever any chunk does, moves included (a chunk id
    covers only its text, and a composed card cites line numbers)."""
    digest = hashlib.sha256()
    for key in sorted(f"{c.id}:{c.start_line}:{c.end_line}:{c.heading}" for c in chunks):
        digest.update(key.encode("utf-8", "surrogatepass"))
    return digest.hexdigest()[:16]
