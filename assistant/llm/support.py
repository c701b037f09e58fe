"""How well a cited passage supports one sentence: embedding similarity to its best
span and the share of the sentence's terms the passage contains.

The thresholds were measured on the seed notes by
`benchmarks/llm_support_threshold.py` (faithful paraphrases against hallucinated
claims and wrong citations); rerun it after changing the model or the tokenizer.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from studygraph.assistant.llm.guard import is_instruction
from studygraph.assistant.types import Hit
from studygraph.ingest.spans import Span, split_spans
from studygraph.ingest.tokenize import tokenize

Embed = Callable[[list[str]], np.ndarray]

# Words a faithful answer adds around a claim ("according to the notes, ...").
META_TERMS = frozenset(
    tokenize("according note notes passage passages mention mentioned state states stated describe described explain also")
)
# A number, maybe with a unit or scale: "15", "0.5", "400m", "680k", "4o" (a part of "GPT-4o").
NUMBER = re.compile(r"\d[\d.,]*[a-z]{0,2}")
EVIDENCE_KINDS = ("answer", "item", "sentence", "row", "code")


@dataclass(frozen=True)
class Thresholds:
    """A sentence is supported when both scores reach these values."""

    similarity: float = 0.40
    overlap: float = 0.70
    min_terms: int = 2  # "PWNED." or "Yes." is not a claim that a passage can support


THRESHOLDS = Thresholds()


@dataclass(frozen=True)
class Passage:
    """A cited chunk, divided into the spans that may serve as evidence."""

    n: int
    hit: Hit
    spans: tuple[Span, ...]
    views: tuple[str, ...]  # texts embedded for the spans: span, or question + span
    owners: tuple[int, ...]  # views[i] belongs to spans[owners[i]]
    terms: frozenset[str]


@dataclass(frozen=True)
class Support:
    """Support of one sentence by one passage (or by all its cited passages together)."""

    similarity: float
    overlap: float
    numbers_ok: bool
    span: Span | None = None

    @property
    def score(self) -> float:
        """One number for display: the mean of similarity and overlap."""
        return round((max(self.similarity, 0.0) + self.overlap) / 2, 3)

    def passes(self, thresholds: Thresholds) -> bool:
        return self.numbers_ok and self.similarity >= thresholds.similarity and self.overlap >= thresholds.overlap


def evidence_spans(hit: Hit) -> list[Span]:
    """Spans that can back a claim: answers, items, sentences, rows, code lines.

    Headings and questions say what a passage is about, not what is true, and
    instruction-like spans are never evidence.
    """
    spans = [s for s in split_spans(hit.chunk) if tokenize(s.text) and not is_instruction(s.text)]
    evidence = [s for s in spans if s.kind in EVIDENCE_KINDS]
    return evidence or spans


def prepare(n: int, hit: Hit) -> Passage:
    """A passage ready for scoring (no embedding yet)."""
    spans = evidence_spans(hit)
    views: list[str] = []
    owners: list[int] = []
    for i, span in enumerate(spans):
        views.append(span.text)
        owners.append(i)
        if span.question and span.question != span.text and not is_instruction(span.question):
            views.append(f"{span.question} {span.text}")
            owners.append(i)
    heading = hit.chunk.heading if not is_instruction(hit.chunk.heading) else ""
    texts = [heading] + [s.text for s in split_spans(hit.chunk) if not is_instruction(s.text)]
    terms = frozenset(term for text in texts for term in tokenize(text))
    return Passage(n, hit, tuple(spans), tuple(views), tuple(owners), terms)


def claim_terms(text: str) -> set[str]:
    return set(tokenize(text)) - META_TERMS


def score(claim_vec: np.ndarray, terms: set[str], passage: Passage, vectors: np.ndarray) -> Support:
    """Support of one claim by one passage, given the embedded views of that passage."""
    overlap = len(terms & passage.terms) / len(terms) if terms else 0.0
    numbers_ok = all(t in passage.terms for t in terms if NUMBER.fullmatch(t))
    if not passage.views:
        return Support(0.0, overlap, numbers_ok)
    sims = vectors @ claim_vec
    best = int(np.argmax(sims))
    return Support(float(sims[best]), overlap, numbers_ok, passage.spans[passage.owners[best]])


def combined(parts: Sequence[Support], terms: set[str], passages: Sequence[Passage]) -> Support:
    """Support of a claim by all its cited passages together: the best similarity,
    and the overlap and numbers checked against the union of their terms."""
    union = frozenset().union(*(p.terms for p in passages)) if passages else frozenset()
    overlap = len(terms & union) / len(terms) if terms else 0.0
    numbers_ok = all(t in union for t in terms if NUMBER.fullmatch(t))
    best = max(parts, key=lambda s: s.similarity, default=None)
    return Support(best.similarity if best else 0.0, overlap, numbers_ok, best.span if best else None)
