"""Grade a typed answer against a card's reference by meaning, then check its claims.

score = sim_weight * meaning + (1 - sim_weight) * coverage, where
- meaning is the cosine similarity of answer and reference embeddings, mapped
  linearly from [sim_floor, sim_ceil] onto [0, 1];
- coverage is the share of the reference's key concepts the answer gives, by
  name or in other words (an answer clause restates the reference clause that
  holds the concept), or the best clause-level match when there is no key concept.

The embedding rewards shared words, so the claims are then checked against the
reference (`claims.py`) and against the concepts the notes' graph knows:

- a clause that restates a reference clause but negates it, says an opposite
  ("same" for "different") or turns a direction round is wrong;
- a concept given what the reference says of another concept, or another
  concept named where the reference names its own (CLIP for Flamingo), is wrong;
- a bare list of terms, where the reference states something, is at most partial.

The embedding cannot tell a correct answer in other words from a half answer by
its score alone: on answers written blind, correct paraphrases scored cosine
0.43-0.69 with their reference, as high as half answers and lower than wrong
answers that reuse the reference's words. Two more signals come from the rest of
the deck (every other card's reference, `Grader.others`):

- **contrast**: an answer that is closer to another card's reference than to its
  own says something else the notes say, and is at most partial. On the 30
  hand-written right answers of benchmarks/grading_pairs.jsonl 29 were closest to
  their own reference; of the 30 wrong ones, 4;
- **restated in other words**: a claim with no contradiction, closest to its own
  reference, that restates every reference clause somewhat (`clause_floor`) and is
  not much shorter than the reference (`length_floor`; a half answer is: median
  0.47 of the reference's length on the blind half answers, 1.25 for right
  answers) is right even when the words differ.

The thresholds are calibrated on the dev answers in
tests/assistant/study/grading_dev.jsonl and benchmarks/grading_pairs.jsonl (see
benchmarks/grading_eval.py), never on the blind sets.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from studygraph.assistant.study import claims
from studygraph.assistant.study.cards import Card
from studygraph.assistant.study.keyterms import concept_tokens, covered, is_concept, named
from studygraph.ingest.tokenize import tokenize

logger = logging.getLogger(__name__)

Embed = Callable[[list[str]], np.ndarray]
VERDICTS = ("right", "partial", "wrong")
NON_ANSWER = re.compile(r"^\W*(?:i\s+(?:don'?t|do\s+not)\s+know|no\s+idea|not\s+sure|pass|skip|idk|\?+)\W*$", re.I)


@dataclass(frozen=True)
class Thresholds:
    """Grading knobs; defaults are the calibrated values.

    `align`: an answer clause restates the reference clause it is closest to
    when their cosine reaches it (only then are they compared word by word);
    `restate`: a key concept counts as given in other words when its clause is
    restated this closely; `contrast`: how much closer to its own reference than to
    any other card's an answer must be to be right; `clause_floor` and `length_floor`:
    how closely every reference clause must be restated, and how long the answer must
    be next to the reference, for a claim in other words to be right.
    """

    sim_floor: float = 0.25
    sim_ceil: float = 0.8
    sim_weight: float = 0.5
    right: float = 0.6
    partial: float = 0.2
    align: float = 0.5
    restate: float = 0.6
    contrast: float = 0.0
    clause_floor: float = 0.2
    length_floor: float = 0.8


@dataclass(frozen=True)
class Grade:
    """The grade of one answer. `missed` are key concepts the answer did not give;
    `problems` say why a claim was judged wrong or only partial."""

    card_id: str
    score: float
    verdict: str
    missed: tuple[str, ...]
    reference: str
    similarity: float
    coverage: float
    best_unit: float = 0.0
    lexical: float | None = None
    problems: tuple[str, ...] = ()
    cap: str = ""  # "wrong" or "partial" when a claim check limits the verdict
    contrast: float | None = None  # cosine to its own reference minus the best to another card's; None without a deck

    def to_json(self) -> dict:
        """The public JSON shape of `studygraph grade --json`."""
        return {
            "card": self.card_id,
            "score": round(self.score, 4),
            "verdict": self.verdict,
            "missed": list(self.missed),
            "reference": self.reference,
        }


def _ramp(value: float, lo: float, hi: float) -> float:
    return float(min(1.0, max(0.0, (value - lo) / (hi - lo))))


@dataclass(frozen=True)
class _Texts:
    """Where one pair's texts sit in the batch of embedded texts."""

    answer: int
    reference: int
    ref_clauses: list[str]
    ans_clauses: list[str]
    ref_at: int
    ans_at: int


