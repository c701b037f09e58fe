"""Study: drill flashcards from the notes (due cards, one note, or one concept's
neighbourhood) as in Anki: type an answer to have it graded or just show the
answer (Space), rate recall (1-4), see "again" cards come back, undo, edit,
suspend or add cards, and watch progress with the same New/Learning/Review count."""

from __future__ import annotations

import functools
import json
from collections import Counter
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
QUEUE = "study_queue"  # (selection, card ids); an "again" card goes back to its end
POS = "study_pos"
GRADED = "study_graded"  # (card id, typed answer, Grade or None when shown without an answer)
FLASH = "study_flash"
LOG = "study_log"  # this session's ratings: (card id, rating, score or None)
SCOPES = ("Due cards", "One note", "One concept")
NEW_PER_SESSION = 20
VERDICT = {"right": st.success, "partial": st.warning, "wrong": st.error}
KEYS = {" ": "Show answer", "1": "Again", "2": "Hard", "3": "Good", "4": "Easy"}
# Space shows the answer, 1-4 rate; never while the student types in a field.
KEYS_JS = """<script>
const doc = window.parent.document;
const keys = %s;
if (doc.studygraphKeys) doc.removeEventListener("keydown", doc.studygraphKeys);
doc.studygraphKeys = (event) => {
  const target = event.target;
  if (event.ctrlKey || event.metaKey || event.altKey || !target || target.closest("textarea, input, [contenteditable]")) return;
  const label = keys[event.key];
  if (!label) return;
  const button = [...doc.querySelectorAll("button")].find((b) => b.innerText.trim() === label && !b.disabled);
  if (button) { event.preventDefault(); button.click(); }
};
doc.addEventListener("keydown", doc.studygraphKeys);
</script>"""


def _until(due: datetime) -> str:
    seconds = max(0.0, (due - datetime.now(UTC)).total_seconds())
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            n = round(seconds / size)
            return f"{n} {unit}{'s' if n != 1 else ''}"
    return "a moment"


def today(deck: Deck) -> list[Card]:
    """Today's queue over the whole deck: every due card and up to NEW_PER_SESSION new ones."""
    return deck.select(due_only=True, new_limit=NEW_PER_SESSION)


def _selection(deck: Deck) -> tuple[tuple, list[Card] | None]:
    """The choice of cards and, when it changed, the new queue."""
    if state.DRILL in st.session_state:
        st.session_state[SCOPE] = "One concept"
        st.session_state[CONCEPT] = st.session_state.pop(state.DRILL)
    st.session_state.setdefault(SCOPE, SCOPES[0])
    cards = deck.cards()
    titles = state.titles()
    notes = sorted({c.note for c in cards if c.note}, key=lambda n: (titles.get(n) or n).lower())
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
    if scope == "Due cards" and not include_all:
        return choice, today(deck)
    names = deck.neighbourhood(concept) if concept else None
    return choice, deck.select(note=note, concepts=names, due_only=not include_all, new_limit=NEW_PER_SESSION)


def _grade_view(card: Card, typed: str, grade: Grade | None) -> None:
    if grade is not None:
        VERDICT.get(grade.verdict, st.info)(f"{grade.verdict.upper()} · score {grade.score:.2f}")
        st.markdown("**Your answer:** " + md(typed))
        for problem in grade.problems:
            st.markdown("**Why:** your answer " + md(problem))
        if grade.missed:
            st.markdown("**Missed key concepts:** " + md(", ".join(grade.missed)))
    with st.container(border=True):
        st.markdown("**Reference answer**" + (" (composed from your notes by `ask`)" if card.composed else ""))
        st.markdown(md(card.answer))
        if card.source:
            st.caption(md(components.where(card.source, card.start_line, card.end_line)))
        else:
            st.caption("Your own card")


def _queue() -> tuple[tuple, list[str]]:
    return st.session_state[QUEUE]


def _rate(deck: Deck, card: Card, rating: str, grade: Grade | None) -> None:
    review = deck.review(card.id, rating, grade)
    choice, ids = _queue()
    if rating == "again":
        ids = [*ids, card.id]  # it comes back in this session
        st.session_state[FLASH] = "Rated again; the card comes back at the end of this session."
    else:
        st.session_state[FLASH] = f"Rated {rating}; next review in {_until(review.due)}."
    st.session_state[QUEUE] = (choice, ids)
    st.session_state.setdefault(LOG, []).append((card.id, rating, grade.score if grade else None))
    st.session_state[POS] = st.session_state.get(POS, 0) + 1
    st.session_state.pop(GRADED, None)


def _undo(deck: Deck) -> None:
    taken = deck.undo()
    log = st.session_state.get(LOG, [])
    if taken is None or not log:
        return
    card_id, rating, _ = log.pop()
    choice, ids = _queue()
    pos = max(0, st.session_state.get(POS, 0) - 1)
    if rating == "again" and ids and ids[-1] == card_id:
        ids = ids[:-1]
    ids = [*ids[:pos], card_id, *ids[pos:]] if pos >= len(ids) or ids[pos] != card_id else ids
    st.session_state[QUEUE] = (choice, ids)
    st.session_state[POS] = pos
    st.session_state.pop(GRADED, None)
    st.session_state[FLASH] = f"Took back the {rating} rating; the card is as it was."


def _summary(ids: list[str]) -> None:
    log = st.session_state.get(LOG, [])
    if not ids:
        st.success("Nothing to study here right now. Tick 'Include cards not due yet' or pick another set.")
        return
    st.success(f"Session done: {len(log)} rating(s) over {len(set(ids))} card(s).")
    if log:
        ratings = Counter(rating for _, rating, _ in log)
        cols = st.columns(5)
        for col, rating in zip(cols, ("again", "hard", "good", "easy")):
            col.metric(rating.capitalize(), ratings.get(rating, 0))
        scores = [score for _, _, score in log if score is not None]
        cols[4].metric("Mean score", f"{sum(scores) / len(scores):.2f}" if scores else "-")
        st.caption("Pick another set above, or come back when more are due.")


