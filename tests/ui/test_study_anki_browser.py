"""The Study page's Anki download in real headless Chromium (Debian's), offline: the button
hands the browser a file named studygraph.apkg that Anki can import, one note per card of
the deck, each back ending with its citation."""

from __future__ import annotations

import re
from pathlib import Path

import genanki
import pytest
from study_helpers import read_apkg
from ui_helpers import CHROMIUM, offline_page

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium (make test installs it)"),
]


def test_the_anki_deck_downloads_from_the_study_page(own_home: Path, server: str, tmp_path: Path):
    from playwright.sync_api import expect

    from studygraph.assistant.study.reviews import ReviewStore

    expect.set_options(timeout=90_000)  # the first visit loads the model and builds the deck in the server
    with offline_page(server, 1440, 900) as page:
        page.get_by_test_id("stSidebarNav").get_by_text("Study").click()
        button = page.get_by_role("button", name=re.compile(r"^Download all \d+ cards as an Anki deck$"))
        expect(button).to_be_visible()
        shown = re.search(r"Download all (\d+) cards", button.inner_text())
        assert shown, button.inner_text()
        with page.expect_download() as downloading:
            button.click()
        download = downloading.value
        assert download.failure() is None
        assert download.suggested_filename == "studygraph.apkg"
        saved = tmp_path / download.suggested_filename
        download.save_as(saved)

    package = read_apkg(saved.read_bytes())
    store = ReviewStore(own_home / "study.sqlite")
    try:
        cards = store.cards()  # the deck the server built from the seed notes
    finally:
        store.close()
    assert int(shown[1]) == len(cards) > 0
    assert sorted(guid for guid, _, _ in package["notes"]) == sorted(genanki.guid_for(c.id) for c in cards)
    tfidf = next(c for c in cards if c.question == "TF-IDF formula?")
    back = next(fields[1] for guid, fields, _ in package["notes"] if guid == genanki.guid_for(tfidf.id))
    assert back.endswith('<div class="citation">seeds/003_2b72a920368736ff.txt, line 4</div>')
