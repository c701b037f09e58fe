"""Study cards out to Anki: one `.apkg` deck, one note per card.

    write_apkg(deck.cards(), Path("deck.apkg"), relpath=display_path)
    data = apkg_bytes(deck.cards())               # for a download button

Re-exporting updates the same notes in Anki instead of adding copies: a note's
GUID comes from the card id (which survives edits that keep the question), and
the deck and model ids come from fixed strings (`DECK_ID`, `MODEL_ID`), so Anki
sees the same deck and note type every time.
"""

from __future__ import annotations

import hashlib
import html
import io
import itertools
import re
import sqlite3
import tempfile
import time
import zipfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import BinaryIO

import genanki

from studygraph.assistant.output import display_path
from studygraph.assistant.study.cards import Card
from studygraph.atomic import write_with
from studygraph.errors import ExportError

SUFFIX = ".apkg"
DECK_NAME = "Studygraph"
WHITESPACE = re.compile(r"\s+")


def stable_id(name: str) -> int:
    """An Anki id from a fixed string, in the range genanki recommends ([2^30, 2^31))."""
    digest = int.from_bytes(hashlib.sha256(name.encode("utf-8")).digest()[:8], "big")
    return (1 << 30) + digest % (1 << 30)


# Never change these strings: Anki would treat the next export as a new deck and note type.
DECK_ID = stable_id("studygraph.anki.deck")
MODEL_ID = stable_id("studygraph.anki.model")

MODEL = genanki.Model(
    MODEL_ID,
    "Studygraph card",
    fields=[{"name": "Question"}, {"name": "Answer"}],
    templates=[{
        "name": "Card 1",
        "qfmt": "{{Question}}",
        "afmt": '{{FrontSide}}<hr id="answer">{{Answer}}',
    }],
    css=".card { font-family: sans-serif; font-size: 20px; text-align: left; }\n"
        ".citation { margin-top: 1em; font-size: 14px; color: #666; }\n",
)


def guid(card: Card) -> str:
    """The Anki GUID of a card's note: from the card id only, so it is stable across exports."""
    return str(genanki.guid_for(card.id))


def citation(card: Card, relpath: Callable[[str], str] = display_path) -> str:
    """`notes/ml.md, lines 12-14` (or `line 12`); "your own card" for a card the student wrote."""
    if not card.source:
        return "your own card"
    return f"{relpath(card.source)}, {card.label()}"


def tags(card: Card) -> list[str]:
    """The note's file stem, then the card's concepts; Anki splits tags on spaces, so they become `_`."""
    names = [Path(card.note or card.source).stem, *card.topics, *card.key_concepts]
    out: list[str] = []
    for name in names:
        tag = WHITESPACE.sub("_", name.strip())
        if tag and tag.lower() not in {t.lower() for t in out}:  # Anki's tags are case-insensitive
            out.append(tag)
    return out


def _html(text: str) -> str:
    return html.escape(text, quote=False).replace("\n", "<br>")


def to_note(card: Card, relpath: Callable[[str], str] = display_path) -> genanki.Note:
    back = f'{_html(card.answer)}<div class="citation">{_html(citation(card, relpath))}</div>'
    return genanki.Note(model=MODEL, fields=[_html(card.question), back], guid=guid(card), tags=tags(card))


def anki_deck(cards: Iterable[Card], relpath: Callable[[str], str] = display_path, name: str = DECK_NAME) -> genanki.Deck:
    """The cards as one genanki deck (nothing written yet)."""
    deck = genanki.Deck(DECK_ID, name)
    for card in cards:
        deck.add_note(to_note(card, relpath))
    return deck


def write_package(deck: genanki.Deck, handle: BinaryIO, timestamp: float | None = None) -> None:
    """The `.apkg` zip (a SQLite collection and an empty media list) written to an open file.

    genanki's own `Package.write_to_file` leaves its temporary SQLite file behind; this
    builds the same collection in a folder that is removed afterwards.
    """
    timestamp = time.time() if timestamp is None else timestamp
    with tempfile.TemporaryDirectory(prefix="studygraph-anki-") as tmp:
        db = Path(tmp) / "collection.anki2"
        conn = sqlite3.connect(db)
        try:
            genanki.Package(deck).write_to_db(conn.cursor(), timestamp, itertools.count(int(timestamp * 1000)))
            conn.commit()
        finally:
            conn.close()
        with zipfile.ZipFile(handle, "w", zipfile.ZIP_DEFLATED) as out:
            out.write(db, "collection.anki2")
            out.writestr("media", "{}")


def export_path(path: Path) -> Path:
    """`path` if an Anki deck can be written there.

    Raises:
        ExportError: the name does not end in .apkg, or it is a folder.
    """
    if path.suffix.lower() != SUFFIX:
        raise ExportError(f"an Anki deck is written to a {SUFFIX} file, got {str(path)!r}; e.g. --export deck{SUFFIX}")
    if path.is_dir():
        raise ExportError(f"{str(path)!r} is a folder; give a file name ending in {SUFFIX}")
    return path


def write_apkg(cards: Iterable[Card], path: Path, relpath: Callable[[str], str] = display_path) -> int:
    """Write the cards to `path` atomically (an old deck stays whole until the new one is complete).

    Returns:
        how many notes were written.
    """
    target = export_path(path)
    deck = anki_deck(cards, relpath)
    write_with(target, lambda handle: write_package(deck, handle))
    return len(deck.notes)


def apkg_bytes(cards: Iterable[Card], relpath: Callable[[str], str] = display_path) -> bytes:
    """The `.apkg` file's bytes, for a download."""
    buffer = io.BytesIO()
    write_package(anki_deck(cards, relpath), buffer)
    return buffer.getvalue()
