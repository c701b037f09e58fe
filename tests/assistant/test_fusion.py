import numpy as np
import pytest

from studygraph.assistant.fusion import rrf, top, zscore_fusion


def test_rrf_rewards_agreement_with_one_over_k_plus_rank() -> None:
    fused = rrf([[1, 2, 3], [3, 1]], k=60)
    assert fused[1] == pytest.approx(1 / 61 + 1 / 62)
    assert fused[3] == pytest.approx(1 / 63 + 1 / 61)
    assert [d for d, _ in top(fused, 3)] == [1, 3, 2]


def test_zscore_fusion_keeps_a_clear_lexical_winner_that_rrf_loses() -> None:
    rng = np.random.default_rng(0)
    lexical = np.ones(40)
    lexical[0] = 14.0  # the only passage with a rare exact term, far ahead
    lexical[[3, 7, 9]] = 4.0
    dense = rng.uniform(0.15, 0.40, 40)
    dense[0] = 0.42  # 4th for dense, behind three passages that also match a common term
    dense[[3, 7, 9]] = [0.47, 0.46, 0.45]
    assert int(np.argmax(zscore_fusion(lexical, dense, alpha=0.4))) == 0
    # RRF sees only ranks: 1st + 4th loses to 2nd + 1st.
    ranked = top(rrf([list(np.argsort(-lexical, kind="stable")), list(np.argsort(-dense, kind="stable"))]), 1)
    assert ranked[0][0] == 3


def test_constant_scores_contribute_nothing() -> None:
    fused = zscore_fusion(np.ones(4), np.array([0.1, 0.4, 0.2, 0.3]), alpha=0.5)
    assert int(np.argmax(fused)) == 1
