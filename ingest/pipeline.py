"""Incremental, crash-safe ingest: files -> chunks -> vectors -> Chroma -> manifest -> snapshot.

Order of steps (so that SIGKILL anywhere leaves a store the next run repairs):
1. take the ingest lock; write a journal naming the notes about to change;
2. embed and upsert new chunks, refresh metadata of moved ones (Chroma may now
   hold chunks the manifest does not name: invisible to search);
3. commit the new manifest (atomic rename) - the commit point;
4. delete chunks no note references any more, write the new snapshot;
5. remove the journal.
A run that finds a journal re-processes the notes it names and drops orphans.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
from filelock import FileLock, Timeout

from ingest.atomic import write_json
from ingest.chunking import split_note
from ingest.embedder import Embedder
from ingest.errors import IndexBusyError, NoteError
from ingest.manifest import Manifest, NoteRecord, check_compatible, load_manifest, save_manifest
from ingest.note import Chunk
from ingest.reading import Skipped, discover, file_digest, read_note
from ingest.settings import Settings
from ingest.snapshot import load_snapshot, save_snapshot, updated_snapshot
from ingest.spans import indexed_spans, span_embedding_text
from ingest.store import ChunkStore

logger = logging.getLogger(__name__)


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

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.removed)


def lock_path(home: Path) -> Path:
    return home / "ingest.lock"


def journal_path(home: Path) -> Path:
    return home / "journal.json"


def ingest_lock(settings: Settings, progress: ProgressFn | None = None) -> FileLock:
    """The writer lock: a second ingest waits (up to lock_timeout) instead of interleaving."""
    settings.home.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(lock_path(settings.home)))
    try:
        lock.acquire(timeout=0)
    except Timeout:
        if progress:
            progress(Progress("wait", message="another ingest is running; waiting for it to finish"))
        try:
            lock.acquire(timeout=settings.lock_timeout)
        except Timeout as exc:
            raise IndexBusyError(
                f"another ingest has held {lock_path(settings.home)} for over {settings.lock_timeout:.0f} s; try again later"
            ) from exc
    return lock


def _empty_manifest(settings: Settings, dimension: int) -> Manifest:
    return Manifest(model=settings.model_name, dimension=dimension, chunking=settings.chunking())


def _is_under(path: str, roots: Sequence[Path]) -> bool:
    return any(Path(path).is_relative_to(root) for root in roots)


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
    started = time.perf_counter()
    roots = [Path(p).expanduser().resolve() for p in paths]
    emit = progress or (lambda _p: None)
    with ingest_lock(settings, emit):
        manifest = load_manifest(settings.home) or _empty_manifest(settings, 0)
        check_compatible(manifest, settings.model_name, None, settings.chunking())
        journal = _read_journal(settings.home)
        force_all = "*" in journal
        files, skipped = discover(roots)
        skipped = list(skipped)
        warnings: list[str] = []
        emit(Progress("scan", 0, len(files), f"checking {len(files)} note(s)"))
        present = {str(f) for f in files}
        notes: dict[str, NoteRecord] = dict(manifest.notes)
        changed: dict[str, list[Chunk]] = {}
        records: dict[str, NoteRecord] = {}
        unchanged: list[str] = []
        for done, file in enumerate(files, 1):
            key = str(file)
            old = manifest.notes.get(key)
            try:
                if old and not force_all and key not in journal and file_digest(file) == old.sha256:
                    unchanged.append(key)
                    continue
                note = read_note(file, settings.max_note_bytes)
            except NoteError as exc:
                skipped.append(Skipped(exc.path, exc.reason))
                continue
            except OSError as exc:
                skipped.append(Skipped(key, f"cannot be read ({exc})"))
                continue
            warnings += [f"{key}: {w}" for w in note.warnings]
            chunks = split_note(note, settings.chunk_min_chars, settings.chunk_max_chars)
            changed[key] = chunks
            records[key] = NoteRecord(
                path=key, sha256=note.sha256, size=note.size, mtime=note.mtime,
                chunk_ids=tuple(c.id for c in chunks), title=note.title,
                ingested_at=time.time(), warnings=note.warnings,
            )
            if done % 50 == 0:
                emit(Progress("scan", done, len(files)))
        removed = [
            key for key in manifest.notes
            if key not in present and (not Path(key).is_file() or _is_under(key, roots))
        ]
        removed = [key for key in removed if not _skipped_but_present(key, skipped)]
        if not changed and not removed and not journal:
            emit(Progress("done", len(files), len(files), "nothing changed"))
            return IngestReport(
                unchanged=tuple(unchanged), skipped=tuple(skipped), warnings=tuple(warnings),
                chunks=len(manifest.chunk_ids()), generation=manifest.generation,
                seconds=time.perf_counter() - started,
            )
        store = store or ChunkStore(settings)
        _write_journal(settings.home, sorted(set(changed) | set(removed) | set(journal)))
        fresh: dict[str, Chunk] = {c.id: c for chunks in changed.values() for c in chunks}
        fresh_vectors, kept = _embed_new(fresh, store, embedder, emit)
        if kept:
            # Same text, new place in the note: refresh line numbers, keep the vector.
            store.update_metadata([fresh[cid] for cid in kept])
        dimension = next((v.shape[0] for v, _ in fresh_vectors.values()), manifest.dimension)
        if manifest.dimension and dimension != manifest.dimension:
            check_compatible(manifest, settings.model_name, dimension, settings.chunking())
        for key in removed:
            notes.pop(key, None)
        notes.update(records)
        new_manifest = replace(manifest.with_notes(dict(sorted(notes.items()))), dimension=dimension)
        emit(Progress("commit", message="committing"))
        save_manifest(settings.home, new_manifest)
        live = new_manifest.chunk_ids()
        garbage = (manifest.chunk_ids() - live) | ((store.ids() - live) if journal else set())
        if garbage:
            store.delete(garbage)
        if journal:
            store.delete_spans(store.orphan_spans(live))
        snapshot = updated_snapshot(load_snapshot(settings.home), new_manifest, fresh, fresh_vectors, store)
        save_snapshot(settings.home, snapshot)
        journal_path(settings.home).unlink(missing_ok=True)
        emit(Progress("done", len(files), len(files), "done"))
        was = set(manifest.notes)
        return IngestReport(
            added=tuple(k for k in records if k not in was),
            updated=tuple(k for k in records if k in was),
            removed=tuple(removed),
            unchanged=tuple(unchanged),
            skipped=tuple(skipped),
            warnings=tuple(warnings),
            embedded=len(fresh) - len(kept),
            chunks=len(snapshot.chunks),
            generation=new_manifest.generation,
            seconds=time.perf_counter() - started,
            changed_chunks=tuple(fresh.values()),
        )


def _skipped_but_present(key: str, skipped: list[Skipped]) -> bool:
    # A note that still exists but failed to read this time keeps its old chunks.
    return Path(key).is_file() and any(s.path == key for s in skipped)


def _embed_new(
    fresh: dict[str, Chunk], store: ChunkStore, embedder: Embedder, emit: ProgressFn
) -> tuple[dict[str, tuple[np.ndarray, np.ndarray]], set[str]]:
    """Embed and store only chunks Chroma does not hold yet.

    Each chunk is embedded span by span (sentences, items, Q&A answers with
    their question); its own vector is the normalised mean of its spans.

    Returns:
        (chunk vector, span vectors) of every fresh chunk, and the ids already stored.
    """
    if not fresh:
        return {}, set()
    have = store.existing(list(fresh))
    todo = [c for cid, c in fresh.items() if cid not in have]
    vectors: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    emit(Progress("embed", 0, len(todo), f"embedding {len(todo)} new chunk(s)"))
    batch = 128
    for start in range(0, len(todo), batch):
        part = todo[start : start + batch]
        texts = [[span_embedding_text(s) for s in indexed_spans(c)] for c in part]
        encoded = embedder.encode([t for group in texts for t in group])
        bounds = np.cumsum([0] + [len(group) for group in texts])
        span_rows = [encoded[bounds[i] : bounds[i + 1]] for i in range(len(part))]
        means = np.vstack([rows.mean(axis=0) for rows in span_rows])
        means /= np.maximum(np.linalg.norm(means, axis=1, keepdims=True), 1e-12)
        store.upsert(part, means, span_rows)
        vectors.update({c.id: (m, rows) for c, m, rows in zip(part, means, span_rows)})
        emit(Progress("embed", min(start + batch, len(todo)), len(todo)))
    if have:
        # Chunks already in Chroma (unchanged text in an edited note) reuse their vectors.
        kept, kept_vectors = store.fetch([cid for cid in fresh if cid in have])
        kept_spans = store.fetch_spans([c.id for c in kept])
        vectors.update({c.id: (v, kept_spans[c.id]) for c, v in zip(kept, kept_vectors) if c.id in kept_spans})
    return vectors, have


def _read_journal(home: Path) -> set[str]:
    path = journal_path(home)
    if not path.is_file():
        return set()
    try:
        return set(json.loads(path.read_text(encoding="utf-8")).get("notes", []))
    except (OSError, ValueError):
        return {"*"}


def _write_journal(home: Path, notes: list[str]) -> None:
    write_json(journal_path(home), {"notes": notes, "started_at": time.time()})
