"""The snapshot keeps BM25 term counts; ingest re-counts only what it embedded,
and the BM25 built from them ranks exactly as rank-bm25 over freshly tokenized chunks."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from rank_bm25 import BM25Plus as Reference

from studygraph.assistant.bm25 import BM25Plus
from studygraph.assistant.facade import Studygraph
from studygraph.atomic import write_with
from studygraph.ingest import snapshot as snapshot_module
from studygraph.ingest.arrayfile import read_arrays, write_arrays
from studygraph.ingest.maintenance import remove_notes
from studygraph.ingest.note import Chunk
from studygraph.ingest.pipeline import sync
from studygraph.ingest.snapshot import load_snapshot
from studygraph.ingest.terms import chunk_terms
from studygraph.ingest.tokenize import tokenize
from studygraph.settings import load_settings

QUERIES = ["what is hnsw", "contrastive loss temperature", "ViT-L/14", "perceiver resampler", "xyzzy"]


def rewrite(path: Path, change) -> None:
    """Rewrite the snapshot file through `change`, as another version or a damaged disk might leave it."""
    header, arrays = read_arrays(path)
    header, arrays = change(header, {k: np.array(v) for k, v in arrays.items()})
    write_with(path, lambda handle: write_arrays(handle, header, arrays))
    snapshot_module._last = None


def fresh_scores(chunks: tuple[Chunk, ...], query: str) -> np.ndarray:
    return Reference([tokenize(c.embedding_text()) for c in chunks]).get_scores(tokenize(query))


def assert_counts_are_fresh(home: Path) -> None:
    snapshot = load_snapshot(home)
    assert snapshot is not None and snapshot.terms is not None
    terms = snapshot.terms
    assert terms.valid_for(len(snapshot.chunks))
    # Every vocabulary term is used by some chunk (a dead term would shift idf-weighted scores).
    assert set(np.unique(terms.ids)) == set(range(len(terms.vocab)))
    stored = BM25Plus.from_counts(terms)
    for query in QUERIES:
        np.testing.assert_allclose(stored.get_scores(tokenize(query)), fresh_scores(snapshot.chunks, query), rtol=1e-9, atol=1e-9)


@pytest.mark.slow
def test_counts_follow_edits_moves_and_removals(seeds_copy: Path, embedder) -> None:
    settings = load_settings()
    sync([seeds_copy], settings, embedder)
    assert_counts_are_fresh(settings.home)

    notes = sorted(seeds_copy.iterdir())
    # An edit that re-chunks one note, and a heading rename that keeps chunk ids but changes BM25 text.
    edited = notes[0]
    edited.write_text("# A new opening section\n\nHNSW graphs are layered.\n\n" + edited.read_text(encoding="utf-8"), encoding="utf-8")
    renamed = notes[1]
    text = renamed.read_text(encoding="utf-8")
    first_heading = next(line for line in text.splitlines() if line.startswith("#"))
    renamed.write_text(text.replace(first_heading, first_heading + " xyzzy", 1), encoding="utf-8")
    sync([seeds_copy], settings, embedder)
    assert_counts_are_fresh(settings.home)

    remove_notes([str(notes[2])], settings, embedder)
    assert_counts_are_fresh(settings.home)


@pytest.mark.slow
def test_reused_rows_equal_a_full_recount(seeds_copy: Path, embedder) -> None:
    settings = load_settings()
    sync([seeds_copy], settings, embedder)
    snapshot = load_snapshot(settings.home)
    reordered = tuple(reversed(snapshot.chunks))
    rows = list(reversed(range(len(snapshot.chunks))))
    rows[0] = None  # one chunk tokenized again, the rest carried over
    reused = chunk_terms(reordered, snapshot.terms, rows)
    for query in QUERIES:
        np.testing.assert_allclose(
            BM25Plus.from_counts(reused).get_scores(tokenize(query)), fresh_scores(reordered, query), rtol=1e-9, atol=1e-9
        )


@pytest.mark.slow
def test_a_snapshot_without_counts_still_serves(seeds_copy: Path, embedder) -> None:
    """A snapshot without term counts loads, and BM25 counts the chunks itself."""
    settings = load_settings()
    sync([seeds_copy], settings, embedder)
    rewrite(snapshot_module.snapshot_path(settings.home), lambda header, arrays: (
        {k: v for k, v in header.items() if k != "vocab"}, {k: v for k, v in arrays.items() if not k.startswith("term_")}
    ))
    reloaded = load_snapshot(settings.home)
    assert reloaded is not None and reloaded.terms is None
    hits = Studygraph(settings).search("What is HNSW?", mode="bm25")
    assert hits and "HNSW" in hits[0].chunk.text


@pytest.mark.slow
@pytest.mark.parametrize("damage", ["ids_out_of_range", "short_indptr"])
def test_damaged_counts_are_recounted_not_trusted(seeds_copy: Path, embedder, damage: str) -> None:
    settings = load_settings()
    sync([seeds_copy], settings, embedder)

    def damaged(header: dict, arrays: dict) -> tuple[dict, dict]:
        if damage == "ids_out_of_range":
            return header, {**arrays, "term_ids": arrays["term_ids"] + 10**6}
        return header, {**arrays, "term_indptr": arrays["term_indptr"][:-1]}

    rewrite(snapshot_module.snapshot_path(settings.home), damaged)
    reloaded = load_snapshot(settings.home)
    assert reloaded is not None and reloaded.terms is None
    assert Studygraph(settings).search("What is HNSW?", mode="bm25")
