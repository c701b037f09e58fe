"""Ingest one corpus into a fresh data directory and report where the time went.

Run in its own process (by run_all.py) so its peak RSS is the ingest's own.
Prints one JSON object:

    .venv/bin/python benchmarks/bench_ingest.py CORPUS_DIR HOME
"""

from __future__ import annotations

import json
import os
import resource
import sys
import threading
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

from studygraph.assistant.facade import Studygraph
from studygraph.assistant.index import SearchIndex
from studygraph.graph import build_graph
from studygraph.ingest.pipeline import Progress
from studygraph.settings import load_settings


def _children_rss(page: float) -> float:
    """Resident memory of this process's children (the graph build's worker processes), MB."""
    me, total = str(os.getpid()), 0.0
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            if (proc / "stat").read_text().rsplit(")", 1)[1].split()[1] == me:
                total += int((proc / "statm").read_text().split()[1]) * page
        except (OSError, ValueError, IndexError):
            continue  # exited between the listing and the read
    return total


class RssSampler(threading.Thread):
    """Peak resident memory per stage, sampled every 50 ms from /proc (Linux): this process
    alone, and with its children (a big graph build reads chunks in worker processes)."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.stage = "start"
        self.peaks: dict[str, float] = {}
        self.tree_peak = 0.0
        self.done = threading.Event()

    def run(self) -> None:
        page = os.sysconf("SC_PAGE_SIZE") / 2**20
        ticks, children = 0, 0.0
        while not self.done.wait(0.05):
            try:
                rss = int(Path("/proc/self/statm").read_text().split()[1]) * page
            except (OSError, ValueError, IndexError):
                return
            self.peaks[self.stage] = max(self.peaks.get(self.stage, 0.0), rss)
            ticks += 1
            if ticks % 5 == 0:  # every 0.25 s: listing /proc costs more than reading our own statm
                children = _children_rss(page)
            self.tree_peak = max(self.tree_peak, rss + children)


def main(corpus: Path, home: Path) -> dict:
    settings = load_settings(home=home)
    sampler = RssSampler()
    sampler.start()
    sg = Studygraph(settings)
    started = time.perf_counter()
    sg.embedder.encode(["warm up"])  # the model load is reported apart: the floor excludes it too
    model_load = time.perf_counter() - started

    marks: dict[str, float] = {}

    def progress(step: Progress) -> None:
        now = time.perf_counter()
        marks.setdefault(f"first_{step.stage}", now)
        marks[f"last_{step.stage}"] = now
        sampler.stage = {"done": "index and graph"}.get(step.stage, step.stage)

    started = time.perf_counter()
    report = sg.ingest([corpus], progress=progress)
    ingest_s = time.perf_counter() - started
    index = sg.index()
    spans = int(index.snapshot.span_offsets[-1])

    # Derived structures from scratch, the costs a cold process or a rebuild pays.
    sampler.stage = "after ingest"
    started = time.perf_counter()
    SearchIndex(index.snapshot)
    index_s = time.perf_counter() - started
    started = time.perf_counter()
    graph = build_graph(index.chunks)
    graph_s = time.perf_counter() - started
    sampler.done.set()
    return {
        "notes": len(report.added),
        "chunks": len(index.chunks),
        "spans": spans,
        "bytes": sum(Path(n).stat().st_size for n in report.added),
        "model_load_s": model_load,
        "ingest_s": ingest_s,
        "sync_s": report.seconds,  # the pipeline: read, chunk, embed, store, commit, snapshot
        "embed_s": marks.get("last_embed", 0.0) - marks.get("first_embed", 0.0),
        "after_sync_s": ingest_s - report.seconds,  # index load and concept graph refresh
        "index_build_s": index_s,
        "graph_build_s": graph_s,
        "concepts": len(graph.concepts),
        "relations": len(graph.relations),
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "peak_rss_mb_by_stage": {k: round(v) for k, v in sampler.peaks.items()},
        "peak_rss_with_workers_mb": round(sampler.tree_peak),  # sampled: this process and its children at once
    }


if __name__ == "__main__":
    print(json.dumps(main(Path(sys.argv[1]).resolve(), Path(sys.argv[2]).resolve())))
