"""Incremental, crash-safe ingest: files -> chunks -> vectors -> Chroma -> manifest -> snapshot.

Order of steps (so that SIGKILL anywhere leaves a store the next run repairs):
1. take the writer lock; write a journal naming the notes about to change;
2. embed and upsert new chunks, refresh metadata of moved ones (Chroma may now
   hold chunks the manifest does not name: invisible to search);
3. commit the new manifest (atomic rename) - the commit point;
4. write the new snapshot, then delete chunks no note references any more
   (a Chroma server that fails here leaves the new generation searchable);
5. remove the journal.
A run that finds a journal re-processes the notes it names and drops orphans;
a journal of an interrupted rebuild makes the next writer finish the rebuild.
A store that lost committed chunks (a wiped server) gets their notes re-read.
`remove_notes` and `rebuild` follow the same order.

This module runs the steps in that order; each lives in its own: `scan` (find and
re-read the changed notes), `upsert` (steps 1-2), `commit` (steps 3-5),
`store_faults` (a failing or wiped Chroma server), `report` (progress and report).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

from studygraph.errors import IndexMismatchError
from studygraph.ingest.commit import commit, next_manifest
from studygraph.ingest.embedder import Embedder, release_freed_memory
from studygraph.ingest.journal import read_journal, write_journal
from studygraph.ingest.lock import sweep_temp_files, writer_lock
from studygraph.ingest.manifest import Manifest, NoteRecord, check_compatible, load_manifest
from studygraph.ingest.note import Chunk
from studygraph.ingest.report import IngestReport, Progress, ProgressFn
from studygraph.ingest.scan import Scan, scan_notes
from studygraph.ingest.snapshot import load_snapshot
from studygraph.ingest.store import ChunkStore
from studygraph.ingest.store_faults import lost_notes, lost_warning, store_failures
from studygraph.ingest.upsert import embed_changed
from studygraph.settings import Settings

# The write's nouns are imported from here by the assistant and the tests.
__all__ = ["IngestReport", "Progress", "ProgressFn", "rebuild_locked", "recover_locked", "sync", "sync_locked",
           "writing"]

logger = logging.getLogger(__name__)


def _empty_manifest(settings: Settings, generation: int = 0, excluded: dict[str, str] | None = None) -> Manifest:
    return Manifest(
        model=settings.model_name, dimension=0, chunking=settings.chunking(), generation=generation,
        excluded=excluded or {}, backend=settings.embed_backend,
    )


def locked(settings: Settings, emit: ProgressFn):
    def waiting() -> None:
        emit(Progress("wait", message="another studygraph process is writing the index; waiting for it"))

    return writer_lock(settings.data_dir, settings.lock_timeout, waiting)


@contextmanager
def writing(settings: Settings, emit: ProgressFn, store: ChunkStore) -> Iterator[None]:
    """One write: the writer lock held, store failures told as such, and Chroma's
    memory given back at the end (`ChunkStore.close`), before the graph is built."""
    with locked(settings, emit), store_failures(settings.data_dir):
        try:
            yield
        finally:
            store.close()
            release_freed_memory()


def sync(
    paths: Iterable[Path],
    settings: Settings,
    embedder: Embedder,
    store: ChunkStore | None = None,
    progress: ProgressFn | None = None,
) -> IngestReport:
    """Bring the index in line with the notes under `paths`.

    New notes are added, changed ones re-chunked (only new passages embedded),
    notes deleted from under `paths` (or from disk) removed. Unchanged notes
    cost one hash and no model load.
    """
    emit = progress or (lambda _p: None)
    store = store or ChunkStore(settings)
    with writing(settings, emit, store):
        sweep_temp_files(settings.data_dir)
        if read_journal(settings.data_dir).rebuild:
            recover_locked(settings, embedder, store, emit)
        return sync_locked([Path(p) for p in paths], settings, embedder, store, emit)


def recover_locked(
    settings: Settings, embedder: Embedder, store: ChunkStore, emit: ProgressFn | None = None
) -> IngestReport | None:
    """Finish what a killed writer left (the caller holds the writer lock).

    An interrupted rebuild is run again; any other journal rolls uncommitted
    work back and completes committed work (garbage, snapshot). Returns None
    when there was nothing to recover.
    """
    emit = emit or (lambda _p: None)
    sweep_temp_files(settings.data_dir)
    journal = read_journal(settings.data_dir)
    if journal.rebuild:
        logger.warning("finishing a rebuild that was interrupted")
        report = rebuild_locked(sorted(journal.notes), settings, embedder, store, emit)
        return replace(report, recovered=True, warnings=("finished a rebuild that was interrupted", *report.warnings))
    if journal.pending:
        return sync_locked([], settings, embedder, store, emit)
    return None


def sync_locked(
    paths: list[Path],
    settings: Settings,
    embedder: Embedder,
    store: ChunkStore,
    emit: ProgressFn,
    base: Manifest | None = None,
) -> IngestReport:
    """One ingest under the writer lock. With `base` (a rebuild), start from that
    empty manifest instead of the committed one and re-read every note."""
    started = time.perf_counter()
    rebuilding = base is not None
    manifest = base or load_manifest(settings.data_dir) or _empty_manifest(settings)
    check_compatible(manifest, settings.model_name, None, settings.chunking(), settings.embed_backend)
    journal = read_journal(settings.data_dir)
    interrupted = journal.pending and not rebuilding  # a rebuild's journal is its own, not a killed writer's
    lost = set() if rebuilding else lost_notes(manifest, store)
    paths = paths + sorted(Path(key) for key in lost if Path(key).is_file())  # wherever this ingest looks
    scan = scan_notes(paths, manifest, journal, settings, emit, recheck=rebuilding or journal.unreadable, lost=lost)
    if interrupted:
        scan.warnings.insert(0, "finished an ingest that was interrupted")
    if lost:
        scan.warnings.insert(0, lost_warning(settings, lost))
    total = len(scan.files)
    if not (scan.changed or scan.removed or journal.pending or scan.excluded != manifest.excluded or rebuilding or lost):
        emit(Progress("done", total, total, "nothing changed"))
        return IngestReport(
            unchanged=tuple(scan.unchanged), skipped=tuple(scan.skipped), warnings=tuple(scan.warnings),
            chunks=len(manifest.chunk_ids()), generation=manifest.generation,
            seconds=time.perf_counter() - started,
        )
    fresh, fresh_vectors, kept = embed_changed(scan, journal, rebuilding, settings.data_dir, store, embedder, emit)
    new_manifest = next_manifest(manifest, scan, fresh_vectors, settings)
    emit(Progress("commit", message="committing"))
    commit(settings.data_dir, manifest, new_manifest, store, journal, fresh, fresh_vectors, rebuilding)
    # The snapshot holds the vectors now (memory-mapped): give their heap copies back before the graph is built.
    del fresh_vectors
    release_freed_memory()
    emit(Progress("done", total, total, "done"))
    return _changes_report(manifest.notes, new_manifest, scan, fresh, kept, interrupted, started)


def _changes_report(
    was: dict[str, NoteRecord], new_manifest: Manifest, scan: Scan, fresh: dict[str, Chunk], kept: set[str],
    recovered: bool, started: float,
) -> IngestReport:
    """Report of a committed ingest; a re-read note whose chunks all stayed the same counts as unchanged."""
    records = scan.records
    return IngestReport(
        added=tuple(k for k in records if k not in was),
        updated=tuple(k for k in records if k in was and was[k].chunk_ids != records[k].chunk_ids),
        removed=tuple(scan.removed),
        unchanged=tuple(scan.unchanged) + tuple(k for k in records if k in was and was[k].chunk_ids == records[k].chunk_ids),
        skipped=tuple(scan.skipped),
        warnings=tuple(scan.warnings),
        embedded=len(fresh) - len(kept),
        chunks=len(new_manifest.chunk_ids()),
        generation=new_manifest.generation,
        seconds=time.perf_counter() - started,
        changed_chunks=tuple(fresh.values()),
        recovered=recovered,
    )


def rebuild_locked(
    notes: list[str], settings: Settings, embedder: Embedder, store: ChunkStore, emit: ProgressFn
) -> IngestReport:
    home = settings.data_dir
    try:
        old = load_manifest(home)
    except IndexMismatchError:
        old = None
    snapshot = load_snapshot(home)
    # The new generation must outnumber anything a reader may hold, so nobody mistakes old files for new.
    generation = max(old.generation if old else 0, snapshot.generation if snapshot else 0)
    write_journal(home, notes, rebuild=True)
    store.drop()
    base = _empty_manifest(settings, generation, old.excluded if old else None)
    return sync_locked([Path(n) for n in notes], settings, embedder, store, emit, base=base)
