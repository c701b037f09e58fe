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
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from studygraph.errors import IndexMismatchError, NoteError, StoreUnavailableError
from studygraph.ingest.chunking import split_note
from studygraph.ingest.embedder import Embedder
from studygraph.ingest.journal import Journal, clear_journal, read_journal, write_journal
from studygraph.ingest.lock import sweep_temp_files, writer_lock
from studygraph.ingest.manifest import Manifest, NoteRecord, check_compatible, load_manifest, save_manifest
from studygraph.ingest.note import Chunk, Note
from studygraph.ingest.reading import Skipped, discover, file_digest, read_note
from studygraph.ingest.snapshot import load_snapshot, save_snapshot, updated_snapshot
from studygraph.ingest.spans import indexed_spans, span_embedding_text
from studygraph.ingest.store import ChunkStore
from studygraph.settings import Settings

logger = logging.getLogger(__name__)
EMBED_BATCH = 128  # chunks per embed + upsert round


@dataclass(frozen=True)
class Progress:
    stage: str  # "scan" | "wait" | "embed" | "commit" | "done"
    done: int = 0
    total: int = 0
    message: str = ""


ProgressFn = Callable[[Progress], None]


@dataclass(frozen=True)
class IngestReport:
    added: tuple[str, ...] = ()
    updated: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    unchanged: tuple[str, ...] = ()
    skipped: tuple[Skipped, ...] = ()
    warnings: tuple[str, ...] = ()
    embedded: int = 0
    chunks: int = 0
    generation: int = 0
    seconds: float = 0.0
    changed_chunks: tuple[Chunk, ...] = field(default=(), repr=False)
    recovered: bool = False  # finished or rolled back a write a killed process left

    @property
    def changed(self) -> bool:
        """A new generation was committed (the graph must follow)."""
        return bool(self.added or self.updated or self.removed or self.recovered)


def _empty_manifest(settings: Settings, generation: int = 0, excluded: dict[str, str] | None = None) -> Manifest:
    return Manifest(
        model=settings.model_name, dimension=0, chunking=settings.chunking(), generation=generation,
        excluded=excluded or {}, backend=settings.embed_backend,
    )


def _is_under(path: str, roots: Sequence[Path]) -> bool:
    return any(Path(path).is_relative_to(root) for root in roots)


def locked(settings: Settings, emit: ProgressFn):
    def waiting() -> None:
        emit(Progress("wait", message="another studygraph process is writing the index; waiting for it"))

    return writer_lock(settings.home, settings.lock_timeout, waiting)


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
    with locked(settings, emit), store_failures(settings.home):
        sweep_temp_files(settings.home)
        if read_journal(settings.home).rebuild:
            recover_locked(settings, embedder, store, emit)
        return sync_locked([Path(p) for p in paths], settings, embedder, store, emit)


@contextmanager
def store_failures(home: Path) -> Iterator[None]:
    """Add to a Chroma server's failure what the stopped write leaves: the committed generation."""
    try:
        yield
    except StoreUnavailableError as exc:
        manifest = load_manifest(home)
        where = f"generation {manifest.generation}" if manifest else "no index yet"
        raise StoreUnavailableError(
            f"{exc}; the write stopped and the index stays at {where} (searches keep using it); "
            "run it again when the server is back"
        ) from exc


