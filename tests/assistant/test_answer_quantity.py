""""How many / how much" questions are answered with the sentence that states the number."""

from __future__ import annotations

import pytest

from studygraph.assistant.answering import QUANTITY, states_number
from studygraph.assistant.facade import Studygraph
from studygraph.settings import load_settings

# A section longer than the answer budget, the number stated late, after sentences that repeat the
# question's words: the answer must be built around the number, not the section's opening.
QFORMER = """# BLIP-2

## Overview

BLIP-2 connects a frozen image encoder to a frozen large language model. Only a small bridging module is trained, which makes pre-training cheap. The bridge is called the Q-Former.

## Q-Former

The Q-Former is a lightweight transformer that sits between the frozen image encoder and the frozen LLM. Its query tokens are learned parameters, not computed from the image. The query tokens read the image features through cross-attention layers. Self-attention layers let the query tokens exchange information with each other and with the text tokens. It is trained in two stages: representation learning first, then generative learning. In the first stage the queries learn to pull out the visual features that matter most for the paired text. In the second stage the output is projected into the input space of the language model, where it acts as a soft visual prompt. Each image is summarised by 32 learnable query embeddings of dimension 768. Because their number is fixed, the LLM always sees the same short visual prefix, whatever the image resolution.
"""


@pytest.fixture(scope="module")
def blip(tmp_path_factory: pytest.TempPathFactory) -> Studygraph:
    notes = tmp_path_factory.mktemp("notes")
    (notes / "blip2.md").write_text(QFORMER, encoding="utf-8")
    sg = Studygraph(load_settings(env={}, home=tmp_path_factory.mktemp("home")))
    sg.ingest([notes])
    return sg


def test_a_quantity_question_and_a_stated_number_are_recognised() -> None:
    assert QUANTITY.search("How many query tokens does the Q-Former use?")
    assert QUANTITY.search("How much data was CLIP trained on?")
    assert QUANTITY.search("What is the number of attention heads?")
    assert not QUANTITY.search("How does the Q-Former work?")
    assert states_number("It uses 32 learnable query embeddings.")
    assert states_number("400M (image, text) pairs from the web.")
    assert states_number("10–50x faster than DALL-E 2.")
    assert not states_number("GPT-4V and ViT-L/14 are models.")  # digits inside names
    assert not states_number("31. SigLIP improvement? Replace softmax with sigmoid loss.")  # list numbering


def test_how_many_quotes_the_sentence_stating_the_number(blip: Studygraph) -> None:
    answer = blip.ask("How many query tokens does the Q-Former use?")
    assert answer.found and len(answer.text) <= blip.settings.answer_max_chars
    assert "32 learnable query embeddings" in answer.text
    cited = [c for c in answer.citations if "32 learnable" in c.quote]
    assert cited and cited[0].end_line == 9  # the paragraph's line (from its heading, which the answer names)


def test_a_question_asking_no_number_is_answered_as_before(blip: Studygraph) -> None:
    answer = blip.ask("What is the Q-Former?")
    # The heading "Q-Former" is the source's title, so the answer does not repeat it.
    assert answer.text.startswith("The Q-Former is a lightweight transformer")


def test_the_seeds_state_how_many_pairs_clip_was_trained_on(seeded) -> None:
    assert "400M" in seeded.ask("How many image-text pairs was CLIP trained on?").text
