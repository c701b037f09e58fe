"""Retrieval and answer quality on a gold set (`studygraph eval`)."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from studygraph.assistant.types import Answer, Hit
from studygraph.errors import QueryError


@dataclass(frozen=True)
class Gold:
    id: str
    question: str
    sources: tuple[str, ...]
    evidence: str


@dataclass(frozen=True)
class ModeReport:
    mode: str
    questions: int
    recall: dict[int, float]
    mrr: float
    answer_evidence: float
    p50_ms: float
    p95_ms: float
    misses: tuple[str, ...]


def load_gold(path: Path) -> list[Gold]:
    if not path.is_file():
        raise QueryError(f"gold file {path} does not exist")
    out = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            out.append(Gold(str(row.get("id", number)), row["q"], tuple(row["source"].split("|")), row["evidence"]))
        except (ValueError, KeyError, AttributeError) as exc:
            raise QueryError(f"{path}:{number}: expected an object with q, source and evidence ({exc})") from exc
    if not out:
        raise QueryError(f"gold file {path} has no questions")
    return out


def is_relevant(hit: Hit, gold: Gold) -> bool:
    """A hit counts when its file is one of the gold sources and it contains the evidence.

    A gold source is a file name (`notes.md`) or a path relative to the corpus
    (`cosmology/io/index.rst`), which tells apart files that share a name.
    """
    source = Path(hit.chunk.source).as_posix()
    named = any(source == s or source.endswith("/" + s) for s in gold.sources)
    return named and gold.evidence.lower() in hit.chunk.text.lower()


def _plain(text: str) -> str:
    return " ".join(text.replace("`", "").split()).lower()


def holds(answer: str, evidence: str) -> bool:
    """Whether an answer quotes the evidence: the answer shows inline code without its
    backticks ("the dep_data argument" for "the `dep_data` argument"), so both are
    compared without them, and with runs of white space as one space."""
    return _plain(evidence) in _plain(answer)


def evaluate_mode(
    gold: Sequence[Gold],
    mode: str,
    k: int,
    search: Callable[[str, int, str], list[Hit]],
    ask: Callable[[str, int, str], Answer],
) -> ModeReport:
    ks = sorted({1, 3, 5, k})
    found = dict.fromkeys(ks, 0)
    reciprocal = 0.0
    with_evidence = 0
    latencies = []
    misses = []
    for item in gold:
        started = time.perf_counter()
        hits = search(item.question, max(ks), mode)
        latencies.append((time.perf_counter() - started) * 1000)
        rank = next((h.rank for h in hits if is_relevant(h, item)), None)
        for n in ks:
            found[n] += int(rank is not None and rank <= n)
        reciprocal += 1.0 / rank if rank else 0.0
        if rank != 1:
            misses.append(item.id)
        answer = ask(item.question, k, mode)
        with_evidence += int(holds(answer.text, item.evidence))
    count = len(gold)
    return ModeReport(
        mode=mode,
        questions=count,
        recall={n: found[n] / count for n in ks},
        mrr=reciprocal / count,
        answer_evidence=with_evidence / count,
        p50_ms=float(np.percentile(latencies, 50)),
        p95_ms=float(np.percentile(latencies, 95)),
        misses=tuple(misses),
    )