def recover_locked(
    settings: Settings, embedder: Embedder, store: ChunkStore, emit: ProgressFn | None = None
) -> IngestReport | None:
    """Finish what a killed writer left (the caller holds the writer lock).

    An interrupted rebuild is run again; any other journal rolls uncommitted
    work back and completes committed work (garbage, snapshot). Returns None
    when there was nothing to recover.
    """
    emit = emit or (lambda _p: None)
    sweep_temp_files(settings.home)
    journal = read_journal(settings.home)
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
    manifest = base or load_manifest(settings.home) or _empty_manifest(settings)
    check_compatible(manifest, settings.model_name, None, settings.chunking(), settings.embed_backend)
    journal = read_journal(settings.home)
    interrupted = journal.pending and not rebuilding  # a rebuild's journal is its own, not a killed writer's
    lost = set() if rebuilding else _lost_notes(manifest, store)
    paths = paths + sorted(Path(key) for key in lost if Path(key).is_file())  # wherever this ingest looks
    scan = _scan(paths, manifest, journal, settings, emit, recheck=rebuilding or journal.unreadable, lost=lost)
    if interrupted:
        scan.warnings.insert(0, "finished an ingest that was interrupted")
    if lost:
        where = settings.chroma_url or str(settings.chroma_dir)
        scan.warnings.insert(0, f"the chunk store at {where} had lost the chunks of {len(lost)} note(s) "
                                "(wiped or replaced?); they are read and embedded again")
    total = len(scan.files)
    if not (scan.changed or scan.removed or journal.pending or scan.excluded != manifest.excluded or rebuilding or lost):
        emit(Progress("done", total, total, "nothing changed"))
        return IngestReport(
            unchanged=tuple(scan.unchanged), skipped=tuple(scan.skipped), warnings=tuple(scan.warnings),
            chunks=len(manifest.chunk_ids()), generation=manifest.generation,
            seconds=time.perf_counter() - started,
        )
    fresh, fresh_vectors, kept = _embed_changed(scan, journal, rebuilding, settings.home, store, embedder, emit)
    new_manifest = _next_manifest(manifest, scan, fresh_vectors, settings)
    emit(Progress("commit", message="committing"))
    commit(settings.home, manifest, new_manifest, store, journal, fresh, fresh_vectors, rebuilding)
    emit(Progress("done", total, total, "done"))
    return _changes_report(manifest.notes, new_manifest, scan, fresh, kept, interrupted, started)


@dataclass
class _Scan:
    """What one pass over the note files found, before anything is written."""

    files: list[Path]
    skipped: list[Skipped]
    excluded: dict[str, str]  # path -> sha256 of notes `studygraph remove` keeps out
    warnings: list[str] = field(default_factory=list)
    changed: dict[str, list[Chunk]] = field(default_factory=dict)  # new or edited notes, re-chunked
    records: dict[str, NoteRecord] = field(default_factory=dict)  # manifest records of `changed`
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)  # in the manifest, gone from disk or from under paths
    # Known notes the student emptied: no line of them is left to cite, so they leave the index.
    # A note that turns binary, undecodable or too large keeps its indexed version (likely an accident).
    emptied: list[str] = field(default_factory=list)


def _lost_notes(manifest: Manifest, store: ChunkStore) -> set[str]:
    """Committed notes some of whose chunks the store no longer holds (a wiped or replaced
    Chroma server): they must be embedded again, not taken for unchanged. One count
    request when nothing is lost."""
    live = manifest.chunk_ids()
    if not live or store.count() >= len(live):
        return set()
    missing = live - store.ids()
    return {key for key, record in manifest.notes.items() if missing.intersection(record.chunk_ids)}


def _scan(
    paths: list[Path], manifest: Manifest, journal: Journal, settings: Settings, emit: ProgressFn, recheck: bool,
    lost: set[str] = frozenset(),  # type: ignore[assignment]
) -> _Scan:
    """Find the notes under `paths`, re-read and re-chunk the new and changed ones,
    and name the ones that are gone. With `recheck`, known notes are re-read too;
    `lost` names notes to re-read whatever their digest says."""
    roots = [p.expanduser().resolve() for p in paths]
    by_name = {str(r) for r in roots if r.is_file()}
    files, found_skipped = discover(roots)
    scan = _Scan(
        files=files,
        skipped=list(found_skipped),
        # A removed note named on the command line comes back; one deleted from disk is forgotten.
        excluded={k: v for k, v in manifest.excluded.items() if k not in by_name and Path(k).is_file()},
    )
    emit(Progress("scan", 0, len(files), f"checking {len(files)} note(s)"))
    present = {str(f) for f in files}
    for done, file in enumerate(files, 1):
        note = _read_if_changed(file, manifest.notes.get(str(file)), journal, scan, settings, recheck or str(file) in lost)
        if note is None:
            continue
        _add_note(scan, str(file), note, settings)
        if done % 50 == 0:
            emit(Progress("scan", done, len(files)))
    scan.removed = [
        key for key in manifest.notes
        if key not in present and (not Path(key).is_file() or _is_under(key, roots))
        and not _skipped_but_present(key, scan.skipped)
        # Recovery alone (no paths) settles the notes its journal names, nothing else: a remove
        # killed and run again must leave the index as one that was not killed.
        and (roots or key in journal.notes)
    ] + scan.emptied
    return scan


