"""The Deck over real notes: persistence, notes being edited and removed, composed answers."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from study_helpers import chunks_of, no_embed

from studygraph.assistant.study.deck import DB_NAME, Deck
from studygraph.assistant.study.schedule import Schedule
from studygraph.errors import SelectionError, UnknownCardError

GRILL = "003_2b72a920368736ff.txt"
DAY37 = "000_ea24ba94182485b6.txt"
MODULE7 = "002_7e10b629c22f1859.txt"


def open_deck(home: Path, clock, **kwargs) -> Deck:
    return Deck.open(home, no_embed, schedule=Schedule(fuzz=False), clock=clock, **kwargs)


def find(deck: Deck, question: str):
    return next(c for c in deck.cards() if c.question == question)


def test_reviews_and_schedule_survive_a_restart(seeds_copy: Path, studygraph_home: Path, clock) -> None:
    deck = open_deck(studygraph_home, clock)
    deck.sync(chunks_of(seeds_copy))
    card = find(deck, "TF-IDF formula?")
    first = deck.review(card.id, "good")
    clock.advance(minutes=10)
    second = deck.review(card.id, "good")
    deck.close()

    assert (studygraph_home / DB_NAME).is_file()
    reopened = open_deck(studygraph_home, clock)  # a new connection, nothing synced yet
    assert find(reopened, "TF-IDF formula?") == card
    assert [r.rating for r in reopened.store.reviews(card.id)] == [3, 3]
    assert reopened.due_at(card.id) == second.due == clock.now + (second.due - second.reviewed_at)
    assert second.due - second.reviewed_at > first.due - first.reviewed_at
    assert card.id not in {c.id for c in reopened.select(note=GRILL)}  # not due for 2 days
    clock.advance(days=3)
    assert reopened.select(note=GRILL)[0].id == card.id  # overdue cards come first


def test_cards_follow_a_note_edit(seeds_copy: Path, studygraph_home: Path, clock) -> None:
    deck = open_deck(studygraph_home, clock)
    deck.sync(chunks_of(seeds_copy))
    whisper = find(deck, 'What is "Whisper"?')
    gated = find(deck, 'What is "Gated Cross-Attention"?')
    deck.review(whisper.id, "hard")
    deck.review(gated.id, "easy")

    path = seeds_copy / DAY37
    text = path.read_text(encoding="utf-8")
    text = text.replace("*   Robust to accents and noise.", "*   Robust to accents and noise.\n*   Supports 99 languages.")
    text = text.replace('### 8. What is "Gated Cross-Attention"?', '### 8. How does Flamingo gate its cross-attention?')
    path.write_text("<!-- edited -->\n" + text, encoding="utf-8")
    report = deck.sync(chunks_of(seeds_copy))

    edited = find(deck, 'What is "Whisper"?')
    assert edited.id == whisper.id  # same question, same card
    assert (edited.start_line, edited.end_line) == (whisper.start_line + 1, whisper.end_line + 2)
    assert edited.answer.endswith("Supports 99 languages.")
    assert path.read_text(encoding="utf-8").split("\n")[edited.end_line - 1] == "*   Supports 99 languages."
    assert [r.rating for r in deck.store.reviews(whisper.id)] == [2]  # history kept
    assert gated.id not in {c.id for c in deck.cards()}  # question edited away: retired
    assert deck.store.card(gated.id, active=False) is not None
    assert (report.added, report.retired) == (1, 1)

    path.write_text(text.replace("How does Flamingo gate its cross-attention?", 'What is "Gated Cross-Attention"?'))
    deck.sync(chunks_of(seeds_copy))
    assert deck.card(gated.id).question == 'What is "Gated Cross-Attention"?'  # back, with its history
    assert deck.due_at(gated.id) is not None


def test_cards_of_a_removed_note_retire(seeds_copy: Path, studygraph_home: Path, clock) -> None:
    deck = open_deck(studygraph_home, clock)
    deck.sync(chunks_of(seeds_copy))
    before = len(deck.cards())
    (seeds_copy / GRILL).unlink()
    report = deck.sync(chunks_of(seeds_copy))
    assert report.retired == 55 and len(deck.cards()) == before - 55
    with pytest.raises(SelectionError, match="003"):
        deck.select(note=GRILL)
    with pytest.raises(UnknownCardError, match="studygraph cards"):
        deck.card("0000")


@dataclass(frozen=True)
class FakeCitation:
    source: str
    start_line: int
    end_line: int
    quote: str


@dataclass(frozen=True)
class FakeAnswer:
    text: str
    citations: tuple
    found: bool = True


def test_unanswered_questions_get_composed_references(seeds_copy: Path, studygraph_home: Path, clock) -> None:
    module7 = str((seeds_copy / MODULE7).resolve())
    grill = str((seeds_copy / GRILL).resolve())
    asked: list[str] = []

    def ask(question: str) -> FakeAnswer:
        asked.append(question)
        if question.startswith("Compare vision encoders"):
            echo = FakeCitation(module7, 29, 29, question)  # ask quoting the question back is no answer
            clip = FakeCitation(grill, 31, 31, "Replace softmax with sigmoid loss.")
            return FakeAnswer("...", (echo, clip))
        return FakeAnswer("No answer in the notes.", (), found=False)

    deck = open_deck(studygraph_home, clock, ask=ask)
    report = deck.sync(chunks_of(seeds_copy))
    assert (report.asked, report.unanswered) == (13, 12)
    card = next(c for c in deck.cards() if c.question.startswith("Compare vision encoders"))
    assert card.composed and card.kind == "qa"
    assert (card.source, card.start_line, card.end_line) == (grill, 31, 31)
    assert card.note == module7 and card.question_line == 29
    assert card.answer == "Replace softmax with sigmoid loss."

    asked.clear()
    again = deck.sync(chunks_of(seeds_copy))  # same corpus: nothing is asked again
    assert (again.asked, again.unanswered, asked) == (0, 12, [])
    assert card.id in {c.id for c in deck.cards()}
    (seeds_copy / DAY37).unlink()  # another corpus: ask again
    assert deck.sync(chunks_of(seeds_copy)).asked == 13 and len(asked) == 13


def test_select_by_concept_and_by_chunk(seeds_copy: Path, studygraph_home: Path, clock) -> None:
    chunks = chunks_of(seeds_copy)
    deck = open_deck(studygraph_home, clock)
    deck.sync(chunks)
    siglip = deck.select(concepts={"SigLIP"})
    assert {c.question for c in siglip} >= {'What is "SigLIP"?', "SigLIP improvement?", "SigLIP vs CLIP?"}
    assert all("siglip" in (c.question + c.answer).lower() for c in siglip)
    with pytest.raises(SelectionError, match="Nonexistium"):
        deck.select(concepts={"Nonexistium"})
    chunk = next(c for c in chunks if "Perceiver Resampler" in c.heading and c.source.endswith(DAY37))
    assert [c.question for c in deck.select(chunk_ids=[chunk.id])] == ['What is "Perceiver Resampler"?']
    assert len(deck.select(limit=3)) == 3
