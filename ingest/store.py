"""Chroma holds the chunks of record: text, metadata and our own vectors.

Local by default (a persistent client in the data directory); a Chroma server
when STUDYGRAPH_CHROMA_URL is set. Chroma's default embedding function never
runs: every write brings its vectors.

A server that is down, dies or hangs (no answer within `chroma_timeout`)
raises StoreUnavailableError naming it. A server's collection is owned by one
data directory: the first write records its host and path in `<collection>_owner`,
and a writer from another data directory is refused (StoreOwnedError): its
manifest would call the other's chunks orphans and delete them.
"""

from __future__ import annotations

import functools
import json
import logging
import socket
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import urlparse

import numpy as np

from studygraph.errors import ConfigError, StoreOwnedError, StoreUnavailableError
from studygraph.ingest.note import Chunk
from studygraph.settings import Settings

if TYPE_CHECKING:
    from chromadb.api import ClientAPI

logger = logging.getLogger(__name__)
BATCH = 1000
SPAN_INDEX = {"hnsw:construction_ef": 10, "hnsw:M": 4}


OWNER_ID = "owner"
T = TypeVar("T")


def _client(settings: Settings) -> ClientAPI:
    import chromadb
    import httpx
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    if settings.chroma_url:
        url = urlparse(settings.chroma_url)
        if url.scheme not in ("http", "https") or not url.hostname:
            raise ConfigError(f"STUDYGRAPH_CHROMA_URL must look like http://host:port, got {settings.chroma_url!r}")
        # Chroma's client waits forever and asks the server as it is built: probe it with our timeout first.
        heartbeat = f"{settings.chroma_url.rstrip('/')}/api/v2/heartbeat"
        with urllib.request.urlopen(heartbeat, timeout=settings.chroma_timeout):
            pass
        client = chromadb.HttpClient(
            host=url.hostname,
            port=url.port or (443 if url.scheme == "https" else 8000),
            ssl=url.scheme == "https",
            settings=chroma_settings,
        )
        client._server._session.timeout = httpx.Timeout(settings.chroma_timeout)  # type: ignore[attr-defined]
        return client
    settings.chroma_dir.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(settings.chroma_dir), settings=chroma_settings)


def _unreachable(exc: BaseException) -> bool:
    """An error that says the server is down, died or hung (not a bad request)."""
    import httpx

    if isinstance(exc, (httpx.TransportError, urllib.error.URLError, TimeoutError, ConnectionError)):
        return True
    return isinstance(exc, ValueError) and "Could not connect to a Chroma server" in str(exc)


def remote(method: Callable[..., T]) -> Callable[..., T]:
    """Turn a server's failure inside `method` into StoreUnavailableError naming the server."""

    @functools.wraps(method)
    def call(self: ChunkStore, *args: Any, **kwargs: Any) -> T:
        try:
            return method(self, *args, **kwargs)
        except (StoreUnavailableError, StoreOwnedError):
            raise
        except Exception as exc:
            if not (self.settings.chroma_url and _unreachable(exc)):
                raise
            self._client = self._collection = self._spans = None  # reconnect on the next use
            timeout = self.settings.chroma_timeout
            why = f"did not answer within {timeout:g} s" if "timed out" in str(exc).lower() or "Timeout" in type(exc).__name__ else "cannot be reached"
            raise StoreUnavailableError(
                f"the Chroma server at {self.settings.chroma_url} {why} ({type(exc).__name__}: {exc}); "
                "start it again or check STUDYGRAPH_CHROMA_URL (STUDYGRAPH_CHROMA_TIMEOUT sets the wait)"
            ) from exc

    return call


