"""How an ingest writes its snapshot: from what it embedded, not read back from Chroma."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from studygraph.ingest.manifest import load_manifest
from studygraph.ingest.pipeline import sync
from studygraph.ingest.snapshot import build_snapshot, load_snapshot
from studygraph.ingest.store import ChunkStore
from studygraph.settings import load_settings


class ReadCountingStore(ChunkStore):
    """The real store, counting bulk reads of chunks and span vectors."""

    reads = 0

    def fetch(self, ids):
        ReadCountingStore.reads += 1
        return super().fetch(ids)

    def fetch_spans(self, chunk_ids):
        ReadCountingStore.reads += 1
        return super().fetch_spans(chunk_ids)


@pytest.mark.slow
def test_first_ingest_writes_the_snapshot_without_reading_the_store_back(seeds_copy: Path, embedder) -> None:
    settings = load_settings()
    store = ReadCountingStore(settings)
    ReadCountingStore.reads = 0
    sync([seeds_copy], settings, embedder, store)
    assert ReadCountingStore.reads == 0
    written = load_snapshot(settings.home)
    # ...and it equals the snapshot rebuilt from the chunks of record.
    rebuilt = build_snapshot(load_manifest(settings.home), ChunkStore(settings))
    assert [c.id for c in written.chunks] == [c.id for c in rebuilt.chunks]
    assert written.chunks == rebuilt.chunks
    np.testing.assert_allclose(written.span_vectors, rebuilt.span_vectors, atol=1e-6)
    np.testing.assert_array_equal(written.span_offsets, rebuilt.span_offsets)
    assert written.terms.vocab == rebuilt.terms.vocab
    np.testing.assert_array_equal(written.terms.counts, rebuilt.terms.counts)


@pytest.mark.slow
def test_term_counts_of_another_tokenizer_are_made_again_once(seeds_copy: Path, embedder) -> None:
    from studygraph.ingest import arrayfile
    from studygraph.ingest.snapshot import TOKENIZER, current_snapshot, snapshot_path
    from studygraph.ingest.terms import chunk_terms

    settings = load_settings()
    sync([seeds_copy], settings, embedder)
    path = snapshot_path(settings.home)
    header, arrays = arrayfile.read_arrays(path)
    earlier = {k: v for k, v in header.items() if k not in ("tokenizer", "arrays")}  # as an earlier release wrote it
    copies = {k: np.array(v) for k, v in arrays.items()}
    with path.open("wb") as handle:
        arrayfile.write_arrays(handle, earlier, copies)
    assert load_snapshot(settings.home).terms is None  # not trusted: counted by another tokenizer
    current = current_snapshot(settings.home, ChunkStore(settings), 5.0)
    assert current.terms.vocab == chunk_terms(current.chunks).vocab
    assert arrayfile.read_arrays(path)[0]["tokenizer"] == TOKENIZER  # written back: the next process reads them
    assert load_snapshot(settings.home).terms.vocab == current.terms.vocab
