"""Grading accuracy on hand-written answers to 30 seed questions.

benchmarks/grading_pairs.jsonl holds a right, a partly right and a wrong
answer (written for this benchmark, in our own words) to 30 questions of the
seed notes. This script grades them with the real embedding model and reports:

- 3-way accuracy: verdict == label (right / partial / wrong);
- right-vs-wrong accuracy: on right and wrong answers only, whether a right
  answer is not graded "wrong" and a wrong answer is not graded "right";
- ranking: for how many questions right > partial > wrong by score.

With --calibrate it grid-searches the thresholds and reports the in-sample
best and a leave-one-question-out estimate (thresholds fitted on 29
questions, tested on the 30th), which is the honest figure.

    .venv/bin/python benchmarks/grading_accuracy.py [--calibrate] [--verbose]
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
from collections import Counter
from pathlib import Path

from studygraph.assistant.study.cards import normalise_question
from studygraph.assistant.study.grading import Grade, Grader, Thresholds, combine, verdict_of
from studygraph.assistant.study.questions import extract_cards
from studygraph.ingest.embedder import Embedder
from studygraph.ingest.note import Note
from studygraph.settings import load_settings

ROOT = Path(__file__).resolve().parents[1]
os.environ.setdefault("HF_HUB_OFFLINE", "1")


LABELS = ("right", "partial", "wrong")


def load_pairs(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def seed_cards(seeds: Path) -> dict[tuple[str, str], object]:
    cards = {}
    for path in sorted(seeds.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        for card in extract_cards(Note(str(path.resolve()), text, "", len(text), 0.0)):
            cards.setdefault((path.name, normalise_question(card.question)), card)
    return cards


def rescore(grades: list[Grade], t: Thresholds) -> list[str]:
    return [verdict_of(combine(g.similarity, g.best_unit, g.lexical, t)[0], t) for g in grades]


def accuracy(verdicts: list[str], labels: list[str]) -> tuple[float, float]:
    three = sum(v == lab for v, lab in zip(verdicts, labels)) / len(labels)
    ends = [(v, lab) for v, lab in zip(verdicts, labels) if lab != "partial"]
    binary = sum((lab == "right" and v != "wrong") or (lab == "wrong" and v != "right") for v, lab in ends) / len(ends)
    return three, binary


def grid() -> list[Thresholds]:
    out = []
    for floor, ceil, weight in itertools.product((0.1, 0.15, 0.2, 0.25), (0.65, 0.7, 0.75, 0.8), (0.4, 0.5, 0.6, 0.7, 0.8)):
        for right, partial in itertools.product([x / 100 for x in range(40, 81, 5)], [x / 100 for x in range(15, 51, 5)]):
            if partial < right:
                out.append(Thresholds(floor, ceil, weight, right, partial))
    return out


def fit(grades: list[Grade], labels: list[str], candidates: list[Thresholds]) -> Thresholds:
    def key(t: Thresholds) -> tuple[float, float]:
        three, binary = accuracy(rescore(grades, t), labels)
        return (three + binary, -abs(t.sim_weight - 0.6))
    return max(candidates, key=key)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pairs", type=Path, default=ROOT / "benchmarks" / "grading_pairs.jsonl")
    parser.add_argument("--seeds", type=Path, default=ROOT / "seeds")
    parser.add_argument("--calibrate", action="store_true")
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()

    pairs = load_pairs(args.pairs)
    cards = seed_cards(args.seeds)
    missing = [p["question"] for p in pairs if (p["note"], normalise_question(p["question"])) not in cards]
    if missing:
        raise SystemExit(f"questions not found among the seed cards: {missing}")
    chosen = [cards[(p["note"], normalise_question(p["question"]))] for p in pairs]
    labels = [p["label"] for p in pairs]
    # As in the app, an answer is contrasted with the deck: every seed card's reference.
    grader = Grader(Embedder(load_settings().model).encode, others=[c.answer for c in cards.values() if c.answer])
    grades = grader.grade_many([(card, p["answer"]) for card, p in zip(chosen, pairs)])

    verdicts = [g.verdict for g in grades]
    three, binary = accuracy(verdicts, labels)
    by_question = [grades[i : i + 3] for i in range(0, len(grades), 3)]
    ordered = sum(r.score > p.score > w.score for r, p, w in by_question)
    right_over_wrong = sum(r.score > w.score for r, _, w in by_question)
    print(f"pairs: {len(pairs)} ({len(by_question)} questions), thresholds: {grader.thresholds}")
    print(f"3-way accuracy (right/partial/wrong): {three:.3f}")
    print(f"right-vs-wrong accuracy:              {binary:.3f}")
    print(f"score order right>wrong:              {right_over_wrong}/{len(by_question)}")
    print(f"score order right>partial>wrong:      {ordered}/{len(by_question)}")
    confusion = Counter(zip(labels, verdicts))
    print("confusion (label -> verdict): " + ", ".join(f"{lab}->{v}: {confusion[(lab, v)]}" for lab in LABELS for v in LABELS))
    if args.verbose:
        for p, g in zip(pairs, grades):
            flag = " " if g.verdict == p["label"] else "x"
            print(f"{flag} {p['label']:7} {g.verdict:7} {g.score:.2f} sim={g.similarity:.2f} cov={g.coverage:.2f} "
                  f"| {p['question'][:50]} | missed={list(g.missed)}")
    if args.calibrate:
        candidates = grid()
        best = fit(grades, labels, candidates)
        print(f"in-sample best: {best} -> {accuracy(rescore(grades, best), labels)}")
        held_out: list[str] = []
        for q in range(len(by_question)):
            train = [i for i in range(len(grades)) if i // 3 != q]
            t = fit([grades[i] for i in train], [labels[i] for i in train], candidates)
            held_out += rescore(grades[q * 3 : q * 3 + 3], t)
        print(f"leave-one-question-out: 3-way {accuracy(held_out, labels)[0]:.3f}, right-vs-wrong {accuracy(held_out, labels)[1]:.3f}")


if __name__ == "__main__":
    main()
