"""Our sparse BM25+ ranks exactly as rank-bm25's BM25Plus."""

from pathlib import Path

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from rank_bm25 import BM25Plus as Reference

from studygraph.assistant.bm25 import BM25Plus
from studygraph.ingest.chunking import split_note
from studygraph.ingest.note import Note
from studygraph.ingest.terms import count_terms
from studygraph.ingest.tokenize import tokenize

SEEDS = sorted((Path(__file__).resolve().parents[2] / "seeds").glob("*.txt"))


@pytest.fixture(scope="module")
def corpus() -> list[list[str]]:
    docs = []
    for path in SEEDS:
        text = path.read_text(encoding="utf-8")
        docs += [tokenize(c.text) for c in split_note(Note(str(path), text, "", 0, 0.0))]
    return docs


@pytest.mark.parametrize(
    "query",
    ["what is hnsw", "clip zero-shot classification similarity", "infonce infonce loss", "ViT-L/14", "xyzzy", ""],
)
def test_scores_equal_rank_bm25(corpus: list[list[str]], query: str) -> None:
    ours = BM25Plus(corpus).get_scores(tokenize(query))
    theirs = Reference(corpus).get_scores(tokenize(query))
    np.testing.assert_allclose(ours, theirs, rtol=1e-9, atol=1e-9)
    assert list(np.argsort(-ours, kind="stable")[:5]) == list(np.argsort(-theirs, kind="stable")[:5])


def test_matched_lists_only_documents_with_a_query_term(corpus: list[list[str]]) -> None:
    bm25 = BM25Plus(corpus)
    matched = bm25.matched(tokenize("HNSW"))
    assert len(matched) >= 1
    assert all("hnsw" in corpus[i] for i in matched)


def test_index_from_stored_counts_scores_the_same(corpus: list[list[str]]) -> None:
    fresh = BM25Plus(corpus)
    stored = BM25Plus.from_counts(count_terms(corpus))
    for query in ("what is hnsw", "contrastive loss temperature", "ViT-L/14"):
        np.testing.assert_array_equal(stored.get_scores(tokenize(query)), fresh.get_scores(tokenize(query)))


WORDS = st.sampled_from(["alpha", "beta", "gamma", "delta", "vit-l/14", "vit", "l", "14", "loss", "x"])


@settings(max_examples=60, deadline=None)
@given(
    docs=st.lists(st.lists(WORDS, max_size=12), min_size=1, max_size=25),
    query=st.lists(st.sampled_from(["alpha", "beta", "vit", "loss", "zeta", "alpha"]), max_size=5),
)
def test_any_corpus_ranks_as_rank_bm25(docs: list[list[str]], query: list[str]) -> None:
    # Empty documents, repeated query terms and unknown terms included; a corpus
    # with no token at all makes rank-bm25 divide by zero (we return zeros).
    assume(any(docs))
    ours = BM25Plus(docs).get_scores(query)
    theirs = Reference(docs).get_scores(query)
    np.testing.assert_allclose(ours, theirs, rtol=1e-9, atol=1e-9)
