"""Anki export of the seeds' cards, read back from the .apkg (a zip holding a SQLite collection)."""

from __future__ import annotations

import html
from pathlib import Path

import genanki
import pytest
from study_helpers import chunks_of, no_embed, read_apkg

from studygraph.assistant.study import anki
from studygraph.assistant.study.deck import Deck
from studygraph.assistant.study.graph_adapter import from_graph
from studygraph.errors import ExportError, StudygraphError

GRILL = "003_2b72a920368736ff.txt"


def seeds_path(path: str) -> str:
    return "seeds/" + Path(path).name


def lines(start: int, end: int) -> str:
    return f"line {start}" if start == end else f"lines {start}-{end}"


@pytest.fixture
def deck(studygraph_home: Path, seed_chunks, seed_graph) -> Deck:
    """Question, concept and relation cards of the seeds (no model: exporting never grades)."""
    deck = Deck.open(studygraph_home, no_embed)
    deck.sync(seed_chunks, *from_graph(seed_graph, seed_chunks))
    return deck


def test_one_note_per_card_with_its_citation_and_tags(deck: Deck, tmp_path: Path) -> None:
    cards = deck.cards()
    assert {c.kind for c in cards} == {"qa", "concept", "relation"}
    path = tmp_path / "deck.apkg"

    assert anki.write_apkg(cards, path, relpath=seeds_path) == len(cards)

    package = read_apkg(path.read_bytes())
    assert package["decks"] == {anki.DECK_ID} and package["models"] == {anki.MODEL_ID}
    notes = {guid: (fields, tags) for guid, fields, tags in package["notes"]}
    assert len(package["notes"]) == len(notes) == len(cards)
    for card in cards:
        (front, back), tags = notes[genanki.guid_for(card.id)]
        assert front == html.escape(card.question, quote=False)
        assert f"{seeds_path(card.source)}, {lines(card.start_line, card.end_line)}</div>" in back
        assert Path(card.note).stem in tags and all(" " not in t for t in tags)
    tfidf = next(c for c in cards if c.question == "TF-IDF formula?")
    front, back = notes[genanki.guid_for(tfidf.id)][0]
    assert back == f'Term frequency times inverse document frequency.<div class="citation">seeds/{GRILL}, line 4</div>'
    spaced = next(c for c in cards if any(" " in k for k in c.key_concepts))
    concept = next(k for k in spaced.key_concepts if " " in k)
    assert concept.replace(" ", "_") in notes[genanki.guid_for(spaced.id)][1]


def test_a_re_export_after_an_edit_updates_the_same_notes(seeds_copy: Path, studygraph_home: Path,
                                                          tmp_path: Path) -> None:
    deck = Deck.open(studygraph_home, no_embed)
    deck.sync(chunks_of(seeds_copy))
    first = read_apkg(anki.apkg_bytes(deck.cards(), seeds_path))
    note = seeds_copy / GRILL
    note.write_text(note.read_text(encoding="utf-8").replace(
        "Term frequency times inverse document frequency.", "TF times IDF."), encoding="utf-8")
    deck.sync(chunks_of(seeds_copy))

    second = read_apkg(anki.apkg_bytes(deck.cards(), seeds_path))

    assert {n[0] for n in second["notes"]} == {n[0] for n in first["notes"]}
    assert (second["decks"], second["models"]) == (first["decks"], first["models"])
    tfidf = next(c for c in deck.cards() if c.question == "TF-IDF formula?")
    back = next(fields[1] for guid, fields, _ in second["notes"] if guid == genanki.guid_for(tfidf.id))
    assert back.startswith("TF times IDF.<div")


def test_a_path_that_is_not_apkg_is_refused_and_nothing_written(deck: Deck, tmp_path: Path) -> None:
    with pytest.raises(ExportError, match=r"\.apkg file, got '.*deck\.txt'") as raised:
        anki.write_apkg(deck.cards(), tmp_path / "deck.txt")
    assert isinstance(raised.value, StudygraphError)
    (tmp_path / "folder.apkg").mkdir()
    with pytest.raises(ExportError, match="is a folder"):
        anki.write_apkg(deck.cards(), tmp_path / "folder.apkg")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["folder.apkg", "home"]


def test_tags_carry_no_spaces_and_no_case_duplicates() -> None:
    from studygraph.assistant.study.cards import Card

    card = Card("c1", "Q?", "A.", "qa", "/n/Week 1 notes.md", 3, 5, key_concepts=("Cross  Entropy", "softmax"),
                note="/n/Week 1 notes.md", topics=("Softmax",))
    assert anki.tags(card) == ["Week_1_notes", "Softmax", "Cross_Entropy"]
    assert anki.citation(card, lambda p: Path(p).name) == "Week 1 notes.md, lines 3-5"
