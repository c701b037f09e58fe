"""The chat's tag filter (Streamlit's AppTest): offered only when the notes have tags, each
tag with its note count; with a tag chosen the answer cites only the notes so tagged and
says so above it, also after a reload and in a reopened chat."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest
from ui_helpers import APP, TIMEOUT, ok, texts, unescape

from studygraph.assistant.chat_history import ChatLog

# Both notes answer the question, each its own way: only the filter decides which one does.
ML = "---\ntags: [ml]\n---\n# Learning rate\n\nWhen the learning rate rises too far, gradient descent overshoots and training diverges.\n"
FINANCE = "# Bonds\n\n#finance\n\nWhen interest rates rise, a bond's price falls, as its fixed coupons are worth less.\n"
QUESTION = "What happens when the rate rises?"


@pytest.fixture
def vault_home(studygraph_home: Path) -> Path:
    """A data directory whose notes folder holds two notes tagged differently, indexed."""
    from studygraph.assistant.facade import Studygraph
    from studygraph.settings import load_settings

    settings = load_settings()
    settings.notes.mkdir(parents=True)
    (settings.notes / "learning-rate.md").write_text(ML, encoding="utf-8")
    (settings.notes / "bonds.md").write_text(FINANCE, encoding="utf-8")
    Studygraph(settings).ingest([settings.notes])
    return studygraph_home


def cited(at: AppTest) -> set[str]:
    """The note files the last answer's sources name."""
    return {Path(unescape(c).split(":")[0]).name for e in at.chat_message[-1].expander for c in texts(e.caption)}


def filter_lines(at: AppTest) -> list[str]:
    """The "Answering from notes tagged" line above each answer ("" for an answer from all notes)."""
    return [next((unescape(c) for c in texts(m.caption) if c.startswith("Answering from")), "")
            for m in at.chat_message if m.name == "assistant"]


def ask(at: AppTest, question: str) -> AppTest:
    at.chat_input[0].set_value(question)
    return ok(at.run())


def test_the_tag_filter_keeps_the_answer_to_the_tagged_notes(vault_home: Path) -> None:
    at = ok(AppTest.from_file(str(APP), default_timeout=TIMEOUT).run())
    box = at.sidebar.selectbox(key="chat_tag")
    assert box.label == "Filter by tag" and box.value is None
    assert box.options == ["#finance (1 note)", "#ml (1 note)"]
    assert not at.warning

    ask(at, QUESTION)
    assert cited(at) == {"bonds.md", "learning-rate.md"}
    assert not any("Answering from notes tagged" in c for c in texts(at.chat_message[-1].caption))

    at.sidebar.selectbox(key="chat_tag").set_value("finance")
    ask(at, QUESTION)
    reply = at.chat_message[-1]
    assert unescape(reply.caption[0].value) == "Answering from notes tagged #finance"
    assert cited(at) == {"bonds.md"}
    assert "price falls" in unescape(reply.markdown[0].value) and "diverges" not in unescape(reply.markdown[0].value)

    at.sidebar.selectbox(key="chat_tag").set_value("ml")
    ask(at, QUESTION)
    reply = at.chat_message[-1]
    assert unescape(reply.caption[0].value) == "Answering from notes tagged #ml"
    assert cited(at) == {"learning-rate.md"}
    assert "diverges" in unescape(reply.markdown[0].value) and "price falls" not in unescape(reply.markdown[0].value)
    assert not at.warning
    # An earlier answer keeps the line of the filter it was read with.
    assert unescape(at.chat_message[-3].caption[0].value) == "Answering from notes tagged #finance"

    # The filter stays chosen across a visit to another page.
    at.switch_page("views/notes.py")
    ok(at.run())
    at.switch_page("views/chat.py")
    ok(at.run())
    assert at.sidebar.selectbox(key="chat_tag").value == "ml"

    # A reload reads the conversation from disk, its filter box cleared: each answer still
    # says which notes it was read from, as it does once the chat is reopened from the sidebar.
    lines = ["", "Answering from notes tagged #finance", "Answering from notes tagged #ml"]
    again = ok(AppTest.from_file(str(APP), default_timeout=TIMEOUT).run())
    assert again.sidebar.selectbox(key="chat_tag").value is None
    assert filter_lines(again) == lines
    again.button(key="new_chat").click()
    ok(again.run())
    again.sidebar.selectbox(key="chat_earlier").set_value(ChatLog(vault_home).conversations()[0].id)
    ok(again.run())
    assert filter_lines(again) == lines


def test_no_filter_is_offered_when_the_notes_have_no_tags(shared_home: Path, app: AppTest) -> None:
    assert not [s for s in app.sidebar.selectbox if s.label == "Filter by tag"]
