"""A first build reads its chunks in worker processes; the graph is the one a serial
build makes, with or without the extraction cache, and a failed worker loses nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from graph_helpers import SEEDS, chunks_of

from studygraph.graph import build_graph, parallel
from studygraph.graph.persist import graph_to_json


def _json(graph) -> str:
    return json.dumps(graph_to_json(graph), sort_keys=True)


@pytest.fixture(scope="module")
def serial() -> str:
    return _json(build_graph(chunks_of(SEEDS)))  # 85 chunks: below PARALLEL_FROM, read in this process


def test_workers_build_the_serial_graph(serial: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "PARALLEL_FROM", 1)
    monkeypatch.setattr(parallel, "usable_cores", lambda: 2)
    chunks = chunks_of(SEEDS)
    spawned = []
    real = parallel._run
    monkeypatch.setattr(parallel, "_run", lambda *a, **k: spawned.append(a[0]) or real(*a, **k))
    assert _json(build_graph(chunks, cache_dir=tmp_path)) == serial
    assert spawned == ["discover", "extract"]
    # The cache the workers filled serves the next build: nothing is read again.
    spawned.clear()
    assert _json(build_graph(chunks, cache_dir=tmp_path)) == serial
    assert spawned == []


def test_a_failed_worker_falls_back_to_this_process(serial: str, monkeypatch: pytest.MonkeyPatch, caplog) -> None:
    monkeypatch.setattr(parallel, "PARALLEL_FROM", 1)
    monkeypatch.setattr(parallel, "usable_cores", lambda: 2)
    monkeypatch.setattr(parallel.sys, "executable", "/bin/false")  # every worker exits at once
    assert parallel.discover_all(chunks_of(SEEDS)) is None
    assert "worker process failed" in caplog.text
    assert _json(build_graph(chunks_of(SEEDS))) == serial


def test_few_chunks_or_one_core_stay_in_this_process(monkeypatch: pytest.MonkeyPatch) -> None:
    assert parallel.workers_for(parallel.PARALLEL_FROM - 1) == 1
    monkeypatch.setattr(parallel, "usable_cores", lambda: 1)
    assert parallel.workers_for(10 * parallel.PARALLEL_FROM) == 1
    assert parallel.discover_all(chunks_of(SEEDS) * 40) is None
