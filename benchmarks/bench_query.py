"""Warm query latency over an ingested data directory: `search` in each mode and `ask`.

Run in its own process by run_all.py, after the ingest. The facade is warmed
up first (model, index, graph), then every question is asked ROUNDS times per
mode, interleaved so that load spikes hit every mode alike. Prints one JSON object:

    .venv/bin/python benchmarks/bench_query.py HOME QUESTIONS.jsonl
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import numpy as np

from studygraph.assistant.facade import Studygraph
from studygraph.settings import load_settings

ROUNDS = 3
MODES = ("bm25", "dense", "hybrid")


def questions(path: Path) -> list[str]:
    return [json.loads(line)["q"] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def percentiles(samples: list[float]) -> dict[str, float]:
    return {"p50_ms": float(np.percentile(samples, 50)), "p95_ms": float(np.percentile(samples, 95)), "n": len(samples)}


def main(home: Path, gold: Path) -> dict:
    sg = Studygraph(load_settings(home=home))
    started = time.perf_counter()
    sg.warm_up()
    sg.graph()
    warm_up = time.perf_counter() - started
    asked = questions(gold)
    for q in asked[:3]:  # first-call effects (lazy imports, caches) are not steady state
        sg.ask(q)
    timings: dict[str, list[float]] = {f"search_{m}": [] for m in MODES} | {"ask": [], "embed": []}
    for _ in range(ROUNDS):
        for q in asked:
            for mode in MODES:
                started = time.perf_counter()
                sg.search(q, 5, mode)
                timings[f"search_{mode}"].append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            sg.ask(q)
            timings["ask"].append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            sg.embed([q])
            timings["embed"].append((time.perf_counter() - started) * 1000)
    return {
        "warm_up_s": warm_up,
        **{name: percentiles(values) for name, values in timings.items()},
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


if __name__ == "__main__":
    print(json.dumps(main(Path(sys.argv[1]).resolve(), Path(sys.argv[2]).resolve())))
