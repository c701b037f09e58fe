"""SIGKILL at a random write event of a random step of a random sequence (issue #19).

The state machine of test_stateful.py, with one more start step: `plan_kills` draws
write events K; each ingest, remove or rebuild in turn then runs first in a worker
process (crash_worker.py's fork server, on the same data directory and notes)
that SIGKILLs itself at its K-th write event (a Chroma write, an atomic
rename, the journal's removal). Then:

* right after the kill, a reader sees exactly the index before the step or the
  index after it, never a mix (every served chunk is the lines it cites in one
  of the two versions);
* the student runs the same command again (it recovers what the killed writer
  left), and every invariant of test_stateful.py must hold: chunks equal their
  lines, BM25 and span vectors fresh, Chroma equals the snapshot, doctor finds
  nothing, the graph equals one built from scratch, cards cite current lines;
  and at the end of the sequence the index equals a clean ingest.

A worker that finishes before its K-th event was not killed (counted apart).

    pytest tests/ingest/test_faults_kill_sequences.py                     # CI: 3 sequences of <= 10 steps
    KILL_SEQUENCES=60 STATEFUL_STEPS=20 nice -n 19 pytest tests/ingest/test_faults_kill_sequences.py -o log_cli=true --log-cli-level=INFO
    # >= 100 random-step kills; the last log line counts kills, completed runs and steps
"""

from __future__ import annotations

import copy
import json
import logging
import os
import shutil
import signal
from pathlib import Path

import crash_worker
import pytest
from hypothesis import strategies as st
from hypothesis.stateful import initialize, run_state_machine_as_test
from test_crash import Workers
from test_stateful import NotesMachine, forget_chroma_clients, machine_settings

from studygraph.errors import NoteError
from studygraph.ingest.chunking import split_note
from studygraph.ingest.manifest import load_manifest
from studygraph.ingest.pipeline import IngestReport
from studygraph.ingest.reading import read_note
from studygraph.ingest.spans import indexed_spans, span_embedding_text

pytestmark = [pytest.mark.kill, pytest.mark.slow, pytest.mark.timeout(1800)]
logger = logging.getLogger(__name__)
MAX_EVENT = 20  # a step on these small notes has about 6-30 write events


class KillingMachine(NotesMachine):
    workers: Workers
    lab: Path

    def __init__(self) -> None:
        super().__init__()
        self.kill_at = 0
        self.kills: list[int] = [0]
        self.writes = 0
        self.killed_step = False
        self.next_model = None

    @initialize(events=st.lists(st.integers(0, MAX_EVENT), min_size=1, max_size=12))
    def plan_kills(self, events: list[int]) -> None:
        """The write steps' kill events, in turn (0: that step is not killed); the sequence's
        closing folder ingest is a write step too."""
        self.kills = events

    def write_step(self, run, predict, kind: str) -> IngestReport | None:
        self.next_model = copy.deepcopy(self.model)
        predict(self.next_model)
        self.killed_step = False
        self.kill_at = self.kills[self.writes % len(self.kills)]
        self.writes += 1
        if self.kill_at and self.next_model.committed:
            self.patch_facade()
        try:
            return super().write_step(run, predict, kind)
        finally:
            self.kill_at = 0
            for name in ("ingest", "remove", "rebuild"):
                self.sg.__dict__.pop(name, None)

    def check_report(self, report, outcome, kind, before, generation) -> None:
        if self.killed_step:
            # The retry finishes what the killed writer began: its report counts what was left to do.
            return
        super().check_report(report, outcome, kind, before, generation)

    def patch_facade(self) -> None:
        """Route the facade's next write through a killed worker first."""
        sg = self.sg
        ingest, remove, rebuild = sg.ingest, sg.remove, sg.rebuild

        def killed_ingest(paths=None, progress=None):
            self.kill({"op": "ingest", "paths": [str(p) for p in paths]})
            return ingest(paths, progress)

        def killed_remove(targets):
            self.kill({"op": "remove", "targets": [str(t) for t in targets]})
            try:
                return remove(targets)
            except NoteError:
                # The killed remove had committed: the note is out already (the retry says so).
                key = str(self.path(Path(targets[0]).name))
                manifest = load_manifest(sg.settings.home)
                assert manifest is not None and key not in manifest.notes
                assert (key in manifest.excluded) == Path(key).is_file()
                self.seen["kill: remove committed before the kill"] += 1
                return IngestReport(removed=(key,), generation=manifest.generation)

        def killed_rebuild(paths=None, progress=None):
            self.kill({"op": "rebuild"})
            return rebuild(paths, progress)

        sg.ingest, sg.remove, sg.rebuild = killed_ingest, killed_remove, killed_rebuild  # type: ignore[method-assign]

    def kill(self, op: dict) -> None:
        self.fill_cache()
        forget_chroma_clients()
        self.sg._store = None
        low, high = self.chunking
        env = {"STUDYGRAPH_CHUNK_MIN_CHARS": str(low), "STUDYGRAPH_CHUNK_MAX_CHARS": str(high)}
        code = self.workers.run(self.sg.settings.home, {**op, "env": env}, kill_at=self.kill_at)
        forget_chroma_clients()
        self.sg._store = None
        self.killed_step = True  # the worker did the step (or part of it): the retry's report is not the step's
        if code != -signal.SIGKILL:
            self.seen["kill: worker finished first"] += 1
            return
        self.seen["kills"] += 1
        self.served_old_or_new()

    def served_old_or_new(self) -> None:
        """Right after the kill: the index of the model before the step, or of the model after it."""
        if load_manifest(self.sg.settings.home) is None:
            self.seen["kill: nothing committed yet"] += 1
            return
        chunks = self.sg.index().chunks
        for label, model in (("old", self.model), ("new", self.next_model)):
            saved, self.model = self.model, model
            try:
                for chunk in chunks:
                    self.check_chunk(chunk)
                if {Path(c.source).name for c in chunks} == set(model.indexed):
                    self.seen[f"kill: served the {label} index"] += 1
                    return
            except AssertionError:
                pass
            finally:
                self.model = saved
        raise AssertionError(f"after a kill at event {self.kill_at}, a reader saw neither the old nor the new index")

    def fill_cache(self) -> None:
        """The worker embeds from a file of the real model's vectors: every span text the notes may need."""
        low, high = self.chunking
        texts: set[str] = set()
        groups: list[list[str]] = []
        for path in self.folder.iterdir():
            try:
                note = read_note(path, 1 << 24)
            except NoteError:
                continue
            for c in split_note(note, low, high):
                groups.append([span_embedding_text(s) for s in indexed_spans(c)])
                texts.update(groups[-1])
        cache_path = self.lab / "embeddings.npz"
        cache = crash_worker.load_cache(cache_path)
        missing = sorted(texts - set(cache))
        window = self.counter.inner.span_window
        todo = [g for g in groups if g and any(k not in cache for k in crash_worker.span_keys(g, window))]
        if missing or todo:
            cache.update(zip(missing, self.counter.reference(missing)))
            for g in todo:  # the vectors the in-process facade's counter gives, so both sides agree
                cache.update(zip(crash_worker.span_keys(g, window), self.counter.reference_spans(g)))
            crash_worker.save_cache(cache_path, cache)


