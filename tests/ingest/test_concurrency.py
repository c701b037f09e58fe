"""Several real processes on one data directory: writers queue, readers never see a mix."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from studygraph.assistant.facade import Studygraph
from studygraph.ingest.journal import journal_path
from studygraph.ingest.lock import lock_path
from studygraph.ingest.manifest import load_manifest, save_manifest
from studygraph.ingest.snapshot import current_snapshot, load_snapshot, snapshot_path
from studygraph.ingest.store import ChunkStore
from studygraph.settings import load_settings

pytestmark = [pytest.mark.slow, pytest.mark.timeout(600)]
ROOT = Path(__file__).resolve().parents[2]
EXE = Path(sys.executable).with_name("studygraph")


def cli(home: Path, *args: str, **env: str) -> subprocess.Popen:
    full_env = {**os.environ, "STUDYGRAPH_HOME": str(home), "HF_HUB_OFFLINE": "1", **env}
    return subprocess.Popen([str(EXE), *args], cwd=ROOT, env=full_env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def wait_for(condition, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return False


def hold_lock(home: Path) -> subprocess.Popen:
    """A process that holds the writer lock until its stdin closes (a writer that takes its time)."""
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys; from filelock import FileLock; l = FileLock(sys.argv[1]); l.acquire(); "
         "print('held', flush=True); sys.stdin.read()", str(lock_path(home))],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
    return holder


def test_a_writer_that_cannot_get_the_lock_in_time_gives_up_with_a_clear_message(studygraph_home: Path, seeds_copy: Path) -> None:
    holder = hold_lock(studygraph_home)
    try:
        impatient = cli(studygraph_home, "ingest", str(seeds_copy), STUDYGRAPH_LOCK_TIMEOUT="1")
        _out, err = impatient.communicate(timeout=120)
    finally:
        holder.communicate("", timeout=30)
    assert impatient.returncode == 2
    assert err.strip().splitlines()[-1] == (
        f"error: another studygraph process has held {lock_path(studygraph_home)} for over 1 s "
        "(an ingest, remove, rebuild or doctor --repair); try again when it has finished"
    )


def test_a_second_ingest_waits_for_the_first_and_embeds_nothing_twice(seeds_copy: Path, studygraph_home: Path) -> None:
    first = cli(studygraph_home, "ingest", str(seeds_copy))
    assert wait_for(lambda: journal_path(studygraph_home).exists(), 120), "the first ingest never started writing"
    second = cli(studygraph_home, "ingest", str(seeds_copy))  # starts while the first holds the lock
    out_first, err_first = first.communicate(timeout=300)
    out_second, err_second = second.communicate(timeout=300)
    assert first.returncode == 0 and second.returncode == 0, err_first + err_second
    assert out_first.startswith("5 added, 0 updated, 0 removed, 0 unchanged;")
    # The second one waited, then found everything done: nothing embedded twice, nothing interleaved.
    assert out_second.startswith("0 added, 0 updated, 0 removed, 5 unchanged; 0 chunk(s) embedded")
    doctor = cli(studygraph_home, "doctor")
    assert doctor.communicate(timeout=120)[0].startswith("index is consistent") and doctor.returncode == 0


QUERY_LOOP = textwrap.dedent(
    """
    import json, sys, time
    from pathlib import Path
    from studygraph.assistant.facade import Studygraph
    stop, out, progress = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
    sg = Studygraph()
    seen, errors, queries = {}, [], 0
    while not stop.exists():
        try:
            # The index a search used (another call to sg.index() may already see the next generation).
            index, results, _ = sg._search(["contrastive loss", "attention heads", "vector index"], 5, "bm25")
            ids = [c.id for c in index.chunks]
            key = str(hash(tuple(ids)))
            seen.setdefault(key, ids)
            for hits in results:
                if any(h.chunk.id not in set(ids) for h in hits):
                    errors.append("a hit outside the index it came from")
            queries += 1
            progress.write_text(str(index.snapshot.generation))  # the generation this reader has seen
        except Exception as exc:
            errors.append(repr(exc))
    out.write_text(json.dumps({"seen": list(seen.values()), "errors": errors[:20], "queries": queries}))
    """
)


def test_queries_during_an_ingest_see_the_old_or_the_new_index(seeds_copy: Path, studygraph_home: Path, tmp_path: Path) -> None:
    Studygraph(load_settings()).ingest([seeds_copy])
    old = [c.id for c in load_snapshot(studygraph_home).chunks]
    # A change with every kind of write: an edit, two deletions, a new note of 17 passages.
    shutil.copy(seeds_copy / "000_ea24ba94182485b6.txt", seeds_copy / "010_copy.md")
    (seeds_copy / "001_c0dbccdbb029a926.txt").unlink()
    (seeds_copy / "002_7e10b629c22f1859.txt").unlink()
    edited = seeds_copy / "003_2b72a920368736ff.txt"
    edited.write_text("# Moved down\n\n" + edited.read_text(encoding="utf-8") + "\nOne more closing sentence.\n", encoding="utf-8")
    stop, result, progress = tmp_path / "stop", tmp_path / "seen.json", tmp_path / "generation"
    script = tmp_path / "query_loop.py"
    script.write_text(QUERY_LOOP, encoding="utf-8")
    env = {**os.environ, "STUDYGRAPH_HOME": str(studygraph_home), "HF_HUB_OFFLINE": "1"}
    reader = subprocess.Popen([sys.executable, str(script), str(stop), str(result), str(progress)], cwd=ROOT, env=env, stderr=subprocess.PIPE, text=True)
    writer = cli(studygraph_home, "ingest", str(seeds_copy))
    cli_searches = []
    while writer.poll() is None:
        search = cli(studygraph_home, "search", "contrastive loss", "--mode", "bm25", "--json")
        out, err = search.communicate(timeout=120)
        cli_searches.append((search.returncode, out, err))
    assert writer.returncode == 0, writer.stderr.read()
    generation = str(load_manifest(studygraph_home).generation)
    assert wait_for(lambda: progress.exists() and progress.read_text() == generation, 120), "the reader never saw the new index"
    stop.touch()
    assert reader.wait(timeout=120) == 0, reader.stderr.read()
    new = [c.id for c in load_snapshot(studygraph_home).chunks]
    assert new != old
    data = json.loads(result.read_text())
    assert data["errors"] == [] and data["queries"] > 10
    assert all(ids in (old, new) for ids in data["seen"]), "a reader saw an index that is neither the old nor the new one"
    assert new in data["seen"]
    for code, out, err in cli_searches:
        assert code == 0, err
        hit_ids = {h["chunk_id"] for h in json.loads(out)["hits"]}
        assert hit_ids <= set(old) or hit_ids <= set(new)


def test_a_reader_finds_a_stale_snapshot_and_repairs_it_under_the_lock(tmp_path: Path, studygraph_home: Path, embedder) -> None:
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "a.md").write_text("# HNSW\n\nA graph index for approximate nearest neighbours.\n", encoding="utf-8")
    sg = Studygraph(load_settings())
    sg.ingest([notes])
    settings, store = sg.settings, ChunkStore(sg.settings)
    committed = load_manifest(studygraph_home)
    # As if a writer committed generation +1 and was killed before writing its snapshot.
    save_manifest(studygraph_home, committed.with_notes(committed.notes))
    holder = hold_lock(studygraph_home)
    # A writer holds the lock for longer than a commit takes: read Chroma, keep it in memory.
    try:
        snapshot = current_snapshot(studygraph_home, store, settings.lock_timeout)
        assert snapshot.generation == committed.generation + 1
        assert load_snapshot(studygraph_home).generation == committed.generation  # not written without the lock
    finally:
        holder.communicate("", timeout=30)
    repaired = current_snapshot(studygraph_home, store, settings.lock_timeout)
    assert repaired.generation == committed.generation + 1
    assert load_snapshot(studygraph_home).generation == committed.generation + 1
    snapshot_path(studygraph_home).unlink()
    assert current_snapshot(studygraph_home, store, settings.lock_timeout).generation == committed.generation + 1
