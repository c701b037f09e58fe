"""Progress: due today, reviews, retention, weakest concepts."""

from __future__ import annotations

from pathlib import Path

from study_helpers import chunks_of, no_embed

from studygraph.assistant.study.deck import Deck
from studygraph.assistant.study.grading import Grade
from studygraph.assistant.study.schedule import Schedule


def grade(card_id: str, score: float) -> Grade:
    return Grade(card_id, score, "right" if score > 0.6 else "wrong", (), "", score, score)


def test_progress_counts_and_weakest_concepts(seeds_copy: Path, studygraph_home: Path, clock) -> None:
    deck = Deck.open(studygraph_home, no_embed, schedule=Schedule(fuzz=False), clock=clock)
    deck.sync(chunks_of(seeds_copy))
    total = len(deck.cards())
    cards = {c.question: c for c in deck.cards()}
    siglip, whisper, tfidf = cards['What is "SigLIP"?'], cards['What is "Whisper"?'], cards["TF-IDF formula?"]

    deck.review(siglip.id, "again", grade(siglip.id, 0.1))
    deck.review(whisper.id, "easy", grade(whisper.id, 0.9))  # due in 8 days
    deck.review(tfidf.id, "good")  # rated without a typed answer
    clock.advance(minutes=1)
    deck.review(siglip.id, "good", grade(siglip.id, 0.5))  # a repeat: remembered

    stats = deck.progress()
    assert (stats.cards, stats.new, stats.reviewed_cards, stats.reviews, stats.reviews_today) == (total, total - 3, 3, 4, 4)
    assert stats.due_today == 2  # SigLIP and TF-IDF are back in minutes, Whisper in 8 days
    assert stats.retention == 1.0
    assert stats.mean_score == 0.5
    assert [(w.concept, w.mean_score, w.reviews) for w in stats.weakest] == [("SigLIP", 0.3, 2), ("Whisper", 0.9, 1)]
    assert stats.daily[-1].reviews == 4 and len(stats.daily) == 14
    assert stats.to_json()["weakest"][0] == {"concept": "SigLIP", "mean_score": 0.3, "reviews": 2}

    clock.advance(minutes=10)
    deck.review(tfidf.id, "again")
    assert deck.progress().retention == 0.5


def test_weakest_concepts_are_concepts() -> None:
    from studygraph.assistant.study.cards import Card
    from studygraph.assistant.study.progress import topics_of

    card = Card("c", "How does it work?", "It doesn't predict class ID. See the Contrastive Loss.", "qa", "/n.md", 1, 1,
                key_concepts=("ID", "see", "Contrastive Loss", "similarity"))
    assert topics_of(card) == ("Contrastive Loss", "similarity")