def _batches(items: Sequence, size: int = BATCH) -> Iterable[Sequence]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class ChunkStore:
    """Thin adapter over two Chroma collections: chunks (text, metadata, the
    chunk's vector) and their spans' vectors (`<chunk id>:<position>`), which
    dense retrieval and answer scoring use. Cheap to construct; connects on first use."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._client: ClientAPI | None = None
        self._collection = None
        self._spans = None
        self._claimed = False

    def _chroma(self) -> ClientAPI:
        if self._client is None:
            self._client = _client(self.settings)
        return self._client

    def _open(self, name: str, metadata: dict | None = None):
        return self._chroma().get_or_create_collection(
            name, embedding_function=None, metadata={"hnsw:space": "cosine", **(metadata or {})}
        )

    @property
    def collection(self):
        if self._collection is None:
            self._collection = self._open(self.settings.collection_name)
        return self._collection

    @property
    def spans(self):
        if self._spans is None:
            # Span vectors are kept of record, never searched in Chroma (queries use the
            # snapshot), so their HNSW graph is built as cheaply as Chroma allows: 115k span
            # vectors upsert in 18 s instead of 63 s (benchmarks: ef 100/M 16 -> 10/4).
            self._spans = self._open(f"{self.settings.collection_name}_spans", SPAN_INDEX)
        return self._spans

    def close(self) -> None:
        """Give back what Chroma holds in memory; the next use connects again.

        A local client keeps each collection's HNSW index in the process after a
        write: measured here, 106k span vectors upserted left ~220 MB held, all of it
        given back by closing the client (with `malloc_trim`), and opening it again
        for the next write took 0.3 s. Writers close it when they end (see
        `ingest.pipeline.writing`), so the concept graph is not built on top of it.
        Queries never use Chroma (they read the snapshot).
        """
        client, self._client, self._collection, self._spans = self._client, None, None, None
        close = getattr(client, "close", None)  # Chroma's clients have it; its ClientAPI type does not say so
        if close is not None:
            try:
                close()
            except Exception as exc:  # closing must not turn a finished write into a failure
                logger.debug("Chroma client not closed: %s", exc)

    @remote
    def count(self) -> int:
        """How many chunks the store holds (one cheap request)."""
        return int(self.collection.count())

    def _claim(self) -> None:
        """Before this store's first write to a server: check that the collection is
        this data directory's, recording it as the owner if nobody is.

        Not a lock: two data directories making their very first write in the same
        moment can both pass; from then on the second is refused.

        Raises:
            StoreOwnedError: another data directory (another host or path) owns it.
        """
        if self._claimed or not self.settings.chroma_url:
            return
        me = {"host": socket.gethostname(), "home": str(self.settings.data_dir.resolve())}
        owners = self._open(f"{self.settings.collection_name}_owner")
        got = owners.get(ids=[OWNER_ID], include=["documents"])
        if got["ids"]:
            held = json.loads(got["documents"][0] or "{}")
            if (held.get("host"), held.get("home")) != (me["host"], me["home"]):
                since = time.strftime("%Y-%m-%d %H:%M", time.localtime(float(held.get("since", 0))))
                raise StoreOwnedError(
                    f"the collection {self.settings.collection_name!r} on the Chroma server at {self.settings.chroma_url} "
                    f"belongs to the data directory {held.get('home')} on {held.get('host')} (since {since}); "
                    "writing it from here would delete that index's chunks as orphans. Give this data directory "
                    "its own collection (STUDYGRAPH_COLLECTION=another-name) or its own server"
                )
        else:
            owners.upsert(ids=[OWNER_ID], documents=[json.dumps({**me, "since": time.time()})], embeddings=[[1.0]])
        self._claimed = True

    @remote
    def ids(self) -> set[str]:
        return set(self.collection.get(include=[])["ids"])

    @remote
    def upsert(
        self, chunks: Sequence[Chunk], vectors: np.ndarray, span_vectors: Sequence[np.ndarray],
        embedded: Sequence[str] = (),
    ) -> None:
        """Write chunks with their vectors; spans first, so a chunk never lacks its spans.

        Args:
            embedded: per chunk, the key of the span texts its vectors are of (see `embedded_as`).
        """
        self._claim()
        keys = list(embedded) or [""] * len(chunks)
        ids = [f"{c.id}:{i}" for c, rows in zip(chunks, span_vectors) for i in range(len(rows))]
        owners = [{"chunk_id": c.id, "position": i} for c, rows in zip(chunks, span_vectors) for i in range(len(rows))]
        flat = np.vstack(span_vectors) if span_vectors else np.zeros((0, vectors.shape[1]), dtype=np.float32)
        for start in range(0, len(ids), BATCH):
            self.spans.upsert(
                ids=ids[start : start + BATCH], metadatas=owners[start : start + BATCH], embeddings=flat[start : start + BATCH]
            )
        for start in range(0, len(chunks), BATCH):
            part = chunks[start : start + BATCH]
            self.collection.upsert(
                ids=[c.id for c in part],
                documents=[c.text for c in part],
                metadatas=[
                    {**c.metadata(), "spans": len(rows), "embedded": key}
                    for c, rows, key in zip(part, span_vectors[start : start + BATCH], keys[start : start + BATCH])
                ],
                embeddings=vectors[start : start + BATCH],
            )

    @remote
    def update_metadata(self, chunks: Sequence[Chunk], span_counts: Sequence[int], embedded: Sequence[str]) -> None:
        """New line numbers (and heading) for chunks whose vectors stay."""
        self._claim()
        for start in range(0, len(chunks), BATCH):
            rows = zip(chunks[start : start + BATCH], span_counts[start : start + BATCH], embedded[start : start + BATCH])
            metadatas = [{**c.metadata(), "spans": n, "embedded": key} for c, n, key in rows]
            self.collection.update(ids=[c.id for c in chunks[start : start + BATCH]], metadatas=metadatas)

    @remote
    def embedded_as(self, ids: Sequence[str]) -> dict[str, str]:
        """Stored chunk id -> the key of the span texts its vectors were made of ("" if unrecorded).

        A chunk id covers its text only; the model also reads the heading or the
        question a span sits under, so an unchanged passage under a new heading
        needs new vectors although Chroma holds its id.
        """
        found: dict[str, str] = {}
        for batch in _batches(list(ids)):
            got = self.collection.get(ids=list(batch), include=["metadatas"])
            found.update({cid: str((meta or {}).get("embedded", "")) for cid, meta in zip(got["ids"], got["metadatas"])})
        return found

    @remote
    def drop(self) -> None:
        """Delete both collections (a rebuild starts from nothing)."""
        self._claim()
        client = self._chroma()
        for name in (self.settings.collection_name, f"{self.settings.collection_name}_spans"):
            try:
                client.delete_collection(name)
            except Exception as exc:
                if _unreachable(exc):
                    raise
                logger.debug("collection %s not dropped: %s", name, exc)
        self._collection = self._spans = None

    @remote
    def span_counts(self) -> tuple[dict[str, int], dict[str, int]]:
        """(span rows stored per chunk id, span count each chunk's metadata expects)."""
        rows: dict[str, int] = {}
        for meta in self.spans.get(include=["metadatas"])["metadatas"]:
            rows[str(meta["chunk_id"])] = rows.get(str(meta["chunk_id"]), 0) + 1
        got = self.collection.get(include=["metadatas"])
        expected = {cid: int(meta.get("spans", -1)) for cid, meta in zip(got["ids"], got["metadatas"])}
        return rows, expected

    @remote
    def delete(self, ids: Iterable[str]) -> None:
        self._claim()
        for part in _batches(sorted(ids)):
            self.collection.delete(ids=list(part))
            self.spans.delete(where={"chunk_id": {"$in": list(part)}})

    @remote
    def orphan_spans(self, live: set[str]) -> set[str]:
        """Span rows whose chunk is gone (left by a crash between the two writes)."""
        got = self.spans.get(include=["metadatas"])
        return {sid for sid, meta in zip(got["ids"], got["metadatas"]) if meta["chunk_id"] not in live}

    @remote
    def delete_spans(self, span_ids: Iterable[str]) -> None:
        self._claim()
        for part in _batches(sorted(span_ids)):
            self.spans.delete(ids=list(part))

    @remote
    def fetch_spans(self, chunk_ids: Sequence[str]) -> dict[str, np.ndarray]:
        """Span vectors per chunk id, rows in span order."""
        rows: dict[str, dict[int, np.ndarray]] = {}
        for part in _batches(list(chunk_ids), 200):
            got = self.spans.get(where={"chunk_id": {"$in": list(part)}}, include=["metadatas", "embeddings"])
            for meta, vec in zip(got["metadatas"], got["embeddings"]):
                rows.setdefault(str(meta["chunk_id"]), {})[int(meta["position"])] = np.asarray(vec, dtype=np.float32)
        return {cid: np.vstack([by_pos[i] for i in sorted(by_pos)]) for cid, by_pos in rows.items()}

    @remote
    def fetch(self, ids: Sequence[str]) -> tuple[list[Chunk], np.ndarray]:
        """Chunks and vectors for ids, in the order given (missing ids are left out)."""
        by_id: dict[str, tuple[Chunk, np.ndarray]] = {}
        for part in _batches(list(ids)):
            got = self.collection.get(ids=list(part), include=["documents", "metadatas", "embeddings"])
            for cid, text, meta, vec in zip(got["ids"], got["documents"], got["metadatas"], got["embeddings"]):
                by_id[cid] = (Chunk.from_record(cid, text, meta), np.asarray(vec, dtype=np.float32))
        ordered = [by_id[cid] for cid in ids if cid in by_id]
        if not ordered:
            return [], np.zeros((0, 0), dtype=np.float32)
        return [c for c, _ in ordered], np.vstack([v for _, v in ordered])