class Grader:
    """Grades answers with one embedding call per batch.

    Args:
        embed: texts -> L2-normalised vectors (e.g. `Embedder(path).encode`).
        thresholds: calibration; the defaults come from the dev answers.
        concepts: names (and aliases) of the concepts the notes' graph knows.
        others: the references of the deck's cards, to contrast an answer with.
    """

    def __init__(self, embed: Embed, thresholds: Thresholds | None = None, concepts: Iterable[str] = (),
                 others: Iterable[str] = ()) -> None:
        self.embed = embed
        self.thresholds = thresholds or Thresholds()
        self.concepts: tuple[str, ...] = tuple(concepts)
        self.others: tuple[str, ...] = tuple(others)
        self._others_at: tuple[tuple[str, ...], np.ndarray] | None = None

    def _other_vectors(self) -> np.ndarray:
        """The deck's references embedded, once per deck."""
        cached = self._others_at
        if cached is None or cached[0] != self.others:
            others = list(dict.fromkeys(o for o in self.others if o.strip()))
            cached = self._others_at = (self.others, self.embed(others) if others else np.zeros((0, 1), np.float32))
        return cached[1]

    def _contrast(self, answer: np.ndarray, reference: np.ndarray) -> float | None:
        """How much closer the answer is to its own reference than to any other card's.

        References that restate this one (cosine >= 0.9: the same answer under two
        questions) are not others."""
        others = self._other_vectors()
        if not len(others):
            return None
        kept = others[others @ reference < 0.9]
        if not len(kept):
            return None
        return float(answer @ reference) - float((kept @ answer).max())

    def grade(self, card: Card, answer: str) -> Grade:
        """Grade one answer (goes through the batch path)."""
        return self.grade_many([(card, answer)])[0]

    def grade_many(self, pairs: Sequence[tuple[Card, str]]) -> list[Grade]:
        """Grade (card, answer) pairs; blank or "I don't know" answers score 0."""
        texts: list[str] = []
        slots: list[_Texts | None] = []
        for card, answer in pairs:
            if not answer.strip() or NON_ANSWER.match(answer) or not card.answer.strip():
                slots.append(None)
                continue
            ref_clauses = claims.clauses(card.answer) or [card.answer]
            ans_clauses = claims.clauses(answer) or [answer.strip()]
            at = len(texts)
            slots.append(_Texts(at, at + 1, ref_clauses, ans_clauses, at + 2, at + 2 + len(ref_clauses)))
            texts += [answer.strip(), card.answer, *ref_clauses, *ans_clauses]
        vectors = self.embed(texts) if texts else np.zeros((0, 1), dtype=np.float32)
        grades = []
        for (card, answer), slot in zip(pairs, slots):
            if slot is None:
                grades.append(self._empty(card))
                continue
            refs = vectors[slot.ref_at : slot.ref_at + len(slot.ref_clauses)]
            answers = vectors[slot.ans_at : slot.ans_at + len(slot.ans_clauses)]
            contrast = self._contrast(vectors[slot.answer], vectors[slot.reference])
            grades.append(self._grade(card, answer, float(vectors[slot.answer] @ vectors[slot.reference]),
                                      answers @ refs.T, slot, contrast))
        return grades

    def _key_concepts(self, card: Card) -> tuple[str, ...]:
        """The card's key concepts that are concepts, then the known ones its answer names."""
        kept = [c for c in card.key_concepts if is_concept(c, self.concepts)]
        asked = concept_tokens(card.question)
        for name in named(card.answer, self.concepts):
            tokens = concept_tokens(name)
            if tokens and not tokens <= asked and not any(tokens <= concept_tokens(k) for k in kept):
                kept.append(name)
        return tuple(kept[:8])

    def _empty(self, card: Card) -> Grade:
        return Grade(card.id, 0.0, "wrong", self._key_concepts(card), card.answer, 0.0, 0.0)

    def _grade(self, card: Card, answer: str, similarity: float, aligned: np.ndarray, slot: _Texts,
               contrast: float | None = None) -> Grade:
        t = self.thresholds
        concepts = self._key_concepts(card)
        tokens = set(tokenize(answer))
        restated = aligned.max(axis=0)  # per reference clause, how closely some answer clause restates it
        missed = []
        for concept in concepts:
            if covered(concept, tokens):
                continue
            # A clause that names several key concepts is not restated by an answer that names one of them.
            home = [j for j, c in enumerate(slot.ref_clauses)
                    if covered(concept, (words := set(tokenize(c)))) and sum(covered(k, words) for k in concepts) == 1]
            if not any(restated[j] >= t.restate for j in home):
                missed.append(concept)
        # A name or a phrase weighs more than one plain word ("similarity" can be said in many ways).
        weight = {c: 1.0 if len(c.split()) > 1 or re.search(r"[A-Z0-9]", c) else 0.5 for c in concepts}
        lexical = 1.0 - sum(weight[c] for c in missed) / sum(weight.values()) if concepts else None
        best_unit = float(aligned.max())
        score, coverage = combine(similarity, best_unit, lexical, t)
        problems, cap = self._check(card, answer, aligned, slot, contrast)
        if not cap and contrast is not None:
            if contrast < t.contrast:
                problems, cap = ("is closer to something else the notes say than to this card's answer",), "partial"
            elif (restated.min() >= t.clause_floor and len(answer.strip()) >= t.length_floor * len(card.answer.strip())
                  and claims.is_claim(answer)):
                score = max(score, t.right)  # every clause restated, in other words
        if cap == "wrong":
            score = min(score * 0.3, t.partial * 0.99)
        elif cap == "partial":
            score = min(score, t.right * 0.99)
        verdict = verdict_of(score, t)
        logger.debug("card %s: sim %.3f coverage %.2f -> %.3f %s %s", card.id, similarity, coverage, score, verdict,
                     problems)
        return Grade(card.id, score, verdict, tuple(missed), card.answer, similarity, coverage, best_unit, lexical,
                     problems, cap, contrast)

    def _check(self, card: Card, answer: str, aligned: np.ndarray, slot: _Texts,
               contrast: float | None = None) -> tuple[tuple[str, ...], str]:
        """What is wrong with the answer's claims, and the verdict it caps ("" for none).

        An answer closest to its own reference of the whole deck (`contrast` >= 0) may
        name an example the reference does not ("a jointly trained model like CLIP"):
        it is about this card, not about that concept."""
        t = self.thresholds
        wrong: list[str] = []
        for i, clause in enumerate(slot.ans_clauses):
            j = int(np.argmax(aligned[i]))
            if aligned[i, j] >= t.align:
                reason = claims.contradicts(clause, slot.ref_clauses[j])
                if reason:
                    wrong.append(f"{reason}: the notes say \"{slot.ref_clauses[j]}\"")
        names = self._names(card.answer + "\n" + card.question) + claims.sides(card.question, card.answer)
        for check in (claims.reversed_direction(answer, card.answer, names),
                      claims.denied_of(answer, card.answer, names),
                      claims.misbound(answer, card.answer, names)
                      or claims.misbound(answer, card.answer, claims.labels(card.answer))):
            if check:
                wrong.append(check)
        wrong += self._foreign(card, answer, about_this=contrast is not None and contrast >= self.thresholds.contrast)
        if wrong:
            return tuple(wrong), "wrong"
        if not claims.is_claim(answer) and claims.is_claim(card.answer):
            return ("lists terms without saying how they relate",), "partial"
        return (), ""

    def _names(self, text: str) -> list[str]:
        """Names the text gives concepts: written as names (`CLIP`, `ViT-L/14`), or
        capitalised where no sentence starts ("in Flamingo"), not generic terms."""
        out = []
        proper = {n.casefold() for n in self.concepts if n[:1].isupper()}  # the graph writes it as a name
        for name in named(text, self.concepts):
            written = re.search(r"\d|[a-z][A-Z]|[A-Z]{2}", name)
            inside = (name[:1].isupper() and name.casefold() in proper
                      and re.search(r"[^.!?:\s]\s+" + re.escape(name) + r"\b", text))
            if written or inside:
                out.append(name)
        return list(dict.fromkeys(out))

    def _foreign(self, card: Card, answer: str, about_this: bool = False) -> list[str]:
        """Concepts the answer names where the reference names others (a name spelled
        out in full, "content delivery network" for CDN, is not lost)."""
        given = set(tokenize(card.answer + " " + card.question))
        foreign = [n for n in self._names(answer) if not covered(n, given)]
        if not foreign:
            return []
        asked = concept_tokens(card.question)
        theirs = [n for n in self._names(card.answer) if not concept_tokens(n) <= asked]
        tokens = set(tokenize(answer))
        lost = [n for n in theirs if not covered(n, tokens) and not _spelled_out_in(n, answer)]
        foreign = [n for n in foreign if not any(claims.spells_out(n, t) for t in theirs)]  # "Continuous bag-of-words"
        if not foreign:
            return []
        if lost:
            return [f"names {', '.join(foreign[:2])} where the notes name {', '.join(lost[:2])}"]
        if not about_this and not any(covered(n, tokens) for n in [*theirs, *named(card.question, self.concepts)]):
            return [f"is about {', '.join(foreign[:2])}, which the notes do not name here"]
        return []


