"""SIGKILL a real writer process at many moments, then check what users would see.

Four operations on the seed notes: a first ingest, an update (one note edited
with lines inserted above its passages, one deleted, one added), `remove` and
`rebuild`. Each is run once cleanly to record its write events and duration,
then again in fresh copies of its start state, killed at chosen events and at
chosen times. After every kill:

* doctor finds only what a killed writer may leave (a journal, orphans in
  Chroma, a stale snapshot or graph), never a committed chunk missing;
* a query process sees exactly the old or the new index, chunk for chunk
  (no chunk of a deleted or half-ingested note);
* the next command (the same ingest; `ask`) ends exactly as a clean run:
  same chunk ids per note, same answers, and doctor finds nothing.

KILL_TEST_ALL=1 kills at every event instead of a sample;
KILL_TEST_OPS=update,remove limits the operations.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import crash_worker
import pytest

from studygraph.assistant.facade import Studygraph
from studygraph.assistant.graph_sync import graph_problem
from studygraph.assistant.output import answer_json
from studygraph.errors import IndexMissingError
from studygraph.ingest.doctor import diagnose
from studygraph.ingest.manifest import load_manifest
from studygraph.ingest.snapshot import load_snapshot
from studygraph.ingest.store import ChunkStore
from studygraph.settings import load_settings

pytestmark = [pytest.mark.kill, pytest.mark.slow, pytest.mark.timeout(900)]

WORKER = Path(crash_worker.__file__)
SEEDS = Path(__file__).resolve().parents[2] / "seeds"
QUESTIONS = ["What is the Perceiver Resampler?", "What is contrastive learning?", "How does CLIP work?"]
AFTER_KILL_ALLOWED = {"journal", "orphan_chunks", "orphan_spans", "stale_snapshot"}
STEP_KILLS = 12  # per operation, spread evenly over its write events
TIMED_KILLS = 3  # per operation, spread evenly over its measured duration
EDITED, DELETED, ADDED, REMOVED = "003_2b72a920368736ff.txt", "001_c0dbccdbb029a926.txt", "005_new.md", "002_7e10b629c22f1859.txt"


def set_notes(folder: Path, version: int) -> None:
    """v1: the seeds as they are. v2: one note edited, one deleted, one added."""
    if folder.exists():
        shutil.rmtree(folder)
    shutil.copytree(SEEDS, folder)
    for f in folder.iterdir():
        f.chmod(0o644)
    if version == 2:
        edited = folder / EDITED
        lines = edited.read_text(encoding="utf-8").splitlines()
        middle = len(lines) // 2
        lines[middle] = lines[middle] + " This sentence was added by an edit about gradient clipping."
        edited.write_text("# Revised\n\n" + "\n".join(lines) + "\n", encoding="utf-8")
        (folder / DELETED).unlink()
        (folder / ADDED).write_text(
            "# Dropout\n\nDropout randomly zeroes activations during training.\n"
            "It reduces co-adaptation of neurons and acts as a regulariser.\n",
            encoding="utf-8",
        )


class Workers:
    """The fork server of crash_worker.py: one process start for all runs."""

    def __init__(self, lab: Path) -> None:
        self.lab = lab
        env = {**os.environ, "HF_HUB_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false"}
        self.errors = (lab / "workers.err").open("w")
        self.pending: list[str] = []
        self.proc = subprocess.Popen([sys.executable, str(WORKER), "--serve"], env=env, stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=self.errors, text=True, bufsize=1)

    def run(self, home: Path, op: dict, kill_at: int = 0, kill_after: float | None = None, record: Path | None = None) -> int:
        config = {**op, "home": str(home), "cache": str(self.lab / "embeddings.npz"), "batch": 16, "kill_at": kill_at,
                  "go": kill_after is not None, "events_out": str(record) if record else ""}
        config_path = self.lab / "config.json"
        config_path.write_text(json.dumps(config))
        self.proc.stdin.write(f"{config_path}\n")
        self.proc.stdin.flush()
        pid = int(self._line("pid "))
        if kill_after is not None:
            self._line("go")
            time.sleep(kill_after)
            with contextlib.suppress(ProcessLookupError):  # it may have finished first
                os.kill(pid, signal.SIGKILL)
        code = int(self._line("exit "))
        if code not in (0, -signal.SIGKILL):
            self.errors.flush()
            raise AssertionError(f"worker failed ({code}):\n{(self.lab / 'workers.err').read_text()[-3000:]}")
        return code

    def _line(self, prefix: str) -> str:
        # The forked child's "go" and the server's "pid" race on one pipe: keep
        # lines that arrive early instead of dropping them, and never wait for a
        # "go" after the child has already exited.
        for i, line in enumerate(self.pending):
            if line.startswith(prefix):
                del self.pending[i]
                return line[len(prefix):].strip()
        while True:
            line = self.proc.stdout.readline()
            if not line:
                raise AssertionError(f"the worker server died:\n{(self.lab / 'workers.err').read_text()[-3000:]}")
            if line.startswith(prefix):
                return line[len(prefix):].strip()
            if prefix == "go" and line.startswith("exit "):
                raise AssertionError(f"the worker exited before starting ({line.strip()}):\n"
                                     f"{(self.lab / 'workers.err').read_text()[-3000:]}")
            self.pending.append(line)

    def close(self) -> None:
        self.proc.stdin.close()
        self.proc.wait(timeout=60)
        self.errors.close()


def index_state(home: Path) -> dict:
    """What search serves: the snapshot's chunks (with their lines) per committed manifest."""
    manifest = load_manifest(home)
    snapshot = load_snapshot(home)
    assert manifest is not None and snapshot is not None and snapshot.generation == manifest.generation
    return {
        "notes": {path: list(r.chunk_ids) for path, r in manifest.notes.items()},
        "chunks": [(c.id, c.source, c.text, c.start_line, c.end_line, c.heading) for c in snapshot.chunks],
    }


