"""The nouns of ingest: a Note read from disk and the Chunks cut from it."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from studygraph.lines import LineRange


def split_lines(text: str) -> list[str]:
    """Lines as an editor numbers them (\\n, \\r\\n and lone \\r all end a line)."""
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


@dataclass(frozen=True)
class Note:
    """One note file, decoded. `path` is absolute; `text` uses \\n line ends."""

    path: str
    text: str
    sha256: str
    size: int
    mtime: float
    warnings: tuple[str, ...] = field(default=())
    # The pages, slides or cells of a PDF, deck or notebook, as lines of `text`
    # (ingest/units.py); "" for a note that is text on disk.
    units: str = ""

    @property
    def lines(self) -> list[str]:
        return split_lines(self.text)

    @property
    def title(self) -> str:
        """First heading or first non-blank line after any front matter, for display."""
        from studygraph.ingest.blocks import front_matter_end

        lines = self.lines
        for line in lines[front_matter_end(lines) + 1 :]:
            stripped = line.strip().lstrip("#").strip()
            if stripped:
                return stripped[:120]
        return self.path.rsplit("/", 1)[-1]


@dataclass(frozen=True)
class Chunk(LineRange):
    """A passage of a note with its exact 1-based, inclusive line span.

    `text` is the verbatim text of lines start_line..end_line, except when one
    very long line is cut into pieces: then it is an exact slice of that line.
    """

    id: str
    source: str
    text: str
    start_line: int
    end_line: int
    heading: str = ""
    kind: str = "text"
    units: str = ""  # the pages, slides or cells it overlaps (ingest/units.py); "" in a text note

    def embedding_text(self) -> str:
        """What the dense model sees: the heading path gives a passage its context."""
        return f"{self.heading}\n{self.text}" if self.heading else self.text

    def metadata(self) -> dict[str, str | int]:
        meta: dict[str, str | int] = {
            "source": self.source,
            "start_line": self.start_line,
            "end_line": self.end_line,
            "heading": self.heading,
            "kind": self.kind,
        }
        if self.units:
            meta["units"] = self.units
        return meta

    @classmethod
    def from_record(cls, chunk_id: str, text: str, meta: dict) -> Chunk:
        return cls(
            id=chunk_id,
            source=str(meta["source"]),
            text=text,
            start_line=int(meta["start_line"]),
            end_line=int(meta["end_line"]),
            heading=str(meta.get("heading", "")),
            kind=str(meta.get("kind", "text")),
            units=str(meta.get("units", "")),
        )


def chunk_id(source: str, text: str, occurrence: int = 0) -> str:
    """Content id: the same text in the same note keeps its id wherever it moves,
    so an edit re-embeds only the passages it really changed."""
    digest = hashlib.sha256(f"{source}\x00{text}\x00{occurrence}".encode("utf-8", "surrogatepass"))
    return digest.hexdigest()[:32]
