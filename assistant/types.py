"""The nouns of the assistant: search hits, citations and answers, and the nouns
of the lower layers that the CLI and the app handle (re-exported here, so the
edges import `studygraph.assistant` only)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from studygraph.graph import ConceptCard, ConceptGraph, Evidence
from studygraph.ingest.note import Chunk, split_lines
from studygraph.lines import LineRange

if TYPE_CHECKING:
    from studygraph.ingest.pipeline import IngestReport
    from studygraph.ingest.pipeline import Progress as Step

__all__ = [
    "Answer",
    "Chunk",
    "Citation",
    "ConceptCard",
    "ConceptGraph",
    "Evidence",
    "Hit",
    "IngestReport",
    "Related",
    "Sentence",
    "Step",
    "split_lines",
]


@dataclass(frozen=True)
class Hit:
    """A retrieved chunk with its score and 1-based rank in one ranking."""

    chunk: Chunk
    score: float
    rank: int
    mode: str = "hybrid"


@dataclass(frozen=True)
class Citation(LineRange):
    """The exact lines an answer sentence quotes."""

    n: int
    chunk_id: str
    source: str
    start_line: int
    end_line: int
    heading: str
    quote: str


@dataclass(frozen=True)
class Related(LineRange):
    """A concept worth studying next, hanging off one mentioned in the question or answer."""

    concept: str
    type: str
    relation: str
    via: str
    source: str
    start_line: int
    end_line: int


@dataclass(frozen=True)
class Sentence:
    """One sentence of an answer, the citations it carries and whether they support it."""

    text: str
    citations: tuple[int, ...]
    supported: bool = True
    support: float = 1.0


@dataclass(frozen=True)
class Answer:
    question: str
    text: str
    citations: tuple[Citation, ...] = ()
    hits: tuple[Hit, ...] = ()
    related: tuple[Related, ...] = ()
    found: bool = True
    mode: str = "extractive"  # "extractive" | "llm"
    sentences: tuple[Sentence, ...] = field(default=())
    notice: str = ""  # e.g. why an LLM answer fell back to the extractive one
    read_as: str = ""  # the question as answered, when a follow-up was read with the previous turn's concepts

    def citation(self, n: int) -> Citation | None:
        return next((c for c in self.citations if c.n == n), None)


def as_dict(obj: Any) -> dict:
    """A dataclass instance as a plain dict (for JSON)."""
    return asdict(obj)


def __getattr__(name: str) -> Any:
    """The write pipeline's nouns load on first use: a query never imports the pipeline."""
    if name in ("IngestReport", "Step"):
        from studygraph.ingest import pipeline

        value = pipeline.IngestReport if name == "IngestReport" else pipeline.Progress
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
