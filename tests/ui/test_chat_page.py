"""The chat page: cited answers from the seed notes, sources with the quote highlighted,
one row of related concepts, a welcome that suggests questions, and a conversation
that outlives the browser session."""

from __future__ import annotations

import shutil
import threading
import time

from streamlit.testing.v1 import AppTest
from ui_helpers import ANSWER_NOTE, ANSWER_TEXT, APP, QUESTION, TIMEOUT, answer_line, ok, texts, unescape

from studygraph.assistant import welcome
from studygraph.assistant.chat_history import ChatLog
from studygraph.ui import chat_welcome
from studygraph.ui.components import md


def ask(at, question: str):
    at.chat_input[0].set_value(question)
    return ok(at.run())


def reload() -> AppTest:
    """A new browser session on the same data directory (what a page reload is)."""
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    return ok(at.run())


def test_seed_question_gets_an_answer_citing_the_exact_words(shared_home, app):
    ask(app, QUESTION)
    line = answer_line()
    answer = app.chat_message[-1].markdown[0].value
    assert ANSWER_TEXT in unescape(answer)
    assert "[**\\[1\\]**](#cite-1-1)" in answer  # the marker links to its source
    assert not unescape(answer).startswith("C. Contextual embeddings")
    first = app.chat_message[-1].expander[0]
    assert unescape(first.label).startswith("[1] Multimodal & Embedding History — Interview Grill")
    assert unescape(first.label).endswith(f"line {line}")
    assert any(unescape(c).startswith(f"{ANSWER_NOTE}:{line}") for c in texts(first.caption))
    rows = first.markdown[0].value.split("  \n")
    marked = [row for row in rows if ":orange-background[" in row]
    # Only the quoted Q&A of the line is highlighted, not the line's other quick-fire questions.
    assert len(marked) == 1 and marked[0].startswith(f"`{line}` 13\\. :orange-background[BERT")
    assert ANSWER_TEXT in unescape(marked[0]) and len(rows) > 1
    assert [m.name for m in app.chat_message][-2:] == ["user", "assistant"]


def test_each_related_concept_is_shown_once_with_both_actions(shared_home, app):
    ask(app, "What is the Perceiver Resampler?")
    reply = app.chat_message[-1]
    graph = [b for b in reply.button if b.key.startswith("graph_")]
    asks = [b for b in reply.button if b.key.startswith("ask_")]
    concepts = [unescape(b.label).removeprefix("Ask: What is ").removesuffix("?") for b in asks]
    assert len(graph) == len(asks) >= 2 and len(set(concepts)) == len(concepts)
    assert not any("Related:" in unescape(c) and "(" in unescape(c) for c in texts(reply.caption))
    assert not reply.get("pills"), "no second and third row of the same concepts"
    graph[0].click()
    ok(app.run())
    assert unescape(app.title[0].value).endswith("Concept graph")
    assert unescape(app.subheader[0].value) == concepts[0]


def test_ask_about_a_related_concept_asks_it(shared_home, app):
    ask(app, QUESTION)
    button = next(b for b in app.chat_message[-1].button if b.key.startswith("ask_"))
    question = unescape(button.label).removeprefix("Ask: ")
    button.click()
    ok(app.run())
    assert unescape(app.chat_message[-2].markdown[0].value) == question
    assert app.chat_message[-1].expander, "the answer cites nothing"


def test_welcome_summarises_the_notes_and_its_questions_are_answered(shared_home, app):
    welcome = app.chat_message[0]
    summary = unescape(welcome.markdown[1].value)
    assert summary.startswith("Your notes: 5 notes, ") and "passages" in summary and "most connected:" in summary
    suggested = [b for b in welcome.button if b.key.startswith("suggested_")]
    assert 3 <= len(suggested) <= 5
    questions = [unescape(b.label) for b in suggested]
    assert all(q.endswith("?") and q.count("?") == 1 for q in questions), questions
    suggested[0].click()
    ok(app.run())
    assert unescape(app.chat_message[-2].markdown[0].value) == questions[0]
    reply = app.chat_message[-1]
    assert reply.expander and "couldn't find" not in unescape(reply.markdown[0].value)


