"""The subject switcher in real headless Chromium (Debian's), offline: switching to another
subject in the sidebar shows its notes and answers from them, switching back shows the
default's, a reload keeps the subject (it is in the URL), a link to a subject that is not
here says so, a new subject opens empty on its Notes page. Prints how long a switch to a
subject opened before takes (the facade of each subject is cached in the server)."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from subject_helpers import add_bio
from ui_helpers import ARTIFACTS, CHROMIUM, offline_page

BIO_TITLE = "Photosynthesis (photosynthesis.md)"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium (make test installs it)"),
]


@pytest.fixture
def bio_home(own_home: Path) -> Path:
    add_bio(own_home)
    return own_home


def switch(page, name: str, shows: str, folder: str = "", welcome: str = "") -> float:
    """Choose subject `name` in the sidebar; seconds until the sidebar shows `shows` and the page
    is the subject's: on the Notes page, its notes `folder` and table; on the chat, its `welcome`."""
    from playwright.sync_api import expect

    page.get_by_role("combobox", name="Subject").click()
    started = time.perf_counter()
    page.get_by_role("option", name=name, exact=True).click()
    expect(page.get_by_test_id("stSidebar").get_by_text(shows)).to_be_visible()
    if folder:
        expect(page.get_by_test_id("stCaptionContainer").filter(has_text=folder)).to_be_visible()
        expect(page.get_by_test_id("stDataFrame").first).to_be_visible()
    if welcome:
        expect(page.get_by_test_id("stChatMessage").first).to_contain_text(welcome)
    return time.perf_counter() - started


def notes_to_read(page) -> list[str]:
    """Open the Notes page from the sidebar; the notes its "Read a note" offers."""
    from playwright.sync_api import expect

    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Notes").click()
    page.get_by_role("radio", name="Read a note").click()
    page.get_by_role("combobox", name="Note").click()
    options = page.get_by_role("option")
    expect(options.first).to_be_visible()
    names = options.all_inner_texts()
    page.keyboard.press("Escape")
    return names


def ask(page, question: str):
    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Chat").click()
    box = page.get_by_test_id("stChatInput").locator("textarea")
    box.fill(question)
    box.press("Enter")
    return page.get_by_test_id("stChatMessage").last


def test_switching_subject_shows_its_notes_and_answers_from_them(bio_home: Path, server: str):
    from playwright.sync_api import expect

    expect.set_options(timeout=90_000)  # the first answer loads the model in the server
    with offline_page(server, 1440, 900) as page:
        expect(page.get_by_test_id("stSidebar").get_by_text("5 notes · ")).to_be_visible()
        expect(ask(page, "What is the masking ratio of BERT's MLM?")).to_contain_text("15% of tokens masked")

        # The first open of bio, on the chat: its index loads and its welcome is written.
        first = switch(page, "bio", "1 notes · ", welcome="Your notes: 1 notes")
        expect(ask(page, "What does chlorophyll absorb?")).to_contain_text("red and blue light")
        assert notes_to_read(page) == [BIO_TITLE]
        page.get_by_role("combobox", name="Note").click()
        page.get_by_role("option", name=BIO_TITLE).click()
        expect(page.get_by_test_id("stCode").first).to_contain_text("Chlorophyll absorbs red and blue light")
        page.screenshot(path=str(ARTIFACTS / "subjects-bio-notes.png"))

        # On the Notes page: each switch ends when the sidebar, the notes folder and the table are the subject's.
        back = switch(page, "default", "5 notes · ", "own_home/notes")
        seeds = notes_to_read(page)
        assert len(seeds) == 5 and BIO_TITLE not in seeds
        again = [switch(page, "bio", "1 notes · ", "subjects/bio/notes"), switch(page, "default", "5 notes · ", "own_home/notes")]
        again.append(switch(page, "bio", "1 notes · ", "subjects/bio/notes"))
        assert notes_to_read(page) == [BIO_TITLE]

        # The subject is in the URL: a reload, or the link shared, opens bio again.
        expect(page).to_have_url(re.compile(r"[?&]subject=bio(&|$)"))
        page.reload()
        expect(page.get_by_role("combobox", name="Subject")).to_have_value("bio")
        expect(page.get_by_test_id("stSidebar").get_by_text("1 notes · ")).to_be_visible()
        assert notes_to_read(page) == [BIO_TITLE]
        page.goto(server + "?subject=nope")
        expect(page.get_by_text("The link asks for subject 'nope', which is not here")).to_be_visible()
        expect(page.get_by_role("combobox", name="Subject")).to_have_value("default")
        page.goto(server + "notes?subject=bio")  # back to where a new subject is made

        # A new subject opens empty; the Notes page adds its notes, the others say so.
        page.get_by_role("button", name="New subject").click()
        dialog = page.get_by_role("dialog")
        dialog.get_by_role("textbox", name="Name").fill("chem")
        dialog.get_by_role("button", name="Create").click()
        expect(page.get_by_test_id("stSidebar").get_by_text("no notes yet")).to_be_visible()
        expect(page.get_by_role("combobox", name="Subject")).to_have_value("chem")
        expect(page.get_by_test_id("stMain")).to_contain_text("subjects/chem/notes")  # the Notes page, to add some
        page.get_by_test_id("stSidebarNav").get_by_role("link", name="Chat").click()
        expect(page.get_by_text("The subject chem has no notes yet")).to_be_visible()
        assert (bio_home / "subjects" / "chem" / "notes").is_dir()

    print(
        f"\nsubject switch: first open of bio {first:.2f} s; back to default {back:.2f} s; "
        f"to a subject opened before {', '.join(f'{s:.2f}' for s in again)} s"
    )