def _read_if_changed(
    file: Path, old: NoteRecord | None, journal: Journal, scan: _Scan, settings: Settings, recheck: bool
) -> Note | None:
    """The decoded note if it must be (re-)chunked; otherwise None, with the file
    noted in `scan` as unchanged, still removed, or unreadable.

    Only known and removed notes are hashed first: an unchanged note costs one
    hash and is never decoded.
    """
    key = str(file)
    try:
        digest = file_digest(file) if (old or key in scan.excluded) else ""
        if key in scan.excluded and digest == scan.excluded[key]:
            scan.skipped.append(Skipped(key, "was removed with `studygraph remove`; ingest it by name to add it back"))
            return None
        scan.excluded.pop(key, None)  # edited since it was removed: it is a note again
        if old and not recheck and key not in journal.notes and digest == old.sha256:
            scan.unchanged.append(key)
            return None
        return read_note(file, settings.max_note_bytes)
    except NoteError as exc:
        skipped = Skipped(exc.path, exc.reason)
        scan.skipped.append(skipped)
        if old is not None and skipped.kind == "empty":
            scan.emptied.append(key)
    except OSError as exc:
        scan.skipped.append(Skipped(key, f"cannot be read ({exc.strerror or exc})"))
    return None


def _add_note(scan: _Scan, key: str, note: Note, settings: Settings) -> None:
    """Chunk a new or changed note and record it for the next manifest."""
    scan.warnings += [f"{key}: {w}" for w in note.warnings]
    chunks = split_note(note, settings.chunk_min_chars, settings.chunk_max_chars)
    scan.changed[key] = chunks
    scan.records[key] = NoteRecord(
        path=key, sha256=note.sha256, size=note.size, mtime=note.mtime,
        chunk_ids=tuple(c.id for c in chunks), title=note.title,
        ingested_at=time.time(), warnings=note.warnings,
    )


def _embed_changed(
    scan: _Scan, journal: Journal, rebuilding: bool, home: Path, store: ChunkStore, embedder: Embedder,
    emit: ProgressFn,
) -> tuple[dict[str, Chunk], dict[str, tuple[np.ndarray, np.ndarray]], set[str]]:
    """Steps 1-2: journal the notes about to change, then embed and upsert their new chunks.

    Returns:
        The fresh chunks by id, their (chunk vector, span vectors), and the ids
        Chroma already held (not embedded again).
    """
    write_journal(home, set(scan.changed) | set(scan.removed) | journal.notes, rebuild=rebuilding)
    fresh: dict[str, Chunk] = {c.id: c for chunks in scan.changed.values() for c in chunks}
    fresh_vectors, kept = _embed_new(fresh, store, embedder, emit)
    if kept:
        # Same text, new place in the note: refresh line numbers, keep the vectors.
        moved = sorted(kept)
        store.update_metadata([fresh[c] for c in moved], [len(fresh_vectors[c][1]) for c in moved],
                              [embedded_key(fresh[c]) for c in moved])
    return fresh, fresh_vectors, kept


def _next_manifest(
    manifest: Manifest, scan: _Scan, fresh_vectors: dict[str, tuple[np.ndarray, np.ndarray]], settings: Settings
) -> Manifest:
    """The manifest to commit: the old notes minus the removed, plus the re-read.

    Raises:
        IndexMismatchError: the model now gives vectors of another dimension than the index holds.
    """
    dimension = next((v.shape[0] for v, _ in fresh_vectors.values()), manifest.dimension)
    if manifest.dimension and dimension != manifest.dimension:
        check_compatible(manifest, settings.model_name, dimension, settings.chunking(), settings.embed_backend)
    notes = {k: v for k, v in manifest.notes.items() if k not in scan.removed}
    notes.update(scan.records)
    return replace(manifest.with_notes(dict(sorted(notes.items()))), dimension=dimension, excluded=scan.excluded)


