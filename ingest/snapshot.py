"""The search snapshot: the committed chunks, their vectors and BM25 term counts in one file.

Derived from Chroma and the manifest, stamped with the manifest generation it
matches, replaced atomically. Queries read only this file, so a query during
an ingest sees the old index or the new one, never a mix. The arrays are
memory-mapped (ingest.arrayfile): a cold process opens a 12 MB corpus's
snapshot in a fraction of a second.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
from filelock import FileLock, Timeout

from studygraph.atomic import write_with
from studygraph.errors import IndexMissingError
from studygraph.ingest.arrayfile import read_arrays, write_arrays
from studygraph.ingest.lock import lock_path, try_writer_lock, writer_lock
from studygraph.ingest.manifest import Manifest, require_manifest
from studygraph.ingest.note import Chunk
from studygraph.ingest.store import ChunkStore
from studygraph.ingest.terms import TermCounts, chunk_terms
from studygraph.ingest.tokenize import VERSION as TOKENIZER

logger = logging.getLogger(__name__)
COMMIT_WINDOW_SECONDS = 2.0  # a writer writes its snapshot within moments of its commit
FIELDS = ("id", "source", "text", "start_line", "end_line", "heading", "kind", "units")


@dataclass(frozen=True)
class Snapshot:
    generation: int
    chunks: tuple[Chunk, ...]
    vectors: np.ndarray  # (len(chunks), dim), L2-normalised
    span_vectors: np.ndarray  # (total spans, dim): each chunk's indexed spans, in chunk order
    span_offsets: np.ndarray  # (len(chunks) + 1,): chunk i owns rows offsets[i]:offsets[i + 1]
    terms: TermCounts | None = None  # BM25 term counts per chunk (None in a snapshot written before they were kept)

    def spans_of(self, i: int) -> np.ndarray:
        return self.span_vectors[self.span_offsets[i] : self.span_offsets[i + 1]]

    def span_owner(self) -> np.ndarray:
        return np.repeat(np.arange(len(self.chunks)), np.diff(self.span_offsets))


def offsets_of(spans: Sequence[np.ndarray]) -> np.ndarray:
    """Row where each chunk's span vectors start, one past the end last: [0, n1, n1 + n2, ...]."""
    offsets = np.zeros(len(spans) + 1, dtype=np.int64)
    offsets[1:] = np.cumsum([len(s) for s in spans]) if spans else []
    return offsets


def assemble(
    generation: int,
    chunks: list[Chunk],
    vectors: list[np.ndarray],
    spans: list[np.ndarray],
    dim: int,
    terms: TermCounts | None = None,
) -> Snapshot:
    return Snapshot(
        generation,
        tuple(chunks),
        np.vstack(vectors).astype(np.float32, copy=False) if vectors else np.zeros((0, dim), dtype=np.float32),
        np.vstack(spans).astype(np.float32, copy=False) if spans else np.zeros((0, dim), dtype=np.float32),
        offsets_of(spans),
        terms if terms is not None else chunk_terms(chunks),
    )


def snapshot_path(home: Path) -> Path:
    return home / "index" / "snapshot.bin"


def save_snapshot(home: Path, snapshot: Snapshot) -> Snapshot:
    """Write `snapshot` (atomically); returns it as read back: its arrays memory-mapped."""
    return _write(
        home, snapshot.generation, snapshot.chunks, snapshot.vectors, snapshot.span_vectors, snapshot.span_offsets,
        snapshot.terms,
    )


def _write(
    home: Path,
    generation: int,
    chunks: Sequence[Chunk],
    vectors: np.ndarray | list[np.ndarray],
    span_vectors: np.ndarray | list[np.ndarray],
    span_offsets: np.ndarray,
    terms: TermCounts | None,
) -> Snapshot:
    """Write a snapshot whose vectors may come as row blocks, and remember it memory-mapped.

    The process then holds the vectors once, in the page cache, instead of a
    heap copy beside the writer's own (2 x 178 MB of span vectors on a 12 MB corpus).
    """
    terms = terms if terms is not None else chunk_terms(chunks)
    header = {
        "generation": generation,
        "chunks": [[getattr(c, f) for f in FIELDS] for c in chunks],
        "vocab": list(terms.vocab),
        "tokenizer": TOKENIZER,
    }

    def float32(a: np.ndarray | list[np.ndarray]) -> np.ndarray | list[np.ndarray]:
        return a.astype(np.float32, copy=False) if isinstance(a, np.ndarray) else [b.astype(np.float32, copy=False) for b in a]

    arrays: dict[str, np.ndarray | list[np.ndarray]] = {
        "vectors": float32(vectors),
        "span_vectors": float32(span_vectors),
        "span_offsets": span_offsets.astype(np.int64, copy=False),
        "term_indptr": terms.indptr.astype(np.int64, copy=False),
        "term_ids": terms.ids.astype(np.int32),  # a vocabulary past 2**31 terms is not a notes corpus
        "term_counts": terms.counts.astype(np.int32),
    }
    path = snapshot_path(home)
    write_with(path, lambda handle: write_arrays(handle, header, arrays))
    legacy = path.with_name("snapshot.npz")  # the format before memory-mapping
    legacy.unlink(missing_ok=True)
    _, data = read_arrays(path)
    snapshot = Snapshot(generation, tuple(chunks), data["vectors"], data["span_vectors"], data["span_offsets"], terms)
    _remember(path, snapshot)
    return snapshot


