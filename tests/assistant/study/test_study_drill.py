"""Anki-grade drilling on the Deck over the real seed notes: undo, suspend, edit,
cards of one's own, and one New/Learning/Review count."""

from __future__ import annotations

from pathlib import Path

import pytest
from study_helpers import chunks_of, no_embed

from studygraph.assistant.study.deck import Deck
from studygraph.assistant.study.schedule import Schedule
from studygraph.errors import StudyError

GRILL = "003_2b72a920368736ff.txt"


@pytest.fixture
def deck(seeds_copy: Path, studygraph_home: Path, clock) -> Deck:
    deck = Deck.open(studygraph_home, no_embed, schedule=Schedule(fuzz=False), clock=clock)
    deck.sync(chunks_of(seeds_copy))
    yield deck
    deck.close()


def find(deck: Deck, question: str):
    return next(c for c in deck.cards() if c.question == question)


def test_undo_takes_back_the_latest_rating_and_restores_the_schedule(deck: Deck, clock) -> None:
    card = find(deck, "TF-IDF formula?")
    deck.review(card.id, "good")
    clock.advance(minutes=5)
    due_after_first = deck.due_at(card.id)
    deck.review(card.id, "easy")
    assert deck.due_at(card.id) != due_after_first

    taken = deck.undo()
    assert (taken.card_id, taken.rating) == (card.id, 4)
    assert deck.due_at(card.id) == due_after_first and len(deck.store.reviews(card.id)) == 1
    assert deck.undo().rating == 3
    assert deck.due_at(card.id) is None and deck.store.reviews(card.id) == []  # new again
    assert deck.undo() is None


def test_counts_are_the_queue_the_student_gets(deck: Deck, clock) -> None:
    cards = deck.select(note=GRILL, due_only=True)
    before = deck.counts(cards)
    assert (before.new, before.learning, before.review) == (len(cards), 0, 0)
    again, good = cards[0], cards[1]
    deck.review(again.id, "again")
    deck.review(good.id, "good")
    assert deck.counts(cards).new == len(cards) - 2
    clock.advance(minutes=30)  # the "again" card is due again, the "good" one is learning but not yet due
    now = deck.counts(cards)
    due_ids = {c.id for c in deck.select(note=GRILL, due_only=True)} - {c.id for c in cards[2:]}
    assert now.learning + now.review == len(due_ids) >= 1
    assert str(now).startswith(f"New {len(cards) - 2} · Learning ")
    deck.review(good.id, "good")  # a second "good" graduates it to review
    clock.advance(days=30)
    assert deck.counts(cards).review == 1


def test_suspended_cards_leave_queues_and_counts_until_unsuspended(deck: Deck) -> None:
    card = find(deck, "TF-IDF formula?")
    total = deck.counts().new
    deck.suspend(card.id)
    assert card.id not in {c.id for c in deck.select(note=GRILL)}
    assert deck.counts().new == total - 1 and [c.id for c in deck.suspended()] == [card.id]
    deck.suspend(card.id, on=False)
    assert card.id in {c.id for c in deck.select(note=GRILL)} and deck.counts().new == total


def test_an_edit_outlives_a_sync_and_keeps_the_history(deck: Deck, seeds_copy: Path) -> None:
    card = find(deck, "TF-IDF formula?")
    deck.review(card.id, "hard")
    edited = deck.edit(card.id, "TF-IDF formula?", "tf(t, d) * log(N / df(t))")
    assert edited.id == card.id and edited.answer == "tf(t, d) * log(N / df(t))"
    deck.sync(chunks_of(seeds_copy))
    assert deck.card(card.id).answer == "tf(t, d) * log(N / df(t))"
    assert len(deck.store.reviews(card.id)) == 1
    with pytest.raises(StudyError, match="needs a question and an answer"):
        deck.edit(card.id, "TF-IDF formula?", "  ")


def test_a_card_of_ones_own_is_studied_and_survives_syncs(deck: Deck, seeds_copy: Path) -> None:
    own = deck.add_card("What does RRF stand for?", "Reciprocal Rank Fusion: sum of 1/(k + rank).")
    assert own.kind == "own" and own in deck.select(due_only=True)
    deck.sync(chunks_of(seeds_copy))
    assert deck.card(own.id) == own
    assert deck.select(due_only=True)[0].kind in ("qa", "own")
