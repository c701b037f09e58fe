"""Progress: what is due, what was reviewed, how much was retained, what is weakest."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from studygraph.assistant.study.cards import Card
from studygraph.assistant.study.keyterms import is_concept
from studygraph.assistant.study.reviews import Review
from studygraph.assistant.study.schedule import memory


@dataclass(frozen=True)
class Counts:
    """What is waiting now, as Anki counts it: never-reviewed cards, cards in
    (re)learning that are due, and reviews that are due."""

    new: int
    learning: int
    review: int

    @property
    def due(self) -> int:
        return self.learning + self.review

    def __str__(self) -> str:
        return f"New {self.new} · Learning {self.learning} · Review {self.review}"


def counts(cards: Iterable[Card], states: dict[str, tuple[str, datetime]], now: datetime,
           due_now: bool = True) -> Counts:
    """Counts of these cards.

    Args:
        cards: the cards counted (a queue, a note's cards, the deck).
        states: memory state JSON and due time per reviewed card.
        now: aware current time; a card is due when its due time has come.
        due_now: count only reviewed cards that are due; False counts every card
            given (a session's queue, where an "again" card waits its turn).
    """
    new = learning = review = 0
    for card in cards:
        if card.id not in states:
            new += 1
            continue
        state, due = states[card.id]
        if due_now and due > now:
            continue
        if memory(state).state == "review":
            review += 1
        else:
            learning += 1
    return Counts(new, learning, review)


@dataclass(frozen=True)
class ConceptScore:
    concept: str
    mean_score: float
    reviews: int


@dataclass(frozen=True)
class Day:
    day: date
    reviews: int
    mean_score: float | None


@dataclass(frozen=True)
class Progress:
    """A snapshot for the progress view (`daily` feeds the chart)."""

    cards: int
    new: int
    due_today: int
    reviewed_cards: int
    reviews: int
    reviews_today: int
    retention: float | None  # share of repeat reviews not rated "again"
    mean_score: float | None
    weakest: tuple[ConceptScore, ...]
    daily: tuple[Day, ...]

    def to_json(self) -> dict:
        return {
            "cards": self.cards, "new": self.new, "due_today": self.due_today,
            "reviewed_cards": self.reviewed_cards, "reviews": self.reviews, "reviews_today": self.reviews_today,
            "retention": self.retention, "mean_score": self.mean_score,
            "weakest": [{"concept": w.concept, "mean_score": w.mean_score, "reviews": w.reviews} for w in self.weakest],
            "daily": [{"day": d.day.isoformat(), "reviews": d.reviews, "mean_score": d.mean_score} for d in self.daily],
        }


def _mean(values: list[float]) -> float | None:
    return round(sum(values) / len(values), 4) if values else None


def topics_of(card: Card) -> tuple[str, ...]:
    """What a card is about, for the weakest-concepts chart: its topics, else its first
    two key concepts that are concepts (never "ID" or "see")."""
    return card.topics or tuple(k for k in card.key_concepts if is_concept(k))[:2]


def progress(cards: list[Card], known: Iterable[Card], reviews: list[Review], due: dict[str, datetime],
             now: datetime, days: int = 14, weakest: int = 5) -> Progress:
    """Compute progress.

    Args:
        cards: the active cards.
        known: every card ever stored (retired ones keep their reviews' topics).
        reviews: all reviews, in time order.
        due: next due time per reviewed card.
        now: aware current time; "today" is the local calendar day of `now`.
        days: length of the daily series.
        weakest: how many weakest concepts to list.
    """
    local = now.astimezone()
    end_of_day = datetime.combine(local.date() + timedelta(days=1), time(0), tzinfo=local.tzinfo)
    active = {c.id for c in cards}
    by_id = {c.id: c for c in known}
    seen: set[str] = set()
    repeats: list[bool] = []
    per_concept: dict[str, list[float]] = defaultdict(list)
    per_day: dict[date, list[Review]] = defaultdict(list)
    for review in reviews:
        if review.card_id in seen:
            repeats.append(review.rating > 1)
        seen.add(review.card_id)
        per_day[review.reviewed_at.astimezone().date()].append(review)
        card = by_id.get(review.card_id)
        if review.score is not None and card is not None:
            for topic in topics_of(card):
                per_concept[topic].append(review.score)
    ranked = sorted(per_concept.items(), key=lambda kv: (sum(kv[1]) / len(kv[1]), -len(kv[1]), kv[0]))
    series = []
    for back in range(days - 1, -1, -1):
        day = local.date() - timedelta(days=back)
        scored = [r.score for r in per_day.get(day, []) if r.score is not None]
        series.append(Day(day, len(per_day.get(day, [])), _mean(scored)))
    return Progress(
        cards=len(cards),
        new=sum(1 for cid in active if cid not in due),
        due_today=sum(1 for cid in active if cid in due and due[cid] < end_of_day),
        reviewed_cards=len(seen & active),
        reviews=len(reviews),
        reviews_today=len(per_day.get(local.date(), [])),
        retention=_mean([1.0 if ok else 0.0 for ok in repeats]),
        mean_score=_mean([r.score for r in reviews if r.score is not None]),
        weakest=tuple(ConceptScore(name, round(sum(s) / len(s), 4), len(s)) for name, s in ranked[:weakest]),
        daily=tuple(series),
    )
