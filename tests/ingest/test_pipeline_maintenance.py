"""`doctor`, `remove` and `rebuild` as a user runs them (the real `studygraph` entry point)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from studygraph.assistant.facade import Studygraph
from studygraph.assistant.graph_sync import graph_path
from studygraph.graph.model import RULES
from studygraph.ingest.journal import write_journal
from studygraph.ingest.manifest import load_manifest, manifest_path
from studygraph.ingest.note import Chunk
from studygraph.ingest.snapshot import load_snapshot, snapshot_path
from studygraph.ingest.store import ChunkStore
from studygraph.settings import load_settings

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
EXE = Path(sys.executable).with_name("studygraph")
TEXT = (
    "# {title}\n\n{title} is explained here in two sentences. The second sentence gives one more detail about {title}.\n\n"
    "## Details\n\nA list of facts:\n- {title} was introduced to solve a problem.\n- It is used in many systems today.\n"
)


def run(*args: str, home: Path, timeout: int = 180) -> subprocess.CompletedProcess:
    env = {**os.environ, "STUDYGRAPH_HOME": str(home), "HF_HUB_OFFLINE": "1"}
    return subprocess.run([str(EXE), *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)


@pytest.fixture
def ingested(tmp_path: Path, studygraph_home: Path) -> tuple[Studygraph, Path]:
    notes = tmp_path / "notes"
    notes.mkdir()
    for name, title in (("hnsw.md", "HNSW"), ("bm25.md", "BM25"), ("rrf.txt", "Reciprocal rank fusion")):
        (notes / name).write_text(TEXT.format(title=title), encoding="utf-8")
    sg = Studygraph(load_settings())
    sg.ingest([notes])
    sg.graph()
    return sg, notes


def served_chunks(home: Path) -> list[tuple]:
    return [(c.id, c.source, c.start_line, c.end_line, c.text) for c in load_snapshot(home).chunks]


def test_doctor_on_a_healthy_index(ingested: tuple[Studygraph, Path], studygraph_home: Path) -> None:
    result = run("doctor", home=studygraph_home)
    assert result.returncode == 0, result.stderr
    generation = load_manifest(studygraph_home).generation
    assert result.stdout.strip() == f"index is consistent (generation {generation})"


def test_doctor_finds_each_kind_of_damage_and_repair_fixes_it(ingested: tuple[Studygraph, Path], studygraph_home: Path) -> None:
    sg, notes = ingested
    before = served_chunks(studygraph_home)
    manifest = load_manifest(studygraph_home)
    store = ChunkStore(sg.settings)
    hnsw, bm25 = manifest.notes[str(notes / "hnsw.md")], manifest.notes[str(notes / "bm25.md")]
    store.collection.delete(ids=[hnsw.chunk_ids[0]])  # a committed chunk lost
    store.spans.delete(where={"chunk_id": bm25.chunk_ids[0]})  # a chunk without its spans
    stray = Chunk("f" * 32, str(notes / "old.md"), "stale text", 1, 1)
    store.upsert([stray], np.ones((1, 384), dtype=np.float32) / np.sqrt(384), [np.ones((2, 384), dtype=np.float32)])
    snapshot_path(studygraph_home).unlink()
    graph_path(studygraph_home).write_text("{}", encoding="utf-8")
    write_journal(studygraph_home, [str(notes / "rrf.txt")])
    (notes / "hnsw.md").write_text(TEXT.format(title="HNSW") + "\nEdited after the ingest.\n", encoding="utf-8")

    found = run("doctor", home=studygraph_home)
    assert found.returncode == 1
    lines = found.stdout.splitlines()
    assert "problem: an ingest was interrupted (1 note(s) in" in lines[0]
    assert "problem: 1 committed chunk(s) of 1 note(s) are missing from Chroma" in lines
    assert "problem: 1 chunk(s) in Chroma belong to no committed note" in lines
    assert "problem: 1 chunk(s) of 1 note(s) lack span vectors" in lines
    assert "problem: the search snapshot is missing or unreadable" in lines
    assert "note: 1 note(s) changed since the last ingest; `studygraph ingest` will re-read them" in lines
    assert lines[-1] == "run `studygraph doctor --repair` to fix these"

    (notes / "hnsw.md").write_text(TEXT.format(title="HNSW"), encoding="utf-8")
    result = Studygraph(load_settings()).doctor(repair=True)
    assert result.ok, result
    assert "rebuilt the concept graph" in result.repaired
    assert served_chunks(studygraph_home) == before
    assert ChunkStore(sg.settings).ids() == {row[0] for row in before}
    assert run("doctor", home=studygraph_home).returncode == 0


def test_a_graph_made_by_older_rules_is_made_again(ingested: tuple[Studygraph, Path], studygraph_home: Path) -> None:
    # A release that reads notes differently (new concept types, say) must not serve the graph the old one stored.
    stamp = studygraph_home / "graph" / "generation.json"
    data = json.loads(stamp.read_text(encoding="utf-8"))
    assert data["rules"] == RULES
    stamp.write_text(json.dumps({**data, "rules": RULES - 1}), encoding="utf-8")
    assert "older release's rules" in run("doctor", home=studygraph_home).stdout
    Studygraph(load_settings()).graph()
    assert json.loads(stamp.read_text(encoding="utf-8"))["rules"] == RULES
    assert run("doctor", home=studygraph_home).returncode == 0


def test_doctor_without_an_index_says_what_to_run(studygraph_home: Path) -> None:
    result = run("doctor", home=studygraph_home)
    assert result.returncode == 2
    assert result.stderr.strip() == f"error: no index in {studygraph_home} yet; run `studygraph ingest` first"


def test_remove_from_the_command_line(ingested: tuple[Studygraph, Path], studygraph_home: Path) -> None:
    _sg, notes = ingested
    result = run("remove", "bm25.md", home=studygraph_home)
    assert result.returncode == 0, result.stderr
    left = len(load_manifest(studygraph_home).chunk_ids())
    assert result.stdout.splitlines() == [f"removed {notes / 'bm25.md'}", f"{left} chunk(s) left in the index"]
    assert all(Path(c.source).name != "bm25.md" for c in load_snapshot(studygraph_home).chunks)
    assert "bm25.md" not in json.dumps(json.loads(graph_path(studygraph_home).read_text(encoding="utf-8")))
    again = run("remove", "bm25.md", home=studygraph_home)
    assert again.returncode == 2
    assert again.stderr.strip() == "error: bm25.md: is not an ingested note; `studygraph status` shows what the index holds"
    assert run("doctor", home=studygraph_home).returncode == 0


def test_rebuild_after_the_manifest_is_damaged(ingested: tuple[Studygraph, Path], studygraph_home: Path) -> None:
    _sg, notes = ingested
    before = {row[0] for row in served_chunks(studygraph_home)}
    manifest_path(studygraph_home).write_text('{"model": "all-MiniLM', encoding="utf-8")
    search = run("search", "HNSW", "--mode", "bm25", home=studygraph_home)
    assert search.returncode == 2 and len(search.stderr.strip().splitlines()) == 1
    assert "is unreadable" in search.stderr and "run `studygraph rebuild`" in search.stderr
    result = run("rebuild", str(notes), home=studygraph_home)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().startswith("3 added, 0 updated, 0 removed, 0 unchanged;")
    assert {row[0] for row in served_chunks(studygraph_home)} == before
    assert run("doctor", home=studygraph_home).returncode == 0
