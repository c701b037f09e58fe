"""The search snapshot: the committed chunks and their vectors in one file.

Derived from Chroma and the manifest, stamped with the manifest generation it
matches, replaced atomically. Queries read only this file, so a query during
an ingest sees the old index or the new one, never a mix.
"""

from __future__ import annotations

import io
import json
import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ingest.atomic import write_bytes
from ingest.manifest import Manifest
from ingest.note import Chunk
from ingest.store import ChunkStore

logger = logging.getLogger(__name__)
FIELDS = ("id", "source", "text", "start_line", "end_line", "heading", "kind")


@dataclass(frozen=True)
class Snapshot:
    generation: int
    chunks: tuple[Chunk, ...]
    vectors: np.ndarray  # (len(chunks), dim), L2-normalised
    span_vectors: np.ndarray  # (total spans, dim): each chunk's indexed spans, in chunk order
    span_offsets: np.ndarray  # (len(chunks) + 1,): chunk i owns rows offsets[i]:offsets[i + 1]

    def spans_of(self, i: int) -> np.ndarray:
        return self.span_vectors[self.span_offsets[i] : self.span_offsets[i + 1]]

    def span_owner(self) -> np.ndarray:
        return np.repeat(np.arange(len(self.chunks)), np.diff(self.span_offsets))


def assemble(generation: int, chunks: list[Chunk], vectors: list[np.ndarray], spans: list[np.ndarray], dim: int) -> Snapshot:
    offsets = np.zeros(len(chunks) + 1, dtype=np.int64)
    offsets[1:] = np.cumsum([len(s) for s in spans]) if spans else []
    return Snapshot(
        generation,
        tuple(chunks),
        np.vstack(vectors).astype(np.float32) if vectors else np.zeros((0, dim), dtype=np.float32),
        np.vstack(spans).astype(np.float32) if spans else np.zeros((0, dim), dtype=np.float32),
        offsets,
    )


def snapshot_path(home: Path) -> Path:
    return home / "index" / "snapshot.npz"


def save_snapshot(home: Path, snapshot: Snapshot) -> None:
    meta = {
        "generation": snapshot.generation,
        "chunks": [[getattr(c, f) for f in FIELDS] for c in snapshot.chunks],
    }
    buffer = io.BytesIO()
    blob = np.frombuffer(json.dumps(meta, ensure_ascii=False).encode("utf-8", "surrogatepass"), dtype=np.uint8)
    np.savez(
        buffer,
        vectors=snapshot.vectors.astype(np.float32),
        span_vectors=snapshot.span_vectors.astype(np.float32),
        span_offsets=snapshot.span_offsets,
        meta=blob,
    )
    write_bytes(snapshot_path(home), buffer.getvalue())


def load_snapshot(home: Path) -> Snapshot | None:
    path = snapshot_path(home)
    if not path.is_file():
        return None
    try:
        with np.load(path, allow_pickle=False) as data:
            vectors = np.ascontiguousarray(data["vectors"], dtype=np.float32)
            span_vectors = np.ascontiguousarray(data["span_vectors"], dtype=np.float32)
            span_offsets = np.asarray(data["span_offsets"], dtype=np.int64)
            meta = json.loads(data["meta"].tobytes().decode("utf-8", "surrogatepass"))
    except (OSError, ValueError, KeyError) as exc:
        logger.warning("search snapshot %s is unreadable (%s); it will be rebuilt", path, exc)
        return None
    chunks = tuple(Chunk(**dict(zip(FIELDS, row))) for row in meta["chunks"])
    return Snapshot(int(meta["generation"]), chunks, vectors, span_vectors, span_offsets)


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


def updated_snapshot(
    old: Snapshot | None,
    manifest: Manifest,
    fresh: dict[str, Chunk],
    fresh_vectors: dict[str, tuple[np.ndarray, np.ndarray]],
    store: ChunkStore,
) -> Snapshot:
    """The next snapshot from the previous one plus what this ingest wrote.

    Kept chunks take their vectors from the old snapshot; re-chunked ones take
    their new metadata from `fresh`. Anything not found falls back to the store.
    """
    old_rows = {c.id: i for i, c in enumerate(old.chunks)} if old is not None else {}
    chunks: list[Chunk] = []
    vectors: list[np.ndarray] = []
    spans: list[np.ndarray] = []
    for cid in ordered_ids(manifest):
        if cid in fresh_vectors:
            vector, span_rows = fresh_vectors[cid]
            chunks.append(fresh[cid])
        elif cid in old_rows and old is not None:
            row = old_rows[cid]
            chunks.append(fresh.get(cid, old.chunks[row]))
            vector, span_rows = old.vectors[row], old.spans_of(row)
        else:
            return build_snapshot(manifest, store)
        vectors.append(vector[None, :])
        spans.append(span_rows)
    return assemble(manifest.generation, chunks, vectors, spans, manifest.dimension)
