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


@pytest.fixture(scope="module")
def seed_deck() -> dict:
    out = {}
    for path in sorted(SEEDS.glob("*.txt")):
        for card in extract_cards(read_note(path)):
            out.setdefault(card.question, card)
    return out


@pytest.fixture(scope="module")
def contrasting(embedder, seed_deck) -> Grader:
    return Grader(embedder.encode, others=[c.answer for c in seed_deck.values() if c.answer])


@pytest.mark.parametrize(("question", "answer"), [
    ("Why IDF?", "Words found in nearly every document say little about any one of them, so their weight is pushed "
                 "down and rare words count for more."),
    ('What is "SigLIP"?', "A variant of CLIP training that scores each image-caption pair on its own with a logistic "
                          "function instead of normalising across the whole batch, which frees it from needing huge "
                          "batches."),
])
def test_a_claim_in_other_words_is_right_when_the_deck_shows_it_answers_this_card(
        seed_deck, grader, contrasting, question, answer) -> None:
    card = seed_deck[question]
    alone, against_deck = grader.grade(card, answer), contrasting.grade(card, answer)
    assert alone.verdict != "right"  # the words differ too much for the embedding score alone
    assert against_deck.contrast is not None and against_deck.contrast >= 0
    assert against_deck.verdict == "right", against_deck


def test_an_answer_that_restates_another_card_is_not_right(seed_deck, contrasting) -> None:
    grade = contrasting.grade(seed_deck['What is "Whisper"?'], seed_deck['What is "SigLIP"?'].answer)
    assert grade.verdict != "right"
    assert grade.contrast is not None and grade.contrast < 0
    assert any("closer to something else the notes say" in p for p in grade.problems)


def test_a_keyword_list_stays_partial_against_the_deck(seed_deck, contrasting) -> None:
    card = seed_deck['What is "SigLIP"?']
    assert contrasting.grade(card, "sigmoid, softmax, memory, batch size").verdict != "right"


@pytest.mark.parametrize(("acronym", "text", "expected"), [
    ("CDN", "uploads sit behind a content delivery network", True),
    ("CDN", "uploads sit behind a cache", False),
    ("GPU", "a graphics card", False),
])
def test_an_acronym_spelled_out_is_found(acronym: str, text: str, expected: bool) -> None:
    from studygraph.assistant.study.grading import _spelled_out_in

    assert _spelled_out_in(acronym, text) is expected


def test_the_deck_grades_against_its_other_cards(seeds_copy: Path, studygraph_home: Path, embedder) -> None:
    from study_helpers import chunks_of

    from studygraph.assistant.study.deck import Deck

    deck = Deck.open(studygraph_home, embedder.encode)
    try:
        deck.sync(chunks_of(seeds_copy))
        cards = {c.question: c for c in deck.cards()}
        whisper, siglip = cards['What is "Whisper"?'], cards['What is "SigLIP"?']
        grade = deck.grade(whisper.id, siglip.answer)
        assert grade.contrast is not None and grade.contrast < 0 and grade.verdict != "right"
        assert deck.grade(whisper.id, whisper.answer).verdict == "right"
    finally:
        deck.close()
