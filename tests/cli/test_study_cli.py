"""The study commands through a real Typer app: cards, grade, quiz, progress."""

from __future__ import annotations

import json
from pathlib import Path

import genanki
import pytest
import typer
from study_helpers import chunks_of, read_apkg
from typer.testing import CliRunner

from studygraph.assistant.study.deck import Deck
from studygraph.assistant.study.schedule import Schedule
from studygraph.cli.study import register


@pytest.fixture
def app_and_deck(seeds_copy: Path, studygraph_home: Path, embedder, clock):
    deck = Deck.open(studygraph_home, embedder.encode, schedule=Schedule(fuzz=False), clock=clock)
    deck.sync(chunks_of(seeds_copy))
    app = typer.Typer()
    register(app, lambda: deck, relpath=lambda p: "seeds/" + Path(p).name)
    return app, deck


def run(app: typer.Typer, *args: str, stdin: str | None = None):
    return CliRunner().invoke(app, list(args), input=stdin)


def test_cards_json(app_and_deck) -> None:
    app, deck = app_and_deck
    result = run(app, "cards", "--json")
    assert result.exit_code == 0, result.output
    cards = json.loads(result.stdout)
    assert len(cards) == len(deck.cards())
    assert all(set(c) == {"id", "question", "answer", "kind", "source", "start_line", "end_line"} for c in cards)
    tfidf = next(c for c in cards if c["question"] == "TF-IDF formula?")
    assert tfidf == {"id": tfidf["id"], "question": "TF-IDF formula?",
                     "answer": "Term frequency times inverse document frequency.", "kind": "qa",
                     "source": "seeds/003_2b72a920368736ff.txt", "start_line": 4, "end_line": 4}
    only = json.loads(run(app, "cards", "--json", "--note", "002").stdout)
    assert len(only) == 2 and {c["source"] for c in only} == {"seeds/002_7e10b629c22f1859.txt"}


def test_grade_json_leaves_the_schedule_alone(app_and_deck) -> None:
    app, deck = app_and_deck
    card = next(c for c in deck.cards() if c.question == 'What is "SigLIP"?')
    result = run(app, "grade", "--card", card.id, "--answer", "A lip-reading model that turns mouth movement into speech.", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data) == {"card", "score", "verdict", "missed", "reference"}
    assert (data["card"], data["verdict"]) == (card.id, "wrong")
    assert "Softmax" in data["missed"] and data["reference"] == card.answer
    assert deck.store.reviews() == [] and deck.due_at(card.id) is None


def test_user_mistakes_are_one_line(app_and_deck) -> None:
    app, _ = app_and_deck
    unknown = run(app, "grade", "--card", "nope", "--answer", "x")
    assert unknown.exit_code == 2
    assert unknown.output.strip() == "error: no card with id 'nope'; list them with `studygraph cards`"
    no_note = run(app, "quiz", "--note", "999")
    assert no_note.exit_code == 2 and "matches no note" in no_note.output and "Traceback" not in no_note.output


def test_quiz_grades_rates_and_schedules(app_and_deck) -> None:
    app, deck = app_and_deck
    answers = "\n".join([
        "term frequency multiplied by inverse document frequency", "",  # accept the suggested rating
        "I don't know", "again",
        ":q",
    ]) + "\n"
    result = run(app, "quiz", "--note", "003", stdin=answers)
    assert result.exit_code == 0, result.output
    assert "RIGHT" in result.output and "WRONG" in result.output
    assert "seeds/003_2b72a920368736ff.txt:4-4" in result.output  # the citation of the reference
    assert "Done: 2 cards" in result.output
    ratings = [(r.rating, r.verdict) for r in deck.store.reviews()]
    assert ratings == [(3, "right"), (1, "wrong")]
    progress = json.loads(run(app, "progress", "--json").stdout)
    assert (progress["reviews"], progress["due_today"]) == (2, 2)


def test_progress_text_has_a_daily_chart(app_and_deck) -> None:
    app, deck = app_and_deck
    deck.review(deck.cards()[0].id, "good")
    result = run(app, "progress")
    assert result.exit_code == 0
    assert "reviews, last 14 days: ·············█" in result.stdout


def test_cards_export_writes_an_anki_deck_that_re_exports_to_the_same_notes(app_and_deck, tmp_path: Path) -> None:
    app, deck = app_and_deck
    path = tmp_path / "out" / "deck.apkg"
    result = run(app, "cards", "--export", str(path))
    assert result.exit_code == 0, result.output
    assert result.output.strip().startswith(f"wrote {len(deck.cards())} cards to {path}")

    first = read_apkg(path.read_bytes())
    assert sorted(guid for guid, _, _ in first["notes"]) == sorted(genanki.guid_for(c.id) for c in deck.cards())
    backs = {guid: fields[1] for guid, fields, _ in first["notes"]}
    for card in deck.cards():
        lines = f"line {card.start_line}" if card.start_line == card.end_line else f"lines {card.start_line}-{card.end_line}"
        assert f"seeds/{Path(card.source).name}, {lines}" in backs[genanki.guid_for(card.id)]
    assert all(tags for _, _, tags in first["notes"])

    assert run(app, "cards", "--export", str(path)).exit_code == 0  # over the old deck
    again = read_apkg(path.read_bytes())
    assert sorted(guid for guid, _, _ in again["notes"]) == sorted(backs)
    assert (again["decks"], again["models"]) == (first["decks"], first["models"])
    only = run(app, "cards", "--note", "002", "--export", str(tmp_path / "002.apkg"))
    assert only.exit_code == 0 and len(read_apkg((tmp_path / "002.apkg").read_bytes())["notes"]) == 2


def test_cards_export_refuses_a_path_that_is_not_apkg_before_loading_anything(tmp_path: Path) -> None:
    def no_deck() -> Deck:
        raise AssertionError("a bad path must be refused before the deck is built")

    app = typer.Typer()
    register(app, no_deck)
    result = run(app, "cards", "--export", str(tmp_path / "deck.csv"))
    assert result.exit_code == 2
    assert result.output.strip() == (f"error: an Anki deck is written to a .apkg file, got '{tmp_path / 'deck.csv'}'; "
                                     "e.g. --export deck.apkg")
    assert len(result.output.strip().splitlines()) == 1 and not (tmp_path / "deck.csv").exists()
