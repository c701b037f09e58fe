"""The chat page: cited answers from the seed notes, sources, related-concept chips."""

from __future__ import annotations

from ui_helpers import ANSWER_NOTE, ANSWER_TEXT, QUESTION, answer_line, ok, texts, unescape


def ask(at, question: str):
    at.chat_input[0].set_value(question)
    return ok(at.run())


def test_seed_question_gets_an_answer_citing_the_exact_line(shared_home, app):
    ask(app, QUESTION)
    line = answer_line()
    answer = app.chat_message[-1].markdown[0].value
    assert ANSWER_TEXT in unescape(answer) and "**\\[1\\]**" in answer  # inline, bold [1]
    first = app.chat_message[-1].expander[0]
    assert unescape(first.label).startswith("[1] Multimodal & Embedding History — Interview Grill")
    assert unescape(first.label).endswith(f"line {line}")
    assert any(unescape(c).startswith(f"{ANSWER_NOTE}:{line}") for c in texts(first.caption))
    passage = first.code[0].value
    marked = [row for row in passage.splitlines() if row.startswith("▶")]
    assert len(marked) == 1 and f" {line} │ " in marked[0] and ANSWER_TEXT in marked[0]
    assert len(passage.splitlines()) > 1  # the rest of the passage, unmarked, for context
    roles = [m.name for m in app.chat_message]
    assert roles[-2:] == ["user", "assistant"]


def test_history_is_kept_and_a_related_chip_opens_the_graph(shared_home, app):
    ask(app, QUESTION)
    ask(app, "What is the Perceiver Resampler?")
    history = [unescape(m) for m in texts(app.markdown)]
    assert any(ANSWER_TEXT in m for m in history) and any("Perceiver" in m for m in history)
    chips = [p for p in app.pills if p.label == "Open in the graph"][-1]  # under the latest answer
    concept = chips.options[0]
    chips.set_value(concept)
    ok(app.run())
    assert unescape(app.title[0].value).endswith("Concept graph")
    assert unescape(app.subheader[0].value) == concept


def test_ask_about_chip_asks_the_question(shared_home, app):
    chips = app.pills[0]  # the welcome message's concepts
    concept = chips.options[0]
    chips.set_value(concept)
    ok(app.run())
    assert unescape(app.chat_message[-2].markdown[0].value) == f"What is {concept}?"
    assert app.chat_message[-1].expander, "the answer cites nothing"


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