def answers(sg: Studygraph) -> list[dict]:
    return [answer_json(a) for a in sg.ask_batch(QUESTIONS)]


def facade(home: Path) -> Studygraph:
    return Studygraph(load_settings(home=home))


def forget_clients() -> None:
    from chromadb.api.client import SharedSystemClient

    SharedSystemClient.clear_system_cache()


def spread(n: int, count: int) -> list[int]:
    """`count` event numbers (1-based) spread evenly over 1..n, first and last included."""
    if os.environ.get("KILL_TEST_ALL") or count >= n:
        return list(range(1, n + 1))
    return sorted({1 + round(i * (n - 1) / (count - 1)) for i in range(count)})


def fill_cache(cache_path: Path, notes: Path, embedder) -> None:
    """Real-model vectors for every span the notes' chunks will embed, computed once here."""
    from studygraph.ingest.chunking import split_note
    from studygraph.ingest.reading import read_note
    from studygraph.ingest.spans import indexed_spans, span_embedding_text

    cache = crash_worker.load_cache(cache_path)
    chunks = [c for p in sorted(notes.iterdir()) for c in split_note(read_note(p, 1 << 24))]
    texts = {span_embedding_text(s) for c in chunks for s in indexed_spans(c)}
    missing = sorted(texts - set(cache))
    cache.update(zip(missing, embedder.encode(missing)))  # queries and graph names
    groups = [[span_embedding_text(s) for s in indexed_spans(c)] for c in chunks]
    todo = [g for g in groups if any(k not in cache for k in crash_worker.span_keys(g, embedder.span_window))]
    cache.update(crash_worker.chunk_vectors(todo, embedder))  # span vectors, read chunk by chunk
    crash_worker.save_cache(cache_path, cache)


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory, embedder) -> Iterator[dict]:
    """Clean runs of each operation: start states, final states, event lists, durations."""
    lab = tmp_path_factory.mktemp("crashlab")
    notes = lab / "notes"
    ingest_op = {"op": "ingest", "paths": [str(notes)]}
    ops = {
        "first ingest": {"op": ingest_op, "start": None, "notes": 1},
        "update": {"op": ingest_op, "start": "base", "notes": 2},
        "remove": {"op": {"op": "remove", "targets": [str(notes / REMOVED)]}, "start": "base", "notes": 1},
        "rebuild": {"op": {"op": "rebuild"}, "start": "base", "notes": 1},
    }
    for version in (1, 2):  # no worker ever loads the model
        set_notes(notes, version)
        fill_cache(lab / "embeddings.npz", notes, embedder)
    workers = Workers(lab)
    set_notes(notes, 1)
    workers.run(lab / "base", ingest_op)
    for name, spec in ops.items():
        final = lab / f"clean-{name.replace(' ', '-')}"
        if spec["start"]:
            shutil.copytree(lab / spec["start"], final)
        set_notes(notes, spec["notes"])
        record = lab / f"events-{name.replace(' ', '-')}.json"
        workers.run(final, spec["op"], record=record)
        spec.update(final=final, **json.loads(record.read_text()))
    yield {"dir": lab, "notes": notes, "ops": ops, "workers": workers}
    workers.close()


