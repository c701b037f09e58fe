"""How the answer relevance gate separates answerable from off-topic questions.

Prints, for a range of thresholds, the share of dev questions still answered
and the share of off-topic questions refused, using the real index.

    STUDYGRAPH_HOME=/tmp/sg .venv/bin/studygraph ingest seeds
    STUDYGRAPH_HOME=/tmp/sg .venv/bin/python benchmarks/answer_gate.py
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from studygraph.assistant.answering import MIN_RELEVANCE, score_spans
from studygraph.assistant.evaluate import load_gold
from studygraph.assistant.facade import Studygraph

ROOT = Path(__file__).resolve().parents[1]



def top_relevance(sg: Studygraph, question: str) -> float:
    index = sg.index()
    expanded = sg.expand([question])
    vector = sg.query_vectors([question], expanded)[0]
    hits = sg.search(question)
    scored = score_spans(question, vector, hits, index)
    return scored[0].relevance if scored else 0.0


def main() -> None:
    sg = Studygraph()
    gold = [g.question for g in load_gold(ROOT.parent / "shared" / "eval" / "dev_qa.jsonl")]
    off = [q.strip() for q in (ROOT / "benchmarks" / "offtopic_questions.txt").read_text().splitlines() if q.strip()]
    answerable = np.array([top_relevance(sg, q) for q in gold])
    offtopic = np.array([top_relevance(sg, q) for q in off])
    print(f"answerable: min {answerable.min():.3f}  p10 {np.percentile(answerable, 10):.3f}  median {np.median(answerable):.3f}")
    print(f"off-topic:  max {offtopic.max():.3f}  p90 {np.percentile(offtopic, 90):.3f}  median {np.median(offtopic):.3f}")
    for threshold in (0.25, 0.28, 0.30, 0.32, 0.35, 0.40):
        mark = "  <- MIN_RELEVANCE" if abs(threshold - MIN_RELEVANCE) < 1e-9 else ""
        print(f"gate {threshold:.2f}: answers {np.mean(answerable >= threshold):.2f} of dev, refuses {np.mean(offtopic < threshold):.2f} of off-topic{mark}")


if __name__ == "__main__":
    main()
