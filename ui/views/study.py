"""Study: drill flashcards from the notes (due cards, one note, or one concept's
neighbourhood), grade typed answers, rate recall, and watch progress."""

from __future__ import annotations

import functools
from datetime import UTC, datetime

import streamlit as st

from studygraph.assistant.study import Card, Deck, Grade, anki
from studygraph.assistant.study.schedule import RATINGS, suggested_rating
from studygraph.errors import StudygraphError
from studygraph.ui import components, state
from studygraph.ui.components import md

SCOPE = "study_scope"
NOTE = "study_note"
CONCEPT = "study_concept_pick"
ALL = "study_all"
QUEUE = "study_queue"  # (selection, card ids)
POS = "study_pos"
GRADED = "study_graded"  # (card id, typed answer, Grade) of the current card
FLASH = "study_flash"
SCOPES = ("Due cards", "One note", "One concept")
LIMIT = 20
VERDICT = {"right": st.success, "partial": st.warning, "wrong": st.error}


def _until(due: datetime) -> str:
    seconds = max(0.0, (due - datetime.now(UTC)).total_seconds())
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            n = round(seconds / size)
            return f"{n} {unit}{'s' if n != 1 else ''}"
    return "a moment"


def _selection(deck: Deck) -> tuple[tuple, list[Card] | None]:
    """The choice of cards and, when it changed, the new queue."""
    if state.DRILL in st.session_state:
        st.session_state[SCOPE] = "One concept"
        st.session_state[CONCEPT] = st.session_state.pop(state.DRILL)
    st.session_state.setdefault(SCOPE, SCOPES[0])
    cards = deck.cards()
    titles = state.titles()
    notes = sorted({c.note for c in cards}, key=lambda n: (titles.get(n) or n).lower())
    concepts = sorted({c.name for c in state.assistant().graph().concepts.values()}, key=str.lower)
    scope_col, all_col = st.columns([3, 2], vertical_alignment="bottom")
    scope = scope_col.segmented_control("Study", SCOPES, key=SCOPE) or SCOPES[0]
    include_all = all_col.checkbox("Include cards not due yet", key=ALL)
    note = concept = None
    if scope == "One note":
        note = st.selectbox("Note", notes, key=NOTE, format_func=lambda n: titles.get(n, components.display_path(n)))
    elif scope == "One concept":
        concept = st.selectbox("Concept and its graph neighbours", concepts, key=CONCEPT, index=None,
                               placeholder="e.g. Contrastive Learning")
    choice = (scope, note, concept, include_all)
    queued = st.session_state.get(QUEUE)
    if queued and queued[0] == choice:
        return choice, None
    if scope == "One concept" and not concept:
        return choice, []
    names = deck.neighbourhood(concept) if concept else None
    return choice, deck.select(note=note, concepts=names, due_only=not include_all, limit=LIMIT)


def _grade_view(card: Card, typed: str, grade: Grade) -> None:
    VERDICT.get(grade.verdict, st.info)(f"{grade.verdict.upper()} · score {grade.score:.2f}")
    st.markdown("**Your answer:** " + (md(typed) if typed.strip() else "_(none)_"))
    if grade.missed:
        st.markdown("**Missed key concepts:** " + md(", ".join(grade.missed)))
    with st.container(border=True):
        st.markdown("**Reference answer**" + (" (composed from your notes by `ask`)" if card.composed else ""))
        st.markdown(md(grade.reference))
        st.caption(md(components.where(card.source, card.start_line, card.end_line)))


