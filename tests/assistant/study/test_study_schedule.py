"""FSRS scheduling intervals, without fuzz so they are exact."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from fsrs import Rating

from studygraph.assistant.study.schedule import Schedule, memory, parse_rating, suggested_rating
from studygraph.errors import RatingError

T0 = datetime(2025, 1, 1, 8, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("rating", "interval", "state"),
    [
        ("again", timedelta(minutes=1), "learning"),
        ("good", timedelta(minutes=10), "learning"),
        ("easy", timedelta(days=8), "review"),
    ],
)
def test_first_review_intervals(rating: str, interval: timedelta, state: str) -> None:
    state_json, due = Schedule(fuzz=False).review(None, rating, T0)
    assert due - T0 == interval
    assert memory(state_json).state == state


def test_intervals_grow_with_good_and_shrink_after_a_lapse() -> None:
    schedule = Schedule(fuzz=False)
    state, due1 = schedule.review(None, "good", T0)
    state, due2 = schedule.review(state, "good", due1)
    state, due3 = schedule.review(state, "good", due2)
    assert (due2 - due1, due3 - due2) == (timedelta(days=2), timedelta(days=11))
    lapsed, due4 = schedule.review(state, "again", due3)
    assert due4 - due3 == timedelta(minutes=10)
    assert memory(lapsed).state == "relearning"
    assert schedule.retrievability(state, due3) == pytest.approx(0.9, abs=0.02)


def test_naive_times_are_taken_as_utc() -> None:
    _, due = Schedule(fuzz=False).review(None, "good", T0.replace(tzinfo=None))
    assert due == T0 + timedelta(minutes=10)


@pytest.mark.parametrize(("value", "rating"), [("good", Rating.Good), ("EASY", Rating.Easy), ("1", Rating.Again), (2, Rating.Hard)])
def test_parse_rating(value, rating) -> None:
    assert parse_rating(value) == rating


@pytest.mark.parametrize("value", ["great", "0", "5", ""])
def test_bad_rating_names_the_choices(value: str) -> None:
    with pytest.raises(RatingError, match="again, hard, good, easy"):
        parse_rating(value)


def test_suggested_rating_follows_the_verdict() -> None:
    assert [suggested_rating(v) for v in ("right", "partial", "wrong")] == ["good", "hard", "again"]