def _card_tools(deck: Deck, card: Card) -> None:
    """Suspend or edit the card on screen."""
    with st.expander("Edit or suspend this card"):
        with st.form(f"edit_{card.id}"):
            question = st.text_input("Question on the card", value=card.question)
            answer = st.text_area("Answer on the card", value=card.answer, height=120)
            if st.form_submit_button("Save card"):
                try:
                    deck.edit(card.id, question, answer)
                except StudygraphError as exc:
                    components.show_error(exc)
                else:
                    st.session_state[FLASH] = "Card saved."
                    st.session_state.pop(GRADED, None)
                    st.rerun()
        if st.button("Suspend card", key=f"suspend_{card.id}", help="Leave it out of every queue and count"):
            deck.suspend(card.id)
            choice, ids = _queue()
            st.session_state[QUEUE] = (choice, [i for i in ids if i != card.id])
            st.session_state.pop(GRADED, None)
            st.session_state[FLASH] = "Card suspended; bring it back under Progress."
            st.rerun()


def _quiz(deck: Deck, ids: list[str]) -> None:
    pos = st.session_state.get(POS, 0)
    if st.session_state.get(LOG) and st.button("Undo last rating", icon=":material/undo:"):
        _undo(deck)
        st.rerun()
    if pos >= len(ids):
        _summary(ids)
        return
    try:
        card = deck.card(ids[pos])
    except StudygraphError:  # the card retired since the queue was made (its note changed)
        st.session_state[POS] = pos + 1
        st.rerun()
    remaining = [c for c in (deck.store.card(i) for i in dict.fromkeys(ids[pos:])) if c is not None]
    note = state.titles().get(card.note) or (components.display_path(card.note) if card.note else "your own cards")
    st.caption(md(f"{deck.counts(remaining, due_now=False)} · {card.kind} · from {note}"))
    st.subheader(md(card.question))
    graded = st.session_state.get(GRADED)
    typed, grade = graded[1:] if graded and graded[0] == card.id else ("", None)
    if not graded or graded[0] != card.id:
        with st.form(f"answer_{card.id}"):
            answer = st.text_area("Your answer", height=120, placeholder="Answer in your own words, or show the answer")
            checked = st.form_submit_button("Check my answer", type="primary")
        if checked:  # an empty check only shows the answer: no grade, no score of 0
            st.session_state[GRADED] = (card.id, answer, deck.grade(card.id, answer) if answer.strip() else None)
            st.rerun()
        show, skip = st.columns(2)
        if show.button("Show answer", width="stretch", help="Space"):
            st.session_state[GRADED] = (card.id, "", None)
            st.rerun()
        if skip.button("Skip", width="stretch"):
            st.session_state[POS] = pos + 1
            st.rerun()
        _card_tools(deck, card)
        return
    _grade_view(card, typed, grade)
    st.markdown("**How well did you recall it?** (keys 1-4)")
    suggested = suggested_rating(grade.verdict) if grade else ""
    for column, rating in zip(st.columns(len(RATINGS)), RATINGS):
        if column.button(rating.capitalize(), key=f"rate_{rating}", width="stretch",
                         type="primary" if rating == suggested else "secondary"):
            _rate(deck, card, rating, grade)
            st.rerun()
    _card_tools(deck, card)


def _own_card(deck: Deck) -> None:
    with st.expander("Add your own card", icon=":material/add:"), st.form("own_card", clear_on_submit=True):
        question = st.text_input("Question")
        answer = st.text_area("Answer", height=100)
        if st.form_submit_button("Add card"):
            try:
                card = deck.add_card(question, answer)
            except StudygraphError as exc:
                components.show_error(exc)
            else:
                if QUEUE in st.session_state:
                    choice, ids = _queue()
                    st.session_state[QUEUE] = (choice, [*ids, card.id])
                st.session_state[FLASH] = "Card added; it is at the end of this session."
                st.rerun()


def _progress(deck: Deck) -> None:
    stats = deck.progress()
    queue = deck.counts(today(deck))
    st.caption(f"Today's queue (every due card and up to {NEW_PER_SESSION} new ones), as the quiz counts it")
    cols = st.columns(3)
    cols[0].metric("New", queue.new)
    cols[1].metric("Learning", queue.learning)
    cols[2].metric("Review", queue.review)
    deck_cols = st.columns(4)
    deck_cols[0].metric("Cards", stats.cards, help=f"{stats.new} never reviewed")
    deck_cols[1].metric("Reviewed", stats.reviewed_cards)
    deck_cols[2].metric("Retention", f"{stats.retention:.0%}" if stats.retention is not None else "-")
    deck_cols[3].metric("Mean score", f"{stats.mean_score:.2f}" if stats.mean_score is not None else "-")
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
    suspended = deck.suspended()
    if suspended:
        with st.expander(f"Suspended cards ({len(suspended)})"):
            for card in suspended:
                text, button = st.columns([4, 1], vertical_alignment="center")
                text.markdown(md(card.question))
                if button.button("Unsuspend", key=f"unsuspend_{card.id}"):
                    deck.suspend(card.id, on=False)
                    st.rerun()


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
        st.session_state[LOG] = []
        st.session_state.pop(GRADED, None)
    if FLASH in st.session_state:
        st.info(st.session_state.pop(FLASH))
    if choice is not None:
        _quiz(deck, st.session_state[QUEUE][1])
    _own_card(deck)
    st.iframe(KEYS_JS % json.dumps(KEYS), height=1)
with progress_tab:
    _progress(deck)
