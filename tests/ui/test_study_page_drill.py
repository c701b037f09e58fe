"""Drilling on the study page as in Anki, through the real app and deck: show the
answer without typing, "again" cards come back, undo, suspend, edit, own cards,
one New/Learning/Review count, a session summary."""

from __future__ import annotations

import re

from ui_helpers import SEEDS, ok, texts, unescape

STUDY = "views/study.py"
GRILL = str(SEEDS / "003_2b72a920368736ff.txt")


def reviews(home):
    from studygraph.assistant.study.reviews import ReviewStore

    store = ReviewStore(home / "study.sqlite")
    try:
        return store.reviews()
    finally:
        store.close()


def click(app, label: str):
    next(b for b in app.button if b.label == label).click()
    return ok(app.run())


def counts(app) -> tuple[int, int, int]:
    found = re.match(r"New (\d+) · Learning (\d+) · Review (\d+)", app.caption[0].value)
    assert found, app.caption[0].value
    return tuple(int(n) for n in found.groups())


def one_note(app):
    app.switch_page(STUDY)
    ok(app.run())
    app.segmented_control[0].set_value("One note")
    ok(app.run())
    app.selectbox(key="study_note").select(GRILL)
    return ok(app.run())


def test_show_answer_without_typing_records_no_score(own_home, app):
    one_note(app)
    first = unescape(app.subheader[0].value)
    click(app, "Show answer")
    assert not app.error and not app.success  # no verdict: nothing was typed
    assert any("Reference answer" in m for m in texts(app.markdown))
    click(app, "Good")
    click(app, "Check my answer")  # an empty check on the next card only shows its answer
    assert not app.error and any("Reference answer" in m for m in texts(app.markdown))
    click(app, "Hard")
    assert [(r.score, r.verdict) for r in reviews(own_home)] == [(None, None), (None, None)]
    assert unescape(app.subheader[0].value) != first


def test_again_comes_back_undo_takes_it_back_and_the_summary_counts(own_home, app):
    one_note(app)
    new, learning, review = counts(app)
    assert (learning, review) == (0, 0) and new > 2
    first = unescape(app.subheader[0].value)
    click(app, "Show answer")
    click(app, "Again")
    assert counts(app) == (new - 1, 1, 0)  # it waits at the end of the session

    click(app, "Undo last rating")
    assert "Took back the again rating" in app.info[0].value
    assert unescape(app.subheader[0].value) == first and counts(app) == (new, 0, 0) and reviews(own_home) == []

    click(app, "Show answer")
    click(app, "Again")
    for _ in range(new - 1):  # everything else Good, then the "again" card is back
        click(app, "Show answer")
        click(app, "Good")
    assert unescape(app.subheader[0].value) == first and counts(app) == (0, 1, 0)
    click(app, "Show answer")
    click(app, "Good")
    assert app.success[0].value.startswith(f"Session done: {new + 1} rating(s) over {new} card(s)")
    summary = {m.label: m.value for m in app.metric}
    assert (summary["Again"], summary["Good"]) == ("1", str(new))


def test_suspend_edit_and_add_your_own(own_home, app):
    one_note(app)
    new = counts(app)[0]
    first = unescape(app.subheader[0].value)
    app.text_input[0].input("TF-IDF: what is it?")
    app.text_area[1].input("Term frequency times inverse document frequency, my words.")
    click(app, "Save card")
    assert unescape(app.subheader[0].value) == "TF-IDF: what is it?" and first == "TF-IDF formula?"
    click(app, "Show answer")
    assert any("my words" in m for m in texts(app.markdown))

    click(app, "Suspend card")
    assert counts(app)[0] == new - 1 and unescape(app.subheader[0].value) != "TF-IDF: what is it?"

    app.text_input[-1].input("What does RRF stand for?")
    app.text_area[-1].input("Reciprocal Rank Fusion.")
    click(app, "Add card")
    assert "Card added" in app.info[0].value and counts(app)[0] == new

    assert any(e.label.startswith("Suspended cards (1)") for e in app.expander)


def test_the_quiz_and_progress_show_one_count(own_home, app):
    app.switch_page(STUDY)
    ok(app.run())  # due cards: today's queue
    click(app, "Show answer")
    click(app, "Again")
    header = counts(app)
    progress = {m.label: m.value for m in app.metric}
    assert (int(progress["New"]), int(progress["Learning"]), int(progress["Review"])) == header
    assert header[0] == 19  # 20 new cards a session, one of them now learning
