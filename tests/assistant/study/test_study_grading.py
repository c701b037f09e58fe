"""Grading with the real embedding model: right answers beat wrong ones."""

from __future__ import annotations

from pathlib import Path

import pytest
from study_helpers import read_note

from studygraph.assistant.study.grading import Grader
from studygraph.assistant.study.questions import extract_cards

SEEDS = Path(__file__).resolve().parents[3] / "seeds"


@pytest.fixture(scope="module")
def cards() -> dict:
    out = {}
    for name in ("000_ea24ba94182485b6.txt", "003_2b72a920368736ff.txt"):
        for card in extract_cards(read_note(SEEDS / name)):
            out.setdefault(card.question, card)
    return out


@pytest.fixture(scope="module")
def grader(embedder) -> Grader:
    return Grader(embedder.encode)


CASES = [
    (
        'What is "Whisper"?',
        "OpenAI's speech-to-text model, an encoder-decoder transformer trained on lots of weakly supervised "
        "internet audio, so it copes well with accents and noise.",
        "A diffusion model from Stability AI that turns text prompts into images.",
    ),
    (
        "MoCo — what's the trick?",
        "A queue of negatives encoded by a momentum-updated encoder, so the negative pool is large and cheap.",
        "It trains on image and caption pairs scraped from the web.",
    ),
    (
        "Why hybrid?",
        "Dense embeddings catch paraphrases and sparse BM25 catches rare exact terms like IDs; together it's robust.",
        "Because storing one index costs less than storing two.",
    ),
]


@pytest.mark.parametrize(("question", "right", "wrong"), CASES)
def test_right_answer_is_right_and_wrong_answer_is_wrong(cards, grader, question, right, wrong) -> None:
    good, bad = grader.grade_many([(cards[question], right), (cards[question], wrong)])
    assert good.verdict == "right", good
    assert bad.verdict == "wrong", bad
    assert good.score > bad.score + 0.3
    assert bad.missed  # a wrong answer misses key concepts


def test_partial_answer_lists_what_it_missed(cards, grader) -> None:
    card = cards["Word2Vec — two architectures?"]
    assert set(card.key_concepts) == {"CBOW", "Skip-gram"}
    grade = grader.grade(card, "CBOW, which predicts the centre word from its context.")
    assert grade.verdict in ("partial", "right")
    assert grade.missed == ("Skip-gram",)
    full = grader.grade(card, "CBOW predicts the centre word from context; skip-gram predicts the context from the centre.")
    assert full.missed == () and full.score > grade.score


@pytest.mark.parametrize("answer", ["", "   ", "I don't know", "no idea", "?"])
def test_non_answers_score_zero(cards, grader, answer: str) -> None:
    card = cards['What is "SigLIP"?']
    grade = grader.grade(card, answer)
    assert (grade.score, grade.verdict) == (0.0, "wrong")
    assert "Softmax" in grade.missed and set(grade.missed) <= set(card.key_concepts)


def test_grade_json_shape(cards, grader) -> None:
    card = cards["TF-IDF formula?"]
    data = grader.grade(card, "term frequency times inverse document frequency").to_json()
    assert set(data) == {"card", "score", "verdict", "missed", "reference"}
    assert data["card"] == card.id and data["verdict"] == "right" and 0.0 <= data["score"] <= 1.0
    assert data["reference"] == "Term frequency times inverse document frequency."