def _quiz(deck: Deck, ids: list[str]) -> None:
    pos = st.session_state.get(POS, 0)
    if pos >= len(ids):
        st.success(f"Done: {len(ids)} card(s). Pick another set above, or come back when more are due."
                   if ids else "Nothing to study here right now. Tick 'Include cards not due yet' or pick another set.")
        return
    try:
        card = deck.card(ids[pos])
    except StudygraphError:  # the card retired since the queue was made (its note changed)
        st.session_state[POS] = pos + 1
        st.rerun()
    note = state.titles().get(card.note) or components.display_path(card.note)
    st.caption(md(f"Card {pos + 1} of {len(ids)} · {card.kind} · from {note}"))
    st.subheader(md(card.question))
    graded = st.session_state.get(GRADED)
    typed, grade = graded[1:] if graded and graded[0] == card.id else ("", None)
    if grade is None:
        with st.form(f"answer_{card.id}"):
            answer = st.text_area("Your answer", height=120, placeholder="Answer in your own words")
            checked = st.form_submit_button("Check my answer", type="primary")
        if checked:
            st.session_state[GRADED] = (card.id, answer, deck.grade(card.id, answer))
            st.rerun()
        if st.button("Skip"):
            st.session_state[POS] = pos + 1
            st.rerun()
        return
    _grade_view(card, typed, grade)
    st.markdown("**How well did you recall it?**")
    suggested = suggested_rating(grade.verdict)
    for column, rating in zip(st.columns(len(RATINGS)), RATINGS):
        if column.button(rating.capitalize(), key=f"rate_{rating}", width="stretch",
                         type="primary" if rating == suggested else "secondary"):
            review = deck.review(card.id, rating, grade)
            st.session_state[FLASH] = f"Rated {rating}; next review in {_until(review.due)}."
            st.session_state[POS] = pos + 1
            st.session_state.pop(GRADED, None)
            st.rerun()


def _progress(deck: Deck) -> None:
    stats = deck.progress()
    cols = st.columns(5)
    cols[0].metric("Cards", stats.cards)
    cols[1].metric("Due today", stats.due_today)
    cols[2].metric("Reviewed", stats.reviewed_cards)
    cols[3].metric("Retention", f"{stats.retention:.0%}" if stats.retention is not None else "-")
    cols[4].metric("Mean score", f"{stats.mean_score:.2f}" if stats.mean_score is not None else "-")
    daily = {d.day.strftime("%m-%d"): d.reviews for d in stats.daily}
    if any(daily.values()):
        st.caption("Reviews per day")
        st.bar_chart(daily, height=180, x_label="day", y_label="reviews")
    if stats.weakest:
        st.caption("Weakest concepts (lowest mean grade)")
        st.bar_chart({w.concept: w.mean_score for w in stats.weakest}, height=180, horizontal=True,
                     x_label="concept", y_label="mean score")  # labels follow the data, not the drawn axes
    if not stats.reviews:
        st.caption("No reviews yet: your progress shows up here after the first rated card.")


st.title(":material/school: Study")
try:
    with st.spinner("Preparing cards from your notes..."):
        deck = state.deck()
except StudygraphError as exc:
    components.show_error(exc)
    st.stop()

cards_now = deck.cards()  # a snapshot: the download is built on click, in another thread
st.download_button(f"Download all {len(cards_now)} cards as an Anki deck", key="study_anki",
                   data=functools.partial(anki.apkg_bytes, cards_now, components.display_path),
                   file_name="studygraph.apkg", mime="application/octet-stream", icon=":material/download:",
                   help="Import it in Anki; importing a newer one later updates the same notes.")

quiz_tab, progress_tab = st.tabs(["Quiz", "Progress"])
with quiz_tab:
    choice: tuple | None
    fresh: list[Card] | None
    try:
        choice, fresh = _selection(deck)
    except StudygraphError as exc:
        components.show_error(exc)
        choice, fresh = None, None
        st.session_state.pop(QUEUE, None)
    if fresh is not None and choice is not None:
        st.session_state[QUEUE] = (choice, [c.id for c in fresh])
        st.session_state[POS] = 0
        st.session_state.pop(GRADED, None)
    if FLASH in st.session_state:
        st.info(st.session_state.pop(FLASH))
    if choice is not None:
        _quiz(deck, st.session_state[QUEUE][1])
with progress_tab:
    _progress(deck)