def _changes_report(
    was: dict[str, NoteRecord], new_manifest: Manifest, scan: _Scan, fresh: dict[str, Chunk], kept: set[str],
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


def commit(
    home: Path,
    manifest: Manifest,
    new_manifest: Manifest,
    store: ChunkStore,
    journal: Journal,
    fresh: dict[str, Chunk],
    fresh_vectors: dict[str, tuple[np.ndarray, np.ndarray]],
    rebuilding: bool = False,
) -> None:
    """Steps 3-5: commit the manifest, drop garbage, write the snapshot, clear the journal."""
    save_manifest(home, new_manifest)
    if rebuilding:
        # Committed: from here on an interrupted rebuild only needs ordinary recovery.
        write_journal(home, set(new_manifest.notes))
    # The snapshot before the garbage: if the Chroma server fails now, searches already
    # serve the committed generation, and the journal left behind makes the next writer sweep.
    snapshot = updated_snapshot(load_snapshot(home), manifest.generation, new_manifest, fresh, fresh_vectors, store)
    save_snapshot(home, snapshot)
    live = new_manifest.chunk_ids()
    recovering = journal.pending or rebuilding
    garbage = (manifest.chunk_ids() - live) | ((store.ids() - live) if recovering else set())
    if garbage:
        store.delete(garbage)
    if recovering:
        store.delete_spans(store.orphan_spans(live))
    clear_journal(home)


def _skipped_but_present(key: str, skipped: list[Skipped]) -> bool:
    # A note that still exists but failed to read this time keeps its old chunks.
    return Path(key).is_file() and any(s.path == key for s in skipped)


def _embed_new(
    fresh: dict[str, Chunk], store: ChunkStore, embedder: Embedder, emit: ProgressFn
) -> tuple[dict[str, tuple[np.ndarray, np.ndarray]], set[str]]:
    """Embed and store only chunks Chroma does not hold yet (with all their spans).

    Each chunk is embedded span by span (sentences, items, Q&A answers with
    their question); its own vector is the normalised mean of its spans.

    Returns:
        (chunk vector, span vectors) of every fresh chunk, and the ids already stored.
    """
    if not fresh:
        return {}, set()
    keys = {cid: embedded_key(c) for cid, c in fresh.items()}
    # Kept only if its vectors are of the span texts it has now (a new heading changes them).
    stored = {cid for cid, key in store.embedded_as(list(fresh)).items() if key == keys[cid]}
    kept_spans = store.fetch_spans(sorted(stored)) if stored else {}
    # A chunk whose spans a crash cut short is embedded again, not kept.
    have = {cid for cid in stored if cid in kept_spans and len(kept_spans[cid]) == len(indexed_spans(fresh[cid]))}
    todo = [c for cid, c in fresh.items() if cid not in have]
    vectors: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    emit(Progress("embed", 0, len(todo), f"embedding {len(todo)} new chunk(s)"))
    for start in range(0, len(todo), EMBED_BATCH):
        part = todo[start : start + EMBED_BATCH]
        texts = [[span_embedding_text(s) for s in indexed_spans(c)] for c in part]
        encoded = embedder.encode([t for group in texts for t in group])
        bounds = np.cumsum([0] + [len(group) for group in texts])
        span_rows = [encoded[bounds[i] : bounds[i + 1]] for i in range(len(part))]
        means = np.vstack([rows.mean(axis=0) for rows in span_rows])
        means /= np.maximum(np.linalg.norm(means, axis=1, keepdims=True), 1e-12)
        store.upsert(part, means, span_rows, [keys[c.id] for c in part])
        vectors.update({c.id: (m, rows) for c, m, rows in zip(part, means, span_rows)})
        emit(Progress("embed", min(start + EMBED_BATCH, len(todo)), len(todo)))
    if have:
        # Chunks already in Chroma (unchanged text in an edited note) reuse their vectors.
        kept, kept_vectors = store.fetch(sorted(have))
        vectors.update({c.id: (v, kept_spans[c.id]) for c, v in zip(kept, kept_vectors)})
    return vectors, have


def embedded_key(chunk: Chunk) -> str:
    """Identity of what the model reads of a chunk: its span texts, headings and questions included."""
    texts = "\x00".join(span_embedding_text(s) for s in indexed_spans(chunk))
    return hashlib.sha256(texts.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def rebuild_locked(
    notes: list[str], settings: Settings, embedder: Embedder, store: ChunkStore, emit: ProgressFn
) -> IngestReport:
    home = settings.home
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
