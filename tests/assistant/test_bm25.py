"""Our sparse BM25+ ranks exactly as rank-bm25's BM25Plus."""

from pathlib import Path

import numpy as np
import pytest
from rank_bm25 import BM25Plus as Reference

from assistant.bm25 import BM25Plus
from ingest.chunking import split_note
from ingest.note import Note
from ingest.tokenize import tokenize

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