def test_kill_at_a_random_step_of_random_sequences(embedder, tmp_path: Path) -> None:
    KillingMachine.embedder = embedder
    KillingMachine.root = tmp_path
    KillingMachine.lab = tmp_path
    KillingMachine.seen.clear()
    KillingMachine.workers = Workers(tmp_path)
    config = machine_settings()
    settings = config.__class__(
        config, max_examples=int(os.environ.get("KILL_SEQUENCES", 3)),
        stateful_step_count=int(os.environ.get("STATEFUL_STEPS") or 10),
    )
    try:
        run_state_machine_as_test(KillingMachine, settings=settings)
    finally:
        KillingMachine.workers.close()
        seen = KillingMachine.seen
        logger.info("kill sequences: %d sequences, %d kills, %d runs finished before their event; covered: %s",
                    seen["sequences"], seen["kills"], seen["kill: worker finished first"],
                    ", ".join(f"{k} {v}" for k, v in sorted(seen.items())))
    assert seen["kills"] >= 1  # the sequences did kill writers



def test_a_remove_killed_after_its_commit_and_retried_leaves_other_notes_alone(embedder, tmp_path: Path) -> None:
    """Found by the kill sequences (fixed): the retried remove's recovery also dropped a note the
    student had deleted from disk, which a remove that was not killed keeps until the next ingest."""
    from test_crash import fill_cache

    from studygraph.assistant.facade import Studygraph
    from studygraph.settings import load_settings

    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "clip.md").write_text("# CLIP\n\nCLIP is trained with a contrastive loss.\n", encoding="utf-8")
    (notes / "bm25.md").write_text("# BM25\n\nBM25 scores a passage by term frequency.\n", encoding="utf-8")
    fill_cache(tmp_path / "embeddings.npz", notes, embedder)
    workers = Workers(tmp_path)
    try:
        base = tmp_path / "base"
        workers.run(base, {"op": "ingest", "paths": [str(notes)]})
        (notes / "bm25.md").unlink()  # deleted from disk, not yet ingested: still indexed
        remove = {"op": "remove", "targets": [str(notes / "clip.md")]}
        clean, killed = tmp_path / "clean", tmp_path / "killed"
        shutil.copytree(base, clean)
        shutil.copytree(base, killed)
        record = tmp_path / "events.json"
        workers.run(clean, remove, record=record)
        events = json.loads(record.read_text())["events"]
        assert workers.run(killed, remove, kill_at=events.index("rename:manifest.json:after") + 1) == -signal.SIGKILL
    finally:
        workers.close()
    sg = Studygraph(load_settings(env={}, home=killed))
    with pytest.raises(NoteError, match="is not an ingested note"):
        sg.remove([str(notes / "clip.md")])  # the student runs it again: it was done
    assert sorted(load_manifest(killed).notes) == sorted(load_manifest(clean).notes) == [str(notes / "bm25.md")]
