"""The sidebar's subject switcher: one of the data directory's subjects, or a new one.

Each subject keeps its own facade (`state.assistant`), so going back to a subject opened
before reloads nothing. On a switch, what the pages keep about the subject they showed
(the open chat, the study queue, the chosen concept or note, the note in the URL) is
dropped; the retrieval settings stay.

The chosen subject is also kept in the URL (`?subject=bio`; none for the settings' own
subject), so a reload or a shared link opens the same one. A link to a subject that is
not here, or to a name no subject can have, says so and stays on the subject shown (on a
fresh load, the settings' one).
"""

from __future__ import annotations

import streamlit as st

from studygraph.assistant import subjects
from studygraph.assistant.facade import Studygraph
from studygraph.errors import StudygraphError
from studygraph.settings import DEFAULT_SUBJECT, check_subject, load_settings
from studygraph.ui import components, state

CHOICE = "subject_choice"
NEW = "subject_new"
CREATING = "subject_creating"  # the "New subject" dialog is open (kept across full reruns until dismissed)
PARAM = "subject"  # the query parameter that names the subject
LINKED = "subject_linked"  # the ?subject= value this session last followed or wrote
KEEP = {state.SUBJECT, CHOICE, LINKED, state.MODE, state.K, "use_llm", "graph_depth", "graph_cap", "graph_colour_by"}


def label(name: str) -> str:
    return name or DEFAULT_SUBJECT


def _shown(name: str) -> str:
    return f"subject {name}" if name else "the default subject"


def _switch_to(name: str, keep_query: bool = False) -> None:
    for key in list(st.session_state):
        if key not in KEEP:
            del st.session_state[key]
    if not keep_query:
        st.query_params.clear()
    st.session_state[state.SUBJECT] = name


def from_url() -> str | None:
    """Open the subject `?subject=` names when this session has not followed that value yet
    (a reload, a shared link, the browser's back button).

    Returns:
        Why the subject could not be opened, for the page to show; None when it was.
    """
    wanted = st.query_params.get(PARAM)
    if wanted is None or wanted == st.session_state.get(LINKED):
        return None
    st.session_state[LINKED] = wanted
    current = state.settings()
    try:
        name = check_subject(wanted)
    except StudygraphError as exc:
        return f"The link asks for subject {wanted!r}, which no subject can be called ({exc}); showing {_shown(current.subject)} instead."
    known = subjects.names(current)
    if name not in known and name != load_settings().subject:
        listed = ", ".join(label(n) for n in known)
        return f"The link asks for subject {wanted!r}, which is not here (subjects: {listed}); showing {_shown(current.subject)} instead."
    if name != current.subject:
        _switch_to(name, keep_query=True)  # a shared link to a note (`view_note=`) still opens it
    return None


def _to_url(current: str) -> None:
    """Write the subject shown into the URL (the settings' own subject needs none)."""
    wanted = label(current) if current != load_settings().subject else None
    if st.query_params.get(PARAM) != wanted:
        if wanted is None:
            del st.query_params[PARAM]
        else:
            st.query_params[PARAM] = wanted
    st.session_state[LINKED] = wanted


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
    _to_url(current.subject)  # also after a page change, which drops the query
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
