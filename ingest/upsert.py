"""Steps 1-2 of a write: journal the notes about to change, then embed and upsert
the chunks Chroma does not hold yet (until the manifest is committed, Chroma may
hold chunks no manifest names: invisible to search)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np

from studygraph.ingest.embedder import Embedder
from studygraph.ingest.journal import Journal, write_journal
from studygraph.ingest.note import Chunk
from studygraph.ingest.report import Progress, ProgressFn
from studygraph.ingest.scan import Scan
from studygraph.ingest.spans import indexed_spans, span_embedding_text
from studygraph.ingest.store import ChunkStore

EMBED_BATCH = 128  # chunks per embed + upsert round

Vectors = dict[str, tuple[np.ndarray, np.ndarray]]  # chunk id -> (chunk vector, span vectors)


def embed_changed(
    scan: Scan, journal: Journal, rebuilding: bool, home: Path, store: ChunkStore, embedder: Embedder,
    emit: ProgressFn,
) -> tuple[dict[str, Chunk], Vectors, set[str]]:
    """Journal the notes about to change, then embed and upsert their new chunks.

    Returns:
        The fresh chunks by id, their (chunk vector, span vectors), and the ids
        Chroma already held (not embedded again).
    """
    write_journal(home, set(scan.changed) | set(scan.removed) | journal.notes, rebuild=rebuilding)
    fresh: dict[str, Chunk] = {c.id: c for chunks in scan.changed.values() for c in chunks}
    fresh_vectors, kept = embed_new(fresh, store, embedder, emit)
    if kept:
        # Same text, new place in the note: refresh line numbers, keep the vectors.
        moved = sorted(kept)
        store.update_metadata([fresh[c] for c in moved], [len(fresh_vectors[c][1]) for c in moved],
                              [embedded_key(fresh[c]) for c in moved])
    return fresh, fresh_vectors, kept


def embed_new(
    fresh: dict[str, Chunk], store: ChunkStore, embedder: Embedder, emit: ProgressFn
) -> tuple[Vectors, set[str]]:
    """Embed and store only chunks Chroma does not hold yet (with all their spans).

    Each chunk is embedded span by span (sentences, items, Q&A answers with
    their question), each span read beside its neighbours; its own vector is the
    normalised mean of its spans.

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
    vectors: Vectors = {}
    emit(Progress("embed", 0, len(todo), f"embedding {len(todo)} new chunk(s)"))
    for start in range(0, len(todo), EMBED_BATCH):
        part = todo[start : start + EMBED_BATCH]
        texts = [[span_embedding_text(s) for s in indexed_spans(c)] for c in part]
        span_rows = embedder.encode_spans(texts)  # each span read beside its neighbours (settings.span_window)
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