def test_kill_anywhere_then_recover(lab: dict, monkeypatch: pytest.MonkeyPatch, embedder) -> None:
    import studygraph.ingest.embedder as embedder_module

    cache = crash_worker.load_cache(lab["dir"] / "embeddings.npz")
    monkeypatch.setattr(embedder_module.Embedder, "encode", crash_worker.cached_encoder(cache, embedder_module.Embedder.encode))
    monkeypatch.setattr(embedder_module.Embedder, "encode_in_context",
                        crash_worker.cached_span_encoder(cache, embedder_module.Embedder.encode_in_context))
    base = lab["dir"] / "base"
    expected = {}
    for name, spec in lab["ops"].items():
        set_notes(lab["notes"], spec["notes"])
        expected[name] = (index_state(spec["final"]), answers(facade(spec["final"])))
    old_state = {"first ingest": None, "update": index_state(base), "remove": index_state(base), "rebuild": index_state(base)}

    rounds, failures, seen = 0, [], {}
    only = os.environ.get("KILL_TEST_OPS")  # e.g. "update,remove" for a quick look
    for name, spec in lab["ops"].items():
        if only and name not in only.split(","):
            continue
        kills = [("event", k) for k in spread(len(spec["events"]), STEP_KILLS)]
        kills += [("time", spec["seconds"] * (i + 0.5) / TIMED_KILLS) for i in range(TIMED_KILLS)]
        for how, when in kills:
            rounds += 1
            home = lab["dir"] / f"round-{rounds}"
            if spec["start"]:
                shutil.copytree(lab["dir"] / spec["start"], home)
            set_notes(lab["notes"], spec["notes"])
            if how == "event":
                code = lab["workers"].run(home, spec["op"], kill_at=when)
                label = f"{name}, killed at event {when} ({spec['events'][when - 1]})"
            else:
                code = lab["workers"].run(home, spec["op"], kill_after=when)
                label = f"{name}, killed after {when * 1000:.0f} ms"
            if how == "event":
                assert code == -signal.SIGKILL, label
            problems = check_round(home, lab["notes"], name, old_state[name], expected[name], seen)
            failures += [f"{label}: {p}" for p in problems]
            forget_clients()
    events = {name: len(spec["events"]) for name, spec in lab["ops"].items()}
    print(f"\nkill test: {rounds} kill rounds over {events} write events, {len(failures)} inconsistencies; seen: {seen}")
    assert not failures, "\n".join(failures)


def check_round(
    home: Path, notes: Path, name: str, old: dict | None, expected: tuple[dict, list[dict]], seen: dict[str, int]
) -> list[str]:
    problems: list[str] = []
    settings = load_settings(home=home)
    # 1. what doctor sees right after the kill
    try:
        found = diagnose(settings, ChunkStore(settings), check_files=False)
        bad = [p.detail for p in found.problems if p.kind not in AFTER_KILL_ALLOWED]
        for p in found.problems:
            seen[p.kind] = seen.get(p.kind, 0) + 1
        problems += [f"after the kill, doctor: {b}" for b in bad]
    except IndexMissingError:
        if old is not None:
            problems.append("after the kill, the index is gone")
    # 2. what a query sees: exactly the old or the new index
    sg = facade(home)
    try:
        served = [(c.id, c.source, c.text, c.start_line, c.end_line, c.heading) for c in sg.index().chunks]
        seen["served old"] = seen.get("served old", 0) + (old is not None and served == old["chunks"])
        seen["served new"] = seen.get("served new", 0) + (served == expected[0]["chunks"])
        if served not in ([] if old is None else [old["chunks"]]) + [expected[0]["chunks"]]:
            problems.append(f"a query saw a mix: {len(served)} chunks, neither the old nor the new index")
        hits = sg.search_batch(QUESTIONS, k=5)
        served_ids = {row[0] for row in served}
        if any(h.chunk.id not in served_ids for hs in hits for h in hs):
            problems.append("search returned a chunk the index does not serve")
    except IndexMissingError:
        seen["served nothing yet"] = seen.get("served nothing yet", 0) + 1
        if old is not None or load_manifest(home) is not None:
            problems.append("a query found no index although one was committed")
    # 3. the next commands: the operation again if it did not commit (remove), the ingest, questions
    final_expected = expected
    manifest = load_manifest(home)
    if name == "remove" and manifest is not None and str(notes / REMOVED) in manifest.notes:
        from studygraph.ingest.maintenance import remove_notes

        settings_now = facade(home)
        remove_notes([str(notes / REMOVED)], settings_now.settings, settings_now.embedder, settings_now.store)
    recovered = facade(home)
    recovered.ingest([notes])
    got_answers = answers(recovered)
    found = diagnose(settings, ChunkStore(settings), check_files=False)
    problems += [f"after recovery, doctor: {p.detail}" for p in found.problems]
    graph = graph_problem(home, found.generation)
    if graph:
        problems.append(f"after recovery: {graph}")
    state = index_state(home)
    if state["notes"] != final_expected[0]["notes"]:
        problems.append("after recovery, the chunk ids differ from a clean run")
    if state["chunks"] != final_expected[0]["chunks"]:
        problems.append("after recovery, the served chunks differ from a clean run")
    if got_answers != final_expected[1]:
        problems.append("after recovery, the answers differ from a clean run")
    return problems
