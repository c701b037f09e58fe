"""The sidebar's subject switcher (Streamlit's AppTest): every page follows the chosen
subject, a new subject starts empty on the Notes page, a bad name is refused, the URL
keeps the subject across a reload and a link to a subject that is not here says so."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest
from subject_helpers import BIO_NOTE, add_bio
from ui_helpers import APP, TIMEOUT, ok, texts, unescape

NOTES = "views/notes.py"
CHAT = "views/chat.py"


@pytest.fixture
def bio_home(own_home: Path) -> Path:
    """The seeded home with a second subject, bio, holding one note."""
    add_bio(own_home)
    return own_home


def choose(app, name: str):
    app.selectbox(key="subject_choice").set_value(name)
    return ok(app.run())


def create(app, name: str):
    next(b for b in app.button if b.label == "New subject").click()
    ok(app.run())
    app.text_input(key="subject_new").input(name)
    next(b for b in app.button if b.label == "Create").click()
    return ok(app.run())


def note_files(app) -> set[str]:
    app.switch_page(NOTES)
    ok(app.run())
    return set(app.dataframe[0].value["File"])


def ask(app, question: str) -> str:
    app.switch_page(CHAT)
    ok(app.run())
    app.chat_input[0].set_value(question)
    ok(app.run())
    return "\n".join(texts(app.markdown))


def test_switching_subject_switches_every_page(bio_home: Path, app) -> None:
    assert app.selectbox(key="subject_choice").options == ["default", "bio"]
    seeds = note_files(app)
    assert len(seeds) == 5

    choose(app, "bio")
    assert note_files(app) == {BIO_NOTE}
    assert any("1 notes" in c.value for c in app.sidebar.caption)
    assert "red and blue light" in ask(app, "What does chlorophyll absorb?")
    assert (bio_home / "subjects" / "bio" / "chat" / "conversations").is_dir()
    app.switch_page("views/graph.py")
    ok(app.run())
    app.switch_page("views/study.py")
    ok(app.run())

    choose(app, "default")
    assert note_files(app) == seeds
    assert "15% of tokens masked" in ask(app, "What is the masking ratio of BERT's MLM?")


def test_a_new_subject_starts_empty_and_fills_from_the_notes_page(own_home: Path, app) -> None:
    create(app, "chem-101")
    assert app.selectbox(key="subject_choice").value == "chem-101"
    assert (own_home / "subjects" / "chem-101" / "notes").is_dir()
    assert any("has no notes yet" in unescape(i.value) for i in app.info)
    assert not app.chat_input  # the chat waits for notes

    app.switch_page(NOTES)
    ok(app.run())
    app.text_input(key="paste_title_0").input("Acids")
    app.text_area[0].input("# Acids\n\nAn acid donates a proton; a base accepts one (Bronsted-Lowry).\n")
    next(b for b in app.button if b.label == "Save and index").click()
    ok(app.run())
    assert set(app.dataframe[0].value["File"]) == {"acids.md"}
    assert "donates a proton" in ask(app, "What does an acid donate?")
    assert not (own_home / "notes" / "acids.md").exists()


def test_a_bad_subject_name_is_refused_with_the_rule(own_home: Path, app) -> None:
    create(app, "my course")
    assert any("subject must be 1-40 letters" in unescape(e.value) for e in app.error)
    assert app.selectbox(key="subject_choice").value == ""
    assert not (own_home / "subjects").exists()


def open_link(**query: str):
    """A new browser session on the app's URL with `query` (a reload, or a link someone shared)."""
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.query_params.update(query)
    return ok(at.run())


def test_the_subject_is_in_the_url_and_a_reload_keeps_it(bio_home: Path, app) -> None:
    assert "subject" not in app.query_params  # the default needs none
    choose(app, "bio")
    assert app.query_params["subject"] == "bio"
    app.switch_page(NOTES)
    ok(app.run())
    assert app.query_params["subject"] == "bio"  # a page change keeps it

    reloaded = open_link(**app.query_params)
    assert reloaded.selectbox(key="subject_choice").value == "bio"
    assert note_files(reloaded) == {BIO_NOTE}
    assert reloaded.query_params["subject"] == "bio"
    assert not reloaded.warning

    choose(reloaded, "default")
    assert "subject" not in reloaded.query_params
    assert len(note_files(reloaded)) == 5


def test_a_link_to_a_subject_that_is_not_here_says_so_and_shows_the_default(bio_home: Path) -> None:
    at = open_link(subject="chem")
    assert any(
        unescape(w.value) == "The link asks for subject 'chem', which is not here (subjects: default, bio); "
        "showing the default subject instead." for w in at.warning
    ), texts(at.warning)
    assert at.selectbox(key="subject_choice").value == ""
    assert "subject" not in at.query_params
    assert len(note_files(at)) == 5
    assert not (bio_home / "subjects" / "chem").exists()

    at = open_link(subject="../bio")
    assert any("which no subject can be called (subject must be 1-40 letters" in unescape(w.value) for w in at.warning)
    assert at.selectbox(key="subject_choice").value == ""
