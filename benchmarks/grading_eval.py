"""Grading accuracy per kind of answer: paraphrases, confident wrong answers,
bare keyword lists and negated claims.

Each line of a set is `{"question", "reference", "answer", "kind", "verdict"}`.
An answer is graded against its reference with the real embedding model and the
concept names of the seeds' graph, as the app grades it, and counts as passed when

- its expected verdict is "right" and it is graded right (accepted);
- its expected verdict is "wrong" or "partial" and it is not graded right.

"rejected" is the stricter share graded exactly "wrong"; "exact" the share whose
verdict equals the expected one.

    .venv/bin/python benchmarks/grading_eval.py                # the dev answers
    .venv/bin/python benchmarks/grading_eval.py --blind        # + benchmarks/blind/grading/answers.jsonl
    .venv/bin/python benchmarks/grading_eval.py --verbose      # every miss with its score and problems
    .venv/bin/python benchmarks/grading_eval.py --heldout      # + benchmarks/blind/grading-heldout (other fields)

The dev answers (tests/assistant/study/grading_dev.jsonl) are what the grader
was calibrated on; the blind set was written by someone who never ran it. The
held-out set (rows carry a "corpus" of benchmarks/notes_corpora.py) was written
blind on two other fields and is looked at only to judge, never to tune.

As in the app, each answer is contrasted with the deck of its notes: the
references of every card `extract_cards` finds in them plus the set's own
references; concepts come from the graph of those notes.
"""

from __future__ import annotations

import argparse
import json
import os
from collections import defaultdict
from pathlib import Path

import notes_corpora

from studygraph.assistant.study.cards import Card, card_id
from studygraph.assistant.study.grading import Grade, Grader
from studygraph.assistant.study.keyterms import key_concepts
from studygraph.assistant.study.questions import extract_cards
from studygraph.graph import build_graph
from studygraph.ingest.chunking import split_note
from studygraph.ingest.embedder import Embedder
from studygraph.ingest.reading import read_note
from studygraph.settings import load_settings

ROOT = Path(__file__).resolve().parents[1]
DEV = ROOT / "tests" / "assistant" / "study" / "grading_dev.jsonl"
BLIND = ROOT / "benchmarks" / "blind" / "grading" / "answers.jsonl"
HELD_OUT = ROOT / "benchmarks" / "blind" / "grading-heldout" / "answers.jsonl"
os.environ.setdefault("HF_HUB_OFFLINE", "1")


def load(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def notes_context(folder: Path) -> tuple[list[str], list[str]]:
    """(concept names and aliases of the folder's graph, references of the cards its notes hold)."""
    chunks, deck = [], []
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix in notes_corpora.NOTE_SUFFIXES):
        note = read_note(path, 1 << 30)
        chunks += split_note(note)
        deck += [c.answer for c in extract_cards(note) if c.answer]
    graph = build_graph(chunks)
    return [n for c in graph.concepts.values() for n in (c.name, *c.aliases)], deck


CONTEXTS: dict[str, tuple[list[str], list[str]]] = {}  # corpus ("" = the seeds) -> (concepts, deck)


def card_of(row: dict) -> Card:
    units = [line for line in row["reference"].splitlines() if line.strip()]
    return Card(card_id("eval", row["question"] + row["reference"]), row["question"], row["reference"], "qa", "",
                0, 0, key_concepts=key_concepts(units, row["question"]))


def passed(expected: str, grade: Grade) -> bool:
    return grade.verdict == "right" if expected == "right" else grade.verdict != "right"


def report(name: str, rows: list[dict], grader: Grader, verbose: bool) -> dict:
    grades: list[Grade] = []
    for corpus in dict.fromkeys(r.get("corpus", "") for r in rows):
        part = [r for r in rows if r.get("corpus", "") == corpus]
        concepts, deck = CONTEXTS[corpus] if corpus in CONTEXTS else CONTEXTS.setdefault(
            corpus, notes_context(notes_corpora.corpus(corpus)))
        grader.concepts, grader.others = tuple(concepts), tuple(deck + [r["reference"] for r in part])
        grades += grader.grade_many([(card_of(r), r["answer"]) for r in part])
    rows = [r for corpus in dict.fromkeys(r.get("corpus", "") for r in rows) for r in rows if r.get("corpus", "") == corpus]
    by_kind: dict[str, list[tuple[dict, Grade]]] = defaultdict(list)
    for row, grade in zip(rows, grades):
        by_kind[row["kind"]].append((row, grade))
    print(f"\n{name}: {len(rows)} answers")
    print(f"{'kind':<22}{'n':>4}{'passed':>9}{'rejected':>10}{'exact':>8}")
    out = {}
    for kind, items in sorted(by_kind.items()):
        n = len(items)
        ok = sum(passed(r["verdict"], g) for r, g in items) / n
        rejected = sum(g.verdict == "wrong" for _, g in items) / n
        exact = sum(g.verdict == r["verdict"] for r, g in items) / n
        out[kind] = {"n": n, "passed": round(ok, 3), "rejected": round(rejected, 3), "exact": round(exact, 3)}
        print(f"{kind:<22}{n:>4}{ok:>9.2f}{rejected:>10.2f}{exact:>8.2f}")
        if verbose:
            for row, grade in items:
                if not passed(row["verdict"], grade):
                    print(f"    MISS {grade.verdict} {grade.score:.2f} sim {grade.similarity:.2f} "
                          f"missed {list(grade.missed)} {list(grade.problems)}\n"
                          f"      Q: {row['question']}\n      A: {row['answer']}")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--blind", action="store_true", help=f"also grade {BLIND.relative_to(ROOT)}")
    parser.add_argument("--heldout", action="store_true", help=f"also grade {HELD_OUT.relative_to(ROOT)}")
    parser.add_argument("--verbose", action="store_true", help="print every miss")
    parser.add_argument("--set", type=Path, action="append", default=[], help="also grade this set")
    parser.add_argument("--json", type=Path, help="write the figures to this file")
    args = parser.parse_args()
    embedder = Embedder(load_settings().model)
    CONTEXTS[""] = notes_context(ROOT / "seeds")
    grader = Grader(embedder.encode)
    results = {"dev": report("dev (calibration)", load(DEV), grader, args.verbose)}
    for extra in args.set:
        results[extra.stem] = report(extra.name, load(extra), grader, args.verbose)
    if args.blind:
        results["blind"] = report("blind", load(BLIND), grader, args.verbose)
    if args.heldout:
        results["heldout"] = report("held out (other fields)", load(HELD_OUT), grader, args.verbose)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
