"""Follow-up questions are read with the concepts of the previous one."""

from __future__ import annotations

import re

from studygraph.assistant.followup import resolve

NAMES = {"clip": "CLIP", "siglip": "SigLIP", "flamingo": "Flamingo", "contrastive loss": "Contrastive Loss"}


def mentions(text: str) -> list[str]:
    """A stand-in for the concept graph's lexicon: names found as whole words, in order."""
    found = sorted((m.start(), name) for key, name in NAMES.items() for m in re.finditer(rf"\b{key}\b", text.lower()))
    return [name for _, name in found]


def test_a_pronoun_takes_the_previous_concept() -> None:
    assert resolve("And what loss does it use?", "How does CLIP do zero-shot classification?", mentions) == "What loss does CLIP use?"
    assert resolve("What are its limits?", "What is Flamingo?", mentions) == "What are Flamingo's limits?"
    assert resolve("How is this model trained?", "What is CLIP?", mentions) == "How is CLIP trained?"


def test_a_short_continuation_takes_the_previous_concept() -> None:
    assert resolve("And the training data?", "What is Flamingo?", mentions) == "The training data of Flamingo?"


def test_a_question_with_its_own_concept_or_no_previous_turn_is_read_as_it_is() -> None:
    assert resolve("What loss does SigLIP use?", "What is CLIP?", mentions) == "What loss does SigLIP use?"
    assert resolve("What loss does it use?", None, mentions) == "What loss does it use?"
    assert resolve("What loss does it use?", "How do I cook pasta?", mentions) == "What loss does it use?"
    long = "How does attention scale with the length of the input sequence?"
    assert resolve(long, "What is CLIP?", mentions) == long


def test_two_concepts_of_a_comparison_are_carried_together() -> None:
    assert resolve("Which one is faster to train? Do they differ?", "Compare CLIP and SigLIP", mentions).endswith(
        "Do CLIP and SigLIP differ?"
    )
