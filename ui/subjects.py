"""The sidebar's subject switcher: one of the data directory's subjects, or a new one.

Each subject keeps its own facade (`state.assistant`), so going back to a subject opened
before reloads nothing. On a switch, what the pages keep about the subject they showed
(the open chat, the study queue, the chosen concept or note, the note in the URL) is
dropped; the retrieval settings stay.
"""

from __future__ import annotations

import streamlit as st

from studygraph.assistant import subjects
from studygraph.assistant.facade import Studygraph
from studygraph.errors import StudygraphError
from studygraph.settings import DEFAULT_SUBJECT
from studygraph.ui import components, state

CHOICE = "subject_choice"
NEW = "subject_new"
CREATING = "subject_creating"  # the "New subject" dialog is open (kept across full reruns until dismissed)
KEEP = {state.SUBJECT, CHOICE, state.MODE, state.K, "use_llm", "graph_depth", "graph_cap", "graph_colour_by"}


def label(name: str) -> str:
    return name or DEFAULT_SUBJECT


def _switch_to(name: str) -> None:
    for key in list(st.session_state):
        if key not in KEEP:
            del st.session_state[key]
    st.query_params.clear()
    st.session_state[state.SUBJECT] = name


def _chosen() -> None:
    _switch_to(st.session_state[CHOICE])


def _open_dialog() -> None:
    st.session_state[CREATING] = True


def _close_dialog() -> None:
    st.session_state.pop(CREATING, None)


@st.dialog("New subject", on_dismiss=_close_dialog)
def _new_subject() -> None:
    """Name a new subject; it opens at once, empty, on the Notes page's paste and upload."""
    st.text_input("Name", key=NEW, max_chars=40, placeholder="e.g. bio-101", help="Letters, digits, - and _ (up to 40)")
    if st.button("Create", type="primary"):
        try:
            made = subjects.create(state.settings(), st.session_state.get(NEW, ""))
        except StudygraphError as exc:
            components.show_error(exc)  # the dialog stays open with the name as typed
            return
        _switch_to(made.subject)  # closes the dialog too
        st.rerun()


def switcher() -> None:
    """The subject selectbox and "New subject" (call inside `st.sidebar`)."""
    current = state.settings()
    st.session_state[CHOICE] = current.subject
    st.selectbox(
        "Subject",
        subjects.names(current),
        key=CHOICE,
        format_func=label,
        on_change=_chosen,
        help="Each subject has its own notes, index, concept graph, flashcards and chats.",
    )
    st.button("New subject", icon=":material/add:", width="stretch", on_click=_open_dialog)
    if st.session_state.get(CREATING):
        _new_subject()


def is_empty(sg: Studygraph) -> bool:
    """A subject other than the default with nothing indexed and nothing in its notes folder yet."""
    folder = sg.settings.notes
    return bool(sg.settings.subject) and not sg.notes() and not (folder.is_dir() and any(folder.iterdir()))