# The last snapshot this process wrote or read, keyed by the file's identity:
# the facade reloads right after an ingest writes, and need not decode it again.
_last: tuple[tuple[str, int, int, int], Snapshot] | None = None


def _identity(path: Path) -> tuple[str, int, int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return (str(path), st.st_ino, st.st_size, st.st_mtime_ns)


def _remember(path: Path, snapshot: Snapshot) -> None:
    global _last
    key = _identity(path)
    _last = (key, snapshot) if key else None


def load_snapshot(home: Path) -> Snapshot | None:
    path = snapshot_path(home)
    if not path.is_file():
        return None
    if _last is not None and _last[0] == _identity(path):
        return _last[1]
    try:
        meta, data = read_arrays(path)
        vectors = data["vectors"]
        span_vectors = data["span_vectors"]
        span_offsets = data["span_offsets"]
        terms = _stored_terms(data, meta)
        chunks = tuple(Chunk(**dict(zip(FIELDS, row))) for row in meta["chunks"])
        if vectors.dtype != np.float32 or span_vectors.dtype != np.float32 or span_offsets.dtype != np.int64:
            raise ValueError("unexpected array types")
        if vectors.ndim != 2 or span_vectors.ndim != 2 or vectors.shape[1] != span_vectors.shape[1]:
            raise ValueError("unexpected array shapes")
        if len(span_offsets) and (span_offsets[0] != 0 or np.any(np.diff(span_offsets) < 0)):
            raise ValueError("span offsets are not increasing")
        if len(vectors) != len(chunks) or len(span_offsets) != len(chunks) + 1 or span_offsets[-1] != len(span_vectors):
            raise ValueError("array sizes do not match the chunk list")
        if terms is not None and not terms.valid_for(len(chunks)):
            logger.warning("term counts in %s do not match its chunks; BM25 will count them again", path)
            terms = None
        snapshot = Snapshot(int(meta["generation"]), chunks, vectors, span_vectors, span_offsets, terms)
    except (OSError, ValueError, KeyError, TypeError, IndexError) as exc:
        logger.warning("search snapshot %s is unreadable (%s); it will be rebuilt", path, exc)
        return None
    _remember(path, snapshot)
    return snapshot


def _stored_terms(data: dict[str, np.ndarray], meta: dict) -> TermCounts | None:
    """The stored term counts, or None when they are missing or were made by another tokenizer
    (BM25 then counts them again, and the next write keeps the new counts)."""
    if "vocab" not in meta or "term_indptr" not in data or meta.get("tokenizer") != TOKENIZER:
        return None
    return TermCounts(
        tuple(meta["vocab"]),
        np.asarray(data["term_indptr"], dtype=np.int64),
        np.asarray(data["term_ids"], dtype=np.int64),
        np.asarray(data["term_counts"], dtype=np.int64),
    )


def ordered_ids(manifest: Manifest) -> list[str]:
    return [cid for path in sorted(manifest.notes) for cid in manifest.notes[path].chunk_ids]


def build_snapshot(manifest: Manifest, store: ChunkStore) -> Snapshot:
    """Rebuild from the chunks of record (no embedding: the vectors live in Chroma)."""
    ids = ordered_ids(manifest)
    chunks, vectors = store.fetch(ids)
    spans = store.fetch_spans([c.id for c in chunks])
    complete = [(c, v) for c, v in zip(chunks, vectors) if c.id in spans]
    if len(complete) != len(ids):
        logger.warning(
            "%d committed chunk(s) are missing from the store; run `studygraph doctor --repair`", len(ids) - len(complete)
        )
    return assemble(
        manifest.generation, [c for c, _ in complete], [v for _, v in complete], [spans[c.id] for c, _ in complete],
        manifest.dimension,
    )


def write_updated_snapshot(
    home: Path,
    old: Snapshot | None,
    base_generation: int,
    manifest: Manifest,
    fresh: dict[str, Chunk],
    fresh_vectors: dict[str, tuple[np.ndarray, np.ndarray]],
    store: ChunkStore,
) -> Snapshot:
    """Write the next snapshot from the previous one plus what this ingest wrote;
    returns it memory-mapped.

    Kept chunks take their vectors from the old snapshot; re-chunked ones take
    their new metadata from `fresh`. Anything not found falls back to the store,
    and so does anything an old snapshot of another generation than the one
    this ingest started from would have supplied (its line numbers may predate
    a committed edit). A first ingest embedded everything: no store read.
    The vectors are written block by block, never stacked in memory.
    """
    if old is not None and old.generation != base_generation:
        old = None
    old_rows = {c.id: i for i, c in enumerate(old.chunks)} if old is not None else {}
    chunks: list[Chunk] = []
    vectors: list[np.ndarray] = []
    spans: list[np.ndarray] = []
    counted: list[int | None] = []  # the old row whose term counts a chunk keeps
    for cid in ordered_ids(manifest):
        row = old_rows.get(cid)
        if cid in fresh_vectors:
            vector, span_rows = fresh_vectors[cid]
            chunks.append(fresh[cid])
        elif row is not None and old is not None:
            chunks.append(fresh.get(cid, old.chunks[row]))
            vector, span_rows = old.vectors[row], old.spans_of(row)
        else:
            return save_snapshot(home, build_snapshot(manifest, store))
        # Same id is same text; with the same heading path, the same terms.
        reusable = row is not None and old is not None and old.terms is not None and old.chunks[row].heading == chunks[-1].heading
        counted.append(row if reusable else None)
        vectors.append(vector[None, :])
        spans.append(span_rows)
    terms = chunk_terms(chunks, old.terms if old is not None else None, counted)
    empty = np.zeros((0, manifest.dimension), dtype=np.float32)
    return _write(home, manifest.generation, chunks, vectors or empty, spans or empty, offsets_of(spans), terms)


def _with_terms(home: Path, snapshot: Snapshot) -> Snapshot:
    """The snapshot with its term counts written, when they were missing or made by another
    tokenizer: counted once, under the writer lock if it is free (else BM25 counts them in
    memory this time). Counting the 12 MB Python docs takes ~6 s; no cold `ask` should pay it twice."""
    if snapshot.terms is not None or not os.access(home, os.W_OK):
        return snapshot
    lock = try_writer_lock(home)
    if lock is None:
        return snapshot
    with lock:
        again = load_snapshot(home)
        if again is None or again.generation != snapshot.generation:
            return snapshot
        if again.terms is not None:
            return again
        logger.info("counting the search terms of the snapshot again (they were made by another tokenizer)")
        return save_snapshot(home, replace(again, terms=chunk_terms(again.chunks)))


def current_snapshot(home: Path, store: ChunkStore, lock_timeout: float) -> Snapshot:
    """The snapshot queries should use: one committed generation, never a mix.

    The manifest and the snapshot are two files, so a writer can commit between
    our two reads. A snapshot behind the manifest means a writer is between its
    commit and its snapshot write (it finishes within moments: we wait for it)
    or a writer was killed (the snapshot is rebuilt from Chroma under the writer
    lock, so no writer deletes chunks while we read them).

    Raises:
        IndexMissingError: nothing has been ingested yet.
    """
    for _ in range(20):
        manifest = require_manifest(home)
        snapshot = load_snapshot(home)
        if snapshot is not None and snapshot.generation == manifest.generation:
            return _with_terms(home, snapshot)
        if snapshot is not None and snapshot.generation > manifest.generation:
            continue  # a commit landed between our two reads
        if not os.access(home, os.W_OK):
            return build_snapshot(manifest, store)  # read-only data directory: rebuild in memory
        lock = try_writer_lock(home) or _wait_briefly(home, COMMIT_WINDOW_SECONDS)
        if lock is None:
            # A long write is under way (a first ingest, or one after a crash):
            # read the committed generation from Chroma without saving it.
            built = build_snapshot(manifest, store)
            if len(built.chunks) == len(manifest.chunk_ids()) and require_manifest(home).generation == manifest.generation:
                return built
            if snapshot is not None:
                return snapshot
            writer_lock(home, lock_timeout).release()
            continue
        with lock:
            manifest = require_manifest(home)
            snapshot = load_snapshot(home)
            if snapshot is None or snapshot.generation != manifest.generation:
                logger.info("search snapshot is stale; rebuilding it from the chunk store")
                snapshot = save_snapshot(home, build_snapshot(manifest, store))
            return snapshot
    raise IndexMissingError(f"the index in {home} kept changing while it was being read; try again")


def _wait_briefly(home: Path, seconds: float) -> FileLock | None:
    try:
        lock = FileLock(str(lock_path(home)))
        lock.acquire(timeout=seconds, poll_interval=0.02)
    except (Timeout, OSError):
        return None
    return lock