def test_the_conversation_survives_a_reload_and_new_chat_keeps_it(shared_home, app):
    ask(app, QUESTION)
    again = reload()
    assert [m.name for m in again.chat_message] == ["user", "assistant"]
    assert ANSWER_TEXT in unescape(again.chat_message[-1].markdown[0].value)
    assert again.chat_message[-1].expander  # its sources too
    again.button(key="new_chat").click()
    ok(again.run())
    assert [b for b in again.chat_message[0].button if b.key.startswith("suggested_")]  # the welcome again
    assert len(again.chat_message) == 1
    earlier = again.sidebar.selectbox(key="chat_earlier")
    assert earlier.options[0].endswith(QUESTION)  # "YYYY-MM-DD · <first question>"
    earlier.set_value(ChatLog(shared_home).conversations()[0].id)
    ok(again.run())
    assert ANSWER_TEXT in unescape(again.chat_message[-1].markdown[0].value)
    assert len(reload().chat_message) == 2  # the reopened chat is the current one


def test_copy_and_export_hold_the_answer_with_its_sources(shared_home, app):
    assert app.button(key="new_chat").disabled  # nothing to start over from yet
    ask(app, QUESTION)
    copied = app.chat_message[-1].code[0].value
    assert ANSWER_TEXT in copied and "[1]" in copied
    assert f"{ANSWER_NOTE.split('/')[-1]}, line {answer_line()}" in copied
    assert not app.button(key="new_chat").disabled
    assert app.get("download_button")[0].proto.label == "Export to markdown"


def test_math_from_a_note_is_rendered_not_escaped(shared_home, app):
    ask(app, "What is patchify?")
    answer = app.chat_message[-1].markdown[0].value
    assert r"$16 \times 16$" in answer, answer  # left for KaTeX
    assert md("(ViT)") in answer


def test_empty_and_unanswerable_questions_get_a_helpful_reply(shared_home, app):
    ask(app, "   ")
    assert "the query is empty" in unescape(app.chat_message[-1].markdown[0].value)
    ask(app, "qwxz vlorptang frobnicate zzyzx")
    reply = app.chat_message[-1]
    assert "couldn't find this in your notes" in unescape(reply.markdown[0].value)
    assert any("Tips" in c.value for c in reply.caption)
    assert not app.error


def test_sidebar_shows_mode_k_and_index_status(shared_home, app):
    assert app.sidebar.radio[0].options == ["hybrid", "bm25", "dense"]
    app.sidebar.radio[0].set_value("bm25")
    app.sidebar.slider[0].set_value(3)
    ask(app, "SigLIP vs CLIP")
    assert app.session_state["mode"] == "bm25" and app.session_state["k"] == 3
    status = " ".join(unescape(c.value) for c in app.sidebar.caption)
    assert "5 notes" in status and "passages" in status
    assert any("Notes in use (5)" in link.label for link in app.sidebar.get("page_link"))


def test_a_follow_up_is_read_with_the_previous_question(shared_home, app):
    ask(app, "How does CLIP do zero-shot classification?")
    ask(app, "And what loss does it use?")
    captions = [unescape(c) for c in texts(app.chat_message[-1].caption)]
    assert "Reading this as: What loss does CLIP use?" in captions, captions
    assert "contrastive" in unescape(app.chat_message[-1].markdown[0].value).lower()


def test_a_chat_that_cannot_be_saved_still_answers_and_says_why(own_home, app):
    blocked = own_home / "chat" / "conversations"
    shutil.rmtree(blocked, ignore_errors=True)
    blocked.write_text("a file where the folder should be", encoding="utf-8")  # every save fails (even as root)
    ask(app, QUESTION)
    assert ANSWER_TEXT in unescape(app.chat_message[-1].markdown[0].value)
    assert any("could not be saved" in unescape(w) for w in texts(app.warning))
    assert blocked.read_text(encoding="utf-8") == "a file where the folder should be"


def test_a_welcome_still_being_worked_out_leaves_the_chat_usable_and_shows_up_when_ready(own_home, monkeypatch):
    # After an ingest nothing is kept: the welcome is worked out on a thread, here held until released.
    shutil.rmtree(own_home / "chat")
    release = threading.Event()

    def held(sg, pause):
        assert release.wait(60)
        return welcome.overview(sg, pause=pause)

    monkeypatch.setattr(chat_welcome, "overview", held)
    at = reload()
    first = at.chat_message[0]
    assert chat_welcome.READING in texts(first.caption)
    assert not [b for b in first.button if b.key.startswith("suggested_")]
    assert at.chat_input  # the student can ask at once
    release.set()
    deadline = time.monotonic() + 60
    while not [b for b in at.chat_message[0].button if b.key.startswith("suggested_")]:
        assert time.monotonic() < deadline, "the welcome never showed up"
        time.sleep(0.2)
        ok(at.run())
    assert (own_home / "chat" / "welcome.json").is_file()  # kept for the next visit
