"""Cutting a model's reply into sentences and their [n] markers."""

from __future__ import annotations

import pytest

from studygraph.assistant.llm.claims import Claim, marker_numbers, split_claims


def test_markers_before_or_after_the_full_stop():
    claims = split_claims("CLIP compares images with prompts [1]. It picks the closest label, e.g. a dog. [2] Done [3].")
    assert claims == [
        Claim("CLIP compares images with prompts.", (1,), 0),
        Claim("It picks the closest label, e.g. a dog.", (2,), 0),
        Claim("Done.", (3,), 0),
    ]


@pytest.mark.parametrize(
    ("body", "numbers"),
    [("1", [1]), ("1, 3", [1, 3]), ("2-4", [2, 3, 4]), ("1; 2 and 5", [1, 2, 5]), ("3-1", [3, 1]), ("1-500", [1, 500])],
)
def test_marker_numbers(body, numbers):
    assert marker_numbers(body) == numbers


def test_grouped_stacked_and_named_markers():
    (claim,) = split_claims("Uses ViT-L/14 [Passage 2][3, 4] [source 5].")
    assert claim == Claim("Uses ViT-L/14.", (2, 3, 4, 5), 0)


def test_bullets_are_claims_of_their_own_and_a_lone_marker_joins_the_claim_before():
    claims = split_claims("Key points:\n- Sample frames [1]\n* Encode each with a ViT.\n[2]\n\n1. Average them [3].")
    assert [(c.text, c.numbers, c.bullet) for c in claims] == [
        ("Key points:", (), False),
        ("Sample frames", (1,), True),
        ("Encode each with a ViT.", (2,), True),
        ("Average them.", (3,), True),
    ]


def test_reasoning_blocks_and_empty_pieces_are_dropped():
    assert split_claims("<think>Passage [9] says so.</think>Answer is 0.5 seconds [1].") == [Claim("Answer is 0.5 seconds.", (1,), 0)]
    assert split_claims("") == []
    assert split_claims("  [1]  \n---\n") == []


def test_decimals_versions_and_lowercase_continuations_do_not_split():
    (claim,) = split_claims("BERT masks 15.5% of tokens in v1.2 vs. the original [1].")
    assert claim.text == "BERT masks 15.5% of tokens in v1.2 vs. the original."
