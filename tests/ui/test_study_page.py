"""The study page: pick cards, type an answer, see the grade, rate it, see progress."""

from __future__ import annotations

import genanki
from streamlit.runtime.media_file_manager import MediaFileManager
from study_helpers import read_apkg
from ui_helpers import SEEDS, ok, texts, unescape

STUDY = "views/study.py"
GRILL = "Multimodal & Embedding History — Interview Grill"


def reference_of(question: str, home) -> str:
    """The reference answer of the card on screen, read from the deck's own store."""
    from studygraph.assistant.study.reviews import ReviewStore

    store = ReviewStore(home / "study.sqlite")
    try:
        return next(c.answer for c in store.cards() if c.question == question)
    finally:
        store.close()


def answer(app, text: str):
    app.text_area[0].input(text)
    next(b for b in app.button if b.label == "Check my answer").click()
    return ok(app.run())


def test_drill_one_note_grade_rate_and_progress(own_home, app):
    app.switch_page(STUDY)
    ok(app.run())
    assert app.subheader and app.caption[0].value.startswith("New ")
    app.segmented_control[0].set_value("One note")
    ok(app.run())
    picker = app.selectbox(key="study_note")
    assert GRILL in picker.options  # notes are offered by title
    picker.select(str(SEEDS / "003_2b72a920368736ff.txt"))
    ok(app.run())
    first = unescape(app.subheader[0].value)

    answer(app, "Bananas are a good source of potassium.")
    assert app.error[0].value.startswith("WRONG · score")
    assert any("seeds/003_2b72a920368736ff.txt:" in unescape(c) for c in texts(app.caption))
    shown = [unescape(m).replace("  \n", "\n") for m in texts(app.markdown)]
    assert reference_of(first, own_home) in shown  # the reference answer, as text
    buttons = {b.label: b for b in app.button}
    assert set(buttons) >= {"Again", "Hard", "Good", "Easy"} and buttons["Again"].proto.type == "primary"
    buttons["Again"].click()
    ok(app.run())
    assert "Rated again" in app.info[0].value
    second = unescape(app.subheader[0].value)
    assert second != first and " · Learning 1 · " in app.caption[0].value  # the "again" card waits its turn

    answer(app, reference_of(second, own_home))
    assert app.success[0].value.startswith("RIGHT · score")
    next(b for b in app.button if b.label == "Good").click()
    ok(app.run())
    assert "Rated good; next review in" in app.info[0].value
    metrics = {m.label: m.value for m in app.metric}
    assert metrics["Reviewed"] == "2"


def test_drill_a_concept_sent_from_the_graph(own_home, app):
    app.session_state["study_concept"] = "CLIP"
    app.switch_page(STUDY)
    ok(app.run())
    assert app.segmented_control[0].value == "One concept"
    assert app.selectbox(key="study_concept_pick").value == "CLIP"
    assert app.caption[0].value.startswith("New ") and app.subheader


def test_download_the_deck_for_anki(own_home, app, monkeypatch):
    made = []  # what the button builds on click (AppTest's runtime is gone once a run ends)
    original = MediaFileManager.add_deferred

    def keep(self, data_callable, *args, **kwargs):
        made.append(data_callable)
        return original(self, data_callable, *args, **kwargs)

    monkeypatch.setattr(MediaFileManager, "add_deferred", keep)
    app.switch_page(STUDY)
    ok(app.run())
    button = app.download_button(key="study_anki")
    assert button.proto.label.startswith("Download all ") and button.proto.deferred_file_id

    package = read_apkg(made[-1]())

    from studygraph.assistant.study.reviews import ReviewStore

    store = ReviewStore(own_home / "study.sqlite")
    try:
        cards = store.cards()  # what the page's deck holds
    finally:
        store.close()
    assert button.proto.label == f"Download all {len(cards)} cards as an Anki deck"
    assert sorted(guid for guid, _, _ in package["notes"]) == sorted(genanki.guid_for(c.id) for c in cards)
    tfidf = next(c for c in cards if c.question == "TF-IDF formula?")
    back = next(fields[1] for guid, fields, _ in package["notes"] if guid == genanki.guid_for(tfidf.id))
    assert back.endswith('<div class="citation">seeds/003_2b72a920368736ff.txt, line 4</div>')
