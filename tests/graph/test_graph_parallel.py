"""A first build reads its chunks in worker processes; the graph is the one a serial
build makes, with or without the extraction cache, and a failed worker loses nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from graph_helpers import SEEDS, chunks_of

from studygraph.graph import build_graph, parallel
from studygraph.graph.extract import extract
from studygraph.graph.persist import graph_to_json
from studygraph.graph.worker import Reader


def _json(graph) -> str:
    return json.dumps(graph_to_json(graph), sort_keys=True)


@pytest.fixture(scope="module")
def serial() -> str:
    return _json(build_graph(chunks_of(SEEDS)))  # 85 chunks: below PARALLEL_FROM, read in this process


@pytest.fixture
def two_workers(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Worker processes for any number of chunks; returns the stages the workers ran."""
    monkeypatch.setattr(parallel, "PARALLEL_FROM", 1)
    monkeypatch.setattr(parallel, "usable_cores", lambda: 2)
    ran: list[str] = []
    real = parallel.Readers._run
    monkeypatch.setattr(parallel.Readers, "_run", lambda self, work, *a: ran.append(work) or real(self, work, *a))
    return ran


def test_workers_build_the_serial_graph(serial: str, tmp_path: Path, two_workers: list[str]) -> None:
    chunks = chunks_of(SEEDS)
    assert _json(build_graph(chunks, cache_dir=tmp_path)) == serial
    assert two_workers == ["discover", "extract"]
    # The cache the workers filled serves the next build: nothing is read again.
    two_workers.clear()
    assert _json(build_graph(chunks, cache_dir=tmp_path)) == serial
    assert two_workers == []


def test_each_worker_extracts_the_chunks_it_discovered_first(two_workers: list[str]) -> None:
    chunks = chunks_of(SEEDS)
    lexicon = build_graph(chunks).lexicon
    with parallel.Readers() as readers:
        assert readers.discover(chunks) == Reader().discover(chunks)
        owners = dict(readers._owner)
        assert set(owners) == {c.id for c in chunks} and set(owners.values()) == {0, 1}
        facts = readers.extract(chunks, lexicon)  # from the spans each worker kept, back in the chunks' order
    assert facts == [extract(chunk, lexicon) for chunk in chunks]


def test_a_failed_worker_falls_back_to_this_process(serial: str, two_workers: list[str], monkeypatch, caplog) -> None:
    monkeypatch.setattr(parallel.sys, "executable", "/bin/false")  # every worker exits at once
    chunks = chunks_of(SEEDS)
    with parallel.Readers() as readers:
        assert readers.discover(chunks) == Reader().discover(chunks)  # read again, in this process alone
        assert readers._broken  # and no worker is tried again in this build
    assert "reading chunks on several cores failed" in caplog.text
    assert _json(build_graph(chunks_of(SEEDS))) == serial
    monkeypatch.setattr(parallel.sys, "executable", "/nonexistent/python")  # no worker can start
    assert _json(build_graph(chunks_of(SEEDS))) == serial


def test_few_chunks_or_one_core_stay_in_this_process(monkeypatch: pytest.MonkeyPatch) -> None:
    assert parallel.workers_for(parallel.PARALLEL_FROM - 1) == 1
    monkeypatch.setattr(parallel, "usable_cores", lambda: 1)
    assert parallel.workers_for(10 * parallel.PARALLEL_FROM) == 1
    monkeypatch.setattr(parallel, "PARALLEL_FROM", 1)  # enough chunks, but one core
    chunks = chunks_of(SEEDS)
    with parallel.Readers() as readers:
        assert readers.discover(chunks) == Reader().discover(chunks)
        assert readers._workers == []  # neither a worker process nor a thread
