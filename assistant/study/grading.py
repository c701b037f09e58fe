"""Grade a typed answer against a card's reference by meaning and by coverage.

score = sim_weight * meaning + (1 - sim_weight) * coverage, where
- meaning is the cosine similarity of answer and reference embeddings, mapped
  linearly from [sim_floor, sim_ceil] onto [0, 1] (the model rarely goes below
  the floor even for unrelated text, and paraphrases rarely reach the ceiling);
- coverage is the share of the reference's key concepts the answer mentions,
  or the best sentence-level meaning match when the reference has no key concept.

The thresholds are calibrated on benchmarks/grading_pairs.jsonl (see
benchmarks/grading_accuracy.py); change them only with that benchmark.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from studygraph.assistant.study.cards import Card
from studygraph.assistant.study.keyterms import covered
from studygraph.ingest.spans import SENTENCE
from studygraph.ingest.tokenize import tokenize

logger = logging.getLogger(__name__)

Embed = Callable[[list[str]], np.ndarray]
VERDICTS = ("right", "partial", "wrong")
NON_ANSWER = re.compile(r"^\W*(?:i\s+(?:don'?t|do\s+not)\s+know|no\s+idea|not\s+sure|pass|skip|idk|\?+)\W*$", re.I)


@dataclass(frozen=True)
class Thresholds:
    """Grading knobs; defaults are the calibrated values."""

    sim_floor: float = 0.25
    sim_ceil: float = 0.8
    sim_weight: float = 0.5
    right: float = 0.6
    partial: float = 0.2


@dataclass(frozen=True)
class Grade:
    """The grade of one answer. `missed` are key concepts the answer did not mention."""

    card_id: str
    score: float
    verdict: str
    missed: tuple[str, ...]
    reference: str
    similarity: float
    coverage: float
    best_unit: float = 0.0
    lexical: float | None = None

    def to_json(self) -> dict:
        """The public JSON shape of `studygraph grade --json`."""
        return {
            "card": self.card_id,
            "score": round(self.score, 4),
            "verdict": self.verdict,
            "missed": list(self.missed),
            "reference": self.reference,
        }


def _units(text: str) -> list[str]:
    return [m.group(0).strip() for line in text.splitlines() for m in SENTENCE.finditer(line) if m.group(0).strip()]


def _ramp(value: float, lo: float, hi: float) -> float:
    return float(min(1.0, max(0.0, (value - lo) / (hi - lo))))


class Grader:
    """Grades answers with one embedding call per batch.

    Args:
        embed: texts -> L2-normalised vectors (e.g. `Embedder(path).encode`).
        thresholds: calibration; the defaults come from the benchmark.
    """

    def __init__(self, embed: Embed, thresholds: Thresholds | None = None) -> None:
        self.embed = embed
        self.thresholds = thresholds or Thresholds()

    def grade(self, card: Card, answer: str) -> Grade:
        """Grade one answer (goes through the batch path)."""
        return self.grade_many([(card, answer)])[0]

    def grade_many(self, pairs: Sequence[tuple[Card, str]]) -> list[Grade]:
        """Grade (card, answer) pairs; blank or "I don't know" answers score 0."""
        texts: list[str] = []
        slots: list[tuple[int, int, int] | None] = []  # answer index, reference index, n reference units
        for card, answer in pairs:
            if not answer.strip() or NON_ANSWER.match(answer) or not card.answer.strip():
                slots.append(None)
                continue
            units = _units(card.answer)
            slots.append((len(texts), len(texts) + 1, len(units)))
            texts += [answer.strip(), card.answer, *units]
        vectors = self.embed(texts) if texts else np.zeros((0, 1), dtype=np.float32)
        grades = []
        for (card, answer), slot in zip(pairs, slots):
            if slot is None:
                grades.append(self._grade(card, answer, 0.0, 0.0))
                continue
            a, r, n = slot
            similarity = float(vectors[a] @ vectors[r])
            best_unit = float(np.max(vectors[r + 1 : r + 1 + n] @ vectors[a])) if n else similarity
            grades.append(self._grade(card, answer, similarity, best_unit))
        return grades

    def _grade(self, card: Card, answer: str, similarity: float, best_unit: float) -> Grade:
        tokens = set(tokenize(answer))
        concepts = card.key_concepts
        missed = tuple(c for c in concepts if not covered(c, tokens)) if answer.strip() else concepts
        lexical = 1.0 - len(missed) / len(concepts) if concepts else None
        score, coverage = combine(similarity, best_unit, lexical, self.thresholds)
        verdict = verdict_of(score, self.thresholds)
        logger.debug("card %s: sim %.3f coverage %.2f -> %.3f %s", card.id, similarity, coverage, score, verdict)
        return Grade(card.id, score, verdict, missed, card.answer, similarity, coverage, best_unit, lexical)


def combine(similarity: float, best_unit: float, lexical: float | None, t: Thresholds) -> tuple[float, float]:
    """(score, coverage) from the raw signals; pure, so the benchmark can re-calibrate.

    Args:
        similarity: cosine of answer and whole reference (0 for a non-answer).
        best_unit: best cosine of the answer with one reference sentence.
        lexical: share of key concepts mentioned, or None when the card has none.
        t: thresholds.
    """
    if similarity <= 0:
        return 0.0, 0.0
    meaning = _ramp(similarity, t.sim_floor, t.sim_ceil)
    coverage = lexical if lexical is not None else _ramp(best_unit, t.sim_floor, t.sim_ceil)
    return t.sim_weight * meaning + (1.0 - t.sim_weight) * coverage, coverage


def verdict_of(score: float, t: Thresholds) -> str:
    return "right" if score >= t.right else "partial" if score >= t.partial else "wrong"
