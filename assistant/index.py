"""The in-memory search index derived from a snapshot: BM25, dense and hybrid rankings.

Dense scores a chunk by its best span (sentence, list item, Q&A answer): a
question is usually answered by one line, which a whole-chunk vector dilutes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from studygraph.assistant.bm25 import BM25Plus
from studygraph.assistant.fusion import rrf, top, zscore_fusion
from studygraph.ingest.snapshot import Snapshot
from studygraph.ingest.terms import chunk_terms

CANDIDATES = 50


@dataclass(frozen=True)
class Ranked:
    index: int
    score: float


def _top(scores: np.ndarray, n: int, among: np.ndarray | None = None) -> list[Ranked]:
    idx = np.arange(len(scores)) if among is None else among
    if not len(idx):
        return []
    values = scores[idx]
    n = min(n, len(values))
    part = np.argpartition(-values, n - 1)[:n]
    order = part[np.lexsort((idx[part], -values[part]))]
    return [Ranked(int(idx[i]), float(values[i])) for i in order]


class SearchIndex:
    """Rankings over one snapshot. Built once per index generation."""

    def __init__(self, snapshot: Snapshot, fusion: str = "zscore", alpha: float = 0.4, rrf_k: int = 60) -> None:
        self.snapshot = snapshot
        self.chunks = snapshot.chunks
        self.fusion, self.alpha, self.rrf_k = fusion, alpha, rrf_k
        self.owner = snapshot.span_owner()
        terms = snapshot.terms if snapshot.terms is not None else chunk_terms(self.chunks)
        self.bm25 = BM25Plus.from_counts(terms)
        self._positions = {c.id: i for i, c in enumerate(self.chunks)}

    def __len__(self) -> int:
        return len(self.chunks)

    def bm25_scores(self, tokens: Sequence[str]) -> np.ndarray:
        return self.bm25.get_scores(tokens)

    def dense_scores(self, vector: np.ndarray) -> np.ndarray:
        """Best span similarity per chunk."""
        best = np.full(len(self.chunks), -1.0, dtype=np.float32)
        if len(self.owner):
            np.maximum.at(best, self.owner, self.snapshot.span_vectors @ vector)
        return best

    def position(self, chunk_id: str) -> int | None:
        return self._positions.get(chunk_id)

    def span_scores(self, i: int, vector: np.ndarray) -> np.ndarray:
        return self.snapshot.spans_of(i) @ vector

    def rank(
        self, mode: str, tokens: Sequence[str], vector: np.ndarray | None, n: int, among: np.ndarray | None = None
    ) -> list[Ranked]:
        """The top `n` chunks in `mode`; `among` (sorted positions) narrows them, e.g. to tagged notes."""
        if not len(self.chunks):
            return []
        if mode == "bm25":
            return _top(self.bm25_scores(tokens), n, self._matched(tokens, among))
        assert vector is not None
        dense = self.dense_scores(vector)
        if mode == "dense":
            return _top(dense, n, among)
        lexical = self.bm25_scores(tokens)
        if self.fusion == "rrf":
            lists = [[r.index for r in _top(lexical, CANDIDATES, self._matched(tokens, among))],
                     [r.index for r in _top(dense, CANDIDATES, among)]]
            return [Ranked(i, s) for i, s in top(rrf(lists, k=self.rrf_k), n)]
        return _top(zscore_fusion(lexical, dense, self.alpha), n, among)

    def _matched(self, tokens: Sequence[str], among: np.ndarray | None) -> np.ndarray:
        """Chunks holding a query term (BM25 ranks no others), within `among` if given."""
        matched = self.bm25.matched(tokens)
        return matched if among is None else np.intersect1d(matched, among)
