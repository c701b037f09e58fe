"""Spaced repetition with FSRS (the `fsrs` package), behind a small pure interface.

A card's memory state is stored as the JSON of an `fsrs.Card`; `Schedule.review`
takes that JSON (or None for a card never reviewed), a rating and the time,
and returns the new JSON with the next due time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from fsrs import Card as FsrsCard
from fsrs import Rating, Scheduler, State

from studygraph.errors import RatingError

RATINGS = {"again": Rating.Again, "hard": Rating.Hard, "good": Rating.Good, "easy": Rating.Easy}


def parse_rating(value: str | int | Rating) -> Rating:
    """`"good"`, `"3"`, `3` or `Rating.Good` -> Rating.Good."""
    if isinstance(value, Rating):
        return value
    text = str(value).strip().lower()
    if text in RATINGS:
        return RATINGS[text]
    if text.isdigit() and 1 <= int(text) <= 4:
        return Rating(int(text))
    raise RatingError(f"rating must be one of again, hard, good, easy (or 1-4), got {value!r}")


def suggested_rating(verdict: str) -> str:
    """The rating a grade suggests; the student may override it."""
    return {"right": "good", "partial": "hard"}.get(verdict, "again")


def utc(moment: datetime | None = None) -> datetime:
    """An aware UTC datetime (fsrs refuses naive or non-UTC times)."""
    moment = moment or datetime.now(UTC)
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


@dataclass(frozen=True)
class Memory:
    """What the scheduler knows about one card."""

    state: str  # learning | review | relearning
    due: datetime
    stability: float | None
    difficulty: float | None
    last_review: datetime | None


def memory(state_json: str) -> Memory:
    card = FsrsCard.from_json(state_json)
    return Memory(State(card.state).name.lower(), utc(card.due), card.stability, card.difficulty,
                  utc(card.last_review) if card.last_review else None)


class Schedule:
    """FSRS with the package defaults (90% desired retention).

    Args:
        desired_retention: target probability of recall at the due date.
        fuzz: randomise long intervals a little so cards learnt together spread out;
            off in tests, so intervals are exact.
    """

    def __init__(self, desired_retention: float = 0.9, fuzz: bool = True) -> None:
        self._scheduler = Scheduler(desired_retention=desired_retention, enable_fuzzing=fuzz)

    def review(self, state_json: str | None, rating: str | int | Rating, now: datetime | None = None) -> tuple[str, datetime]:
        """Apply one rating.

        Returns:
            (new state JSON, next due time in UTC).
        """
        now = utc(now)
        card = FsrsCard.from_json(state_json) if state_json else FsrsCard(card_id=0, due=now)
        card, _ = self._scheduler.review_card(card, parse_rating(rating), review_datetime=now)
        return card.to_json(), utc(card.due)

    def retrievability(self, state_json: str, now: datetime | None = None) -> float:
        """Predicted probability of recalling the card now."""
        return float(self._scheduler.get_card_retrievability(FsrsCard.from_json(state_json), utc(now)))
