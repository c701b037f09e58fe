"""What a write tells its caller: progress as it goes, and a report at the end."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from studygraph.ingest.note import Chunk
from studygraph.ingest.reading import Skipped


@dataclass(frozen=True)
class Progress:
    stage: str  # "scan" | "wait" | "embed" | "commit" | "done"
    done: int = 0
    total: int = 0
    message: str = ""


ProgressFn = Callable[[Progress], None]


@dataclass(frozen=True)
class IngestReport:
    added: tuple[str, ...] = ()
    updated: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    unchanged: tuple[str, ...] = ()
    skipped: tuple[Skipped, ...] = ()
    warnings: tuple[str, ...] = ()
    embedded: int = 0
    chunks: int = 0
    generation: int = 0
    seconds: float = 0.0
    changed_chunks: tuple[Chunk, ...] = field(default=(), repr=False)
    recovered: bool = False  # finished or rolled back a write a killed process left

    @property
    def changed(self) -> bool:
        """A new generation was committed (the graph must follow)."""
        return bool(self.added or self.updated or self.removed or self.recovered)
