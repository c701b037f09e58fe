"""The study facade: sync cards with the notes, choose cards, grade, review, report.

    deck = Deck.open(settings.data_dir, embed=embedder.encode, ask=assistant.ask)
    deck.sync(chunks, definitions, links)      # after every ingest
    card = deck.select(note="003_2b72a920368736ff.txt")[0]
    grade = deck.grade(card.id, "Symmetric InfoNCE over the batch")
    deck.review(card.id, "good", grade)

Everything is persisted in `home/study.sqlite` as soon as it happens.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np

from studygraph.assistant.study import scope
from studygraph.assistant.study.cards import Card, card_id
from studygraph.assistant.study.compose import Ask, compose
from studygraph.assistant.study.concepts import Definition, Link, concept_cards, neighbourhood, relation_cards
from studygraph.assistant.study.grading import Grade, Grader, Thresholds
from studygraph.assistant.study.indexed import fingerprint, notes_from_chunks
from studygraph.assistant.study.keyterms import key_concepts, question_topics
from studygraph.assistant.study.progress import Counts, Progress, counts, progress
from studygraph.assistant.study.questions import extract_cards
from studygraph.assistant.study.reviews import OWN, Review, ReviewStore
from studygraph.assistant.study.schedule import Schedule, memory, parse_rating, utc
from studygraph.errors import SelectionError, StudyError, UnknownCardError
from studygraph.ingest.note import Chunk

logger = logging.getLogger(__name__)

DB_NAME = "study.sqlite"
LEARN_AHEAD = timedelta(minutes=20)


@dataclass(frozen=True)
class SyncReport:
    cards: int
    added: int
    retired: int
    asked: int  # open questions sent to `ask` in this sync (cached answers and known misses are not)
    unanswered: int  # questions left out: no answer in the notes


class Deck:
    """Study mode over one data directory.

    Args:
        store: the SQLite store.
        embed: texts -> L2-normalised vectors, for grading.
        ask: question -> Answer, to compose references for unanswered questions.
        schedule: the FSRS scheduler.
        thresholds: grading calibration.
        clock: current time (tests pass a fixed one).
    """

    def __init__(self, store: ReviewStore, embed: Callable[[list[str]], np.ndarray], ask: Ask | None = None,
                 schedule: Schedule | None = None, thresholds: Thresholds | None = None,
                 clock: Callable[[], datetime] | None = None) -> None:
        self.store = store
        self.ask = ask
        self.grader = Grader(embed, thresholds)
        self.schedule = schedule or Schedule()
        self.clock = clock or (lambda: utc())
        self._chunks: dict[str, Chunk] = {}
        self._definitions: list[Definition] = []
        self._links: list[Link] = []

    @classmethod
    def open(cls, home: Path, embed: Callable[[list[str]], np.ndarray], **kwargs) -> Deck:
        """A deck on `home/study.sqlite` (created if missing)."""
        return cls(ReviewStore(Path(home) / DB_NAME), embed, **kwargs)

    def close(self) -> None:
        self.store.close()

    def sync(self, chunks: Iterable[Chunk], definitions: Iterable[Definition] = (),
             links: Iterable[Link] = ()) -> SyncReport:
        """Bring the cards in step with the whole corpus.

        Every note is re-extracted (cheap: ~40 ms for the seeds); cards of removed notes and of
        questions edited away retire (their history stays, and returns with the
        question). Composed answers are reused until the corpus changes.

        Args:
            chunks: every chunk of the index (the corpus as it is now).
            definitions: concept definitions from the graph.
            links: typed graph edges with evidence.
        """
        chunks = list(chunks)
        self._chunks = {c.id: c for c in chunks}
        self._definitions, self._links = list(definitions), list(links)
        self.grader.concepts = tuple(dict.fromkeys(n for d in self._definitions for n in (d.concept, *d.aliases)))
        corpus = fingerprint(chunks)
        cards: list[Card] = []
        open_questions: list[Card] = []
        for note in notes_from_chunks(chunks):
            for card in extract_cards(note):
                (cards if card.answer else open_questions).append(card)
        filled, made, asked = self._compose(open_questions, corpus)
        cards += filled
        unanswered = len(open_questions) - len(filled)
        cards += concept_cards(self._definitions, taken=cards)
        cards += relation_cards(self._links)
        added, retired = self.store.replace_cards(cards, made, self.clock())
        logger.info("study sync: %d cards, %d new, %d retired, %d asked, %d unanswered",
                    len(cards), len(added), len(retired), asked, unanswered)
        return SyncReport(len(cards), len(added), len(retired), asked, unanswered)

    def _compose(self, questions: list[Card], corpus: str) -> tuple[list[Card], dict[str, str], int]:
        """References for open questions: cached per corpus, else composed by `ask`.

        Returns:
            (answered cards, corpus fingerprint per composed card id, how many were asked now).
        """
        cached = self.store.composed()
        known_open = self.store.unanswered(corpus)
        filled: list[Card] = []
        still_open: set[str] = set()
        asked = 0
        for card in questions:
            old = cached.get(card.id)
            if old and old[1] == corpus:
                filled.append(old[0])
                continue
            if self.ask is None or card.id in known_open:
                still_open.add(card.id)
                continue
            answer = compose(card, self.ask)
            asked += 1
            if answer is None:
                still_open.add(card.id)
            else:
                filled.append(answer)
        if self.ask is not None:
            self.store.set_unanswered(still_open, corpus)
        return filled, {c.id: corpus for c in filled}, asked

    def cards(self) -> list[Card]:
        """The active cards, as the student edited them; suspended ones are left out."""
        return self.store.cards()

    def suspended(self) -> list[Card]:
        """Active cards the student suspended."""
        ids = self.store.suspended()
        return [c for c in self.store.cards(suspended=True) if c.id in ids]

    def suspend(self, card_id: str, on: bool = True) -> None:
        """Leave a card out of queues and counts (on=False brings it back); its history stays."""
        self.card(card_id)
        self.store.suspend(card_id, on)

    def edit(self, card_id: str, question: str, answer: str) -> Card:
        """Reword a card's question and reference answer; the edit outlives syncs."""
        card = self.card(card_id)
        question, answer = question.strip(), answer.strip()
        if not question or not answer:
            raise StudyError(f"a card needs a question and an answer, got question={question!r}, answer={answer!r}")
        self.store.edit(card.id, question, answer)
        return self.card(card_id)

    def add_card(self, question: str, answer: str) -> Card:
        """A card the student writes; it stays until they suspend it."""
        question, answer = question.strip(), answer.strip()
        if not question or not answer:
            raise StudyError(f"a card needs a question and an answer, got question={question!r}, answer={answer!r}")
        units = [line for line in answer.splitlines() if line.strip()]
        card = Card(card_id(OWN, question), question, answer, OWN, "", 0, 0,
                    key_concepts=key_concepts(units, question), topics=question_topics(question))
        self.store.add_own(card, self.clock())
        return card

    def undo(self) -> Review | None:
        """Take back the latest rating; the card is scheduled as it was before it."""
        return self.store.undo()

    def counts(self, cards: Iterable[Card] | None = None, due_now: bool = True) -> Counts:
        """New / Learning / Review counts of these cards (default: the deck) as of now:
        the one count the app shows everywhere (see `progress.counts`)."""
        states = {cid: (state, due) for cid, (state, due) in self.store.states().items()}
        due = self._due()
        return counts(self.cards() if cards is None else cards,
                      {cid: (state, due[cid]) for cid, (state, _) in states.items()}, self.clock(), due_now)

    def card(self, card_id: str) -> Card:
        card = self.store.card(card_id)
        if card is None:
            raise UnknownCardError(f"no card with id {card_id!r}; list them with `studygraph cards`")
        return card

    def neighbourhood(self, concept: str) -> set[str]:
        """A concept, its aliases and its graph neighbours (from the last sync)."""
        return neighbourhood(concept, self._definitions, self._links)

    def select(self, note: str | None = None, concepts: Iterable[str] | None = None,
               chunk_ids: Iterable[str] | None = None, due_only: bool = True,
               limit: int | None = None, new_limit: int | None = None) -> list[Card]:
        """Cards to study, due ones first (most overdue first), then new ones.

        Args:
            note: only cards whose question is in this note (path, suffix or file name).
            concepts: only cards about one of these concept names.
            chunk_ids: only cards whose lines fall in one of these chunks (last sync's).
            due_only: leave out reviewed cards that are not due yet.
            limit: at most this many.
            new_limit: at most this many never-reviewed cards (every due card is kept).
        """
        cards = self.cards()
        if note:
            cards = scope.in_note(cards, note)
        if concepts is not None:
            names = set(concepts)
            cards = scope.about(cards, names)
            if not cards:
                raise SelectionError(f"no cards about {', '.join(sorted(names))}")
        if chunk_ids is not None:
            cards = scope.in_chunks(cards, [self._chunks[i] for i in chunk_ids if i in self._chunks])
        due = self._due()
        now = self.clock()
        chosen = scope.due_first(cards, due, now, due_only)
        if new_limit is not None:
            fresh = [c for c in chosen if c.id not in due][: max(0, new_limit - self._new_today(now))]
            chosen = [c for c in chosen if c.id in due] + fresh
        return chosen[:limit] if limit else chosen

    def _due(self) -> dict[str, datetime]:
        """When each reviewed card is due, a card in (re)learning up to LEARN_AHEAD early
        (as Anki does, so an "again" card counts as waiting, not as gone)."""
        return {cid: due - LEARN_AHEAD if memory(state).state != "review" else due
                for cid, (state, due) in self.store.states().items()}

    def _new_today(self, now: datetime) -> int:
        """Cards first reviewed today (local day): they count against a session's new cards."""
        first: dict[str, datetime] = {}
        for review in self.store.reviews():
            first.setdefault(review.card_id, review.reviewed_at)
        today = now.astimezone().date()
        return sum(1 for at in first.values() if at.astimezone().date() == today)

    def grade(self, card_id: str, answer: str) -> Grade:
        """Grade an answer against its card, contrasted with every other card's
        reference (embedded once per deck); the schedule is not touched."""
        self.grader.others = tuple(c.answer for c in self.cards())
        return self.grader.grade(self.card(card_id), answer)

    def review(self, card_id: str, rating: str | int, grade: Grade | None = None) -> Review:
        """Record a rating (again/hard/good/easy) and schedule the card's next review."""
        self.card(card_id)
        now = self.clock()
        previous = self.store.memory(card_id)
        state, due = self.schedule.review(previous[0] if previous else None, parse_rating(rating), now)
        review = Review(card_id, int(parse_rating(rating)), now, due,
                        grade.score if grade else None, grade.verdict if grade else None,
                        grade.missed if grade else ())
        self.store.record(review, state)
        return review

    def due_at(self, card_id: str) -> datetime | None:
        """When a card is due next; None for a card never reviewed (due now)."""
        memory = self.store.memory(card_id)
        return memory[1] if memory else None

    def progress(self) -> Progress:
        return progress(self.cards(), self.store.cards(active=False), self.store.reviews(),
                        self.store.due_times(), self.clock())
