"""Rank fusion: pure functions over rankings of document indices."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def rrf(rankings: Sequence[Sequence[int]], k: int = 60, weights: Sequence[float] | None = None) -> dict[int, float]:
    """Reciprocal rank fusion (Cormack et al. 2009): score(d) = sum_i w_i / (k + rank_i(d)).

    Args:
        rankings: each a list of document indices, best first.
        k: damping constant; 60 is the paper's value.
        weights: one per ranking (default 1.0 each).
    """
    if k <= 0:
        raise ValueError(f"k must be > 0, got {k}")
    weights = weights or [1.0] * len(rankings)
    fused: dict[int, float] = {}
    for ranking, weight in zip(rankings, weights):
        for rank, doc in enumerate(ranking, 1):
            fused[doc] = fused.get(doc, 0.0) + weight / (k + rank)
    return fused


def top(scores: dict[int, float], n: int) -> list[tuple[int, float]]:
    return sorted(scores.items(), key=lambda item: (-item[1], item[0]))[:n]


def zscore(scores: np.ndarray) -> np.ndarray:
    """Standardise one ranker's scores over the whole corpus."""
    spread = float(scores.std())
    return (scores - scores.mean()) / spread if spread > 1e-12 else np.zeros_like(scores)


def zscore_fusion(lexical: np.ndarray, dense: np.ndarray, alpha: float) -> np.ndarray:
    """Convex combination of standardised scores ("distribution-based score
    fusion"): unlike RRF it keeps how far ahead a clear winner is in one ranker."""
    return alpha * zscore(lexical) + (1.0 - alpha) * zscore(dense)