def _spelled_out_in(acronym: str, text: str) -> bool:
    """Whether the text spells an acronym out: consecutive words whose initials make it."""
    if not (acronym.isupper() and 2 <= len(acronym) <= 6):
        return False
    initials = [w[0].upper() for w in re.findall(r"[A-Za-z][\w'-]*", text)]
    joined, n = "".join(initials), len(acronym)
    return any(joined[i : i + n] == acronym for i in range(len(joined) - n + 1))


def combine(similarity: float, best_unit: float, lexical: float | None, t: Thresholds) -> tuple[float, float]:
    """(score, coverage) from the raw signals; pure, so the benchmark can re-calibrate.

    Args:
        similarity: cosine of answer and whole reference (0 for a non-answer).
        best_unit: best cosine of an answer clause with one reference clause.
        lexical: share of key concepts given, or None when the card has none.
        t: thresholds.
    """
    if similarity <= 0:
        return 0.0, 0.0
    meaning = _ramp(similarity, t.sim_floor, t.sim_ceil)
    coverage = lexical if lexical is not None else _ramp(best_unit, t.sim_floor, t.sim_ceil)
    return t.sim_weight * meaning + (1.0 - t.sim_weight) * coverage, coverage


def verdict_of(score: float, t: Thresholds) -> str:
    return "right" if score >= t.right else "partial" if score >= t.partial else "wrong"
