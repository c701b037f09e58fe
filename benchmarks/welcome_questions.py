"""Measure the welcome's question filter (assistant/welcome.py) on an ingested home.

    STUDYGRAPH_HOME=... python benchmarks/welcome_questions.py

Asks every ranked candidate and prints its best-span relevance, whether the first
citation quotes where the notes answer it, and the answer's opening, so STRONG is
set from what good and bad suggestions score, on any notes.
"""

from __future__ import annotations

import sys

from studygraph.assistant import welcome
from studygraph.assistant.facade import Studygraph
from studygraph.settings import load_settings


def measure(sg: Studygraph, asked: int = 40) -> list[tuple[float, bool, str, str]]:
    picked = welcome.rank(sg, welcome.note_questions(list(sg.index().chunks)), asked)
    picked += welcome.rank(sg, welcome.defined_concepts(sg), asked)
    answers = sg.ask_batch([c.question for c in picked], llm=False)
    scores = welcome.strength(sg, picked, answers)
    return [(s, welcome.answers_at_home(c, a), c.question, a.text[:90]) for c, a, s in zip(picked, answers, scores)]


def main() -> None:
    sg = Studygraph(load_settings()).warm_up()
    rows = measure(sg, int(sys.argv[1]) if len(sys.argv) > 1 else 40)
    for score, home, question, text in sorted(rows, key=lambda r: -r[0]):
        print(f"{score:.2f} {'home' if home else 'away'}  {question}  ->  {text}")
    for cut in (0.4, 0.5, 0.55, 0.6, 0.7):
        kept = [r for r in rows if r[0] >= cut]
        print(f"relevance >= {cut}: {len(kept)} kept, {sum(r[1] for r in kept)} quote where the notes answer")


if __name__ == "__main__":
    main()
