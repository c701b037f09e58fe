"""Questions about something the notes never mention are refused, naming it."""

from __future__ import annotations

import pytest

from studygraph.assistant.coverage import unknown_specifics, wordpiece_counter

VOCAB = {"clip", "contrast", "loss", "imag", "text", "encod", "llava", "model", "view", "render"}


@pytest.fixture(scope="module")
def pieces(model_path: str):
    return wordpiece_counter(model_path)


def test_a_name_or_rare_word_the_notes_never_use_is_unknown(pieces) -> None:
    assert unknown_specifics("How does NeRF render novel views?", VOCAB, pieces) == ["NeRF"]
    assert unknown_specifics("What is the reparameterization trick?", VOCAB, pieces) == ["reparameterization"]
    assert unknown_specifics("How does a Kalman filter work?", VOCAB, pieces) == ["Kalman"]
    # Capitalised words side by side are one name: known only when all of it is.
    assert unknown_specifics("How does the Swin Model use shifted windows?", VOCAB, pieces) == ["Swin"]
    assert unknown_specifics("How does the Swin model compare with CLIP?", VOCAB, pieces) == []  # CLIP stands alone


def test_ordinary_words_and_known_names_are_not(pieces) -> None:
    assert unknown_specifics("Why does the image encoder need a contrastive loss?", VOCAB, pieces) == []
    assert unknown_specifics("What is the downside of this, put simply?", VOCAB, pieces) == []
    # A known name covers the question even beside an unknown one (the notes may say BLIP2, not BLIP-2).
    assert unknown_specifics("Why freeze the LLM when training LLaVA or BLIP-2?", VOCAB, pieces) == []
    assert unknown_specifics("What's today's best CLIP-style model?", VOCAB, pieces) == []


def test_the_assistant_says_what_the_notes_never_mention(seeded) -> None:
    answer = seeded.ask("How does the Viterbi algorithm decode a sequence?")
    assert not answer.found and "never mention Viterbi" in answer.text
    assert seeded.ask("How does CLIP do zero-shot classification?").found
