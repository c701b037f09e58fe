"""The app's shared objects, built once per data directory and subject through
`st.cache_resource`, and the session-state keys the pages hand to each other."""

from __future__ import annotations

import logging
import threading
from dataclasses import replace

import streamlit as st

from studygraph.assistant.chat_history import ChatLog
from studygraph.assistant.facade import Studygraph
from studygraph.assistant.library import NoteLibrary
from studygraph.assistant.study import Deck
from studygraph.assistant.types import Chunk
from studygraph.settings import Settings, load_settings

logger = logging.getLogger(__name__)

# Session-state keys shared between pages.
CONCEPT = "concept"  # the concept the graph page shows (set by chat chips, study, the graph itself)
ASK = "chat_pending"  # a question another page asks the chat page to answer
DRILL = "study_concept"  # a concept another page asks the study page to drill
MODE = "mode"
K = "k"
SUBJECT = "subject"  # the subject this browser session works on ("" = the default); unset: the settings'
# Widget values that survive a visit to another page.
KEPT = (MODE, K, "use_llm", "chat_tag", "graph_types", "graph_depth", "graph_cap", "study_scope", "study_all")
PAGES = {
    "chat": "views/chat.py",
    "graph": "views/graph.py",
    "notes": "views/notes.py",
    "study": "views/study.py",
}


@st.cache_resource(show_spinner=False)
def _assistant(settings: Settings) -> Studygraph:
    # Keyed by the settings, so tests (and a changed STUDYGRAPH_HOME) get their own facade, and
    # each subject keeps its own: switching back to one already opened reloads nothing.
    sg = Studygraph(settings)
    if settings.subject:  # one model in memory however many subjects are open
        sg.embedder = _assistant(replace(settings, subject="")).embedder
    return sg


@st.cache_resource(show_spinner=False)
def _loading(settings: Settings) -> bool:
    """Load the model, the index and the concept graph of the subject in use on threads while the
    first page renders, so the first question does not wait for them (a student reads the page
    before asking). Once per subject; a subject's facade only borrows the default's model."""
    sg = _assistant(settings)
    sg.embedder.load_in_background()

    def load() -> None:
        try:
            sg.index()
            sg.graph()
        except Exception:  # no index yet, a damaged one: the page that needs it says so
            logger.debug("background load of the index and graph failed", exc_info=True)

    threading.Thread(target=load, name="studygraph-index-load", daemon=True).start()
    return True


def settings() -> Settings:
    """The settings (STUDYGRAPH_*, the config file) with the subject chosen in this session."""
    base = load_settings()
    chosen = st.session_state.get(SUBJECT)
    return base if chosen is None or chosen == base.subject else replace(base, subject=chosen)


def assistant() -> Studygraph:
    """The facade for the current settings and subject; the model and index load once, in the background."""
    chosen = settings()
    _loading(chosen)
    return _assistant(chosen)


def deck() -> Deck:
    """The study deck, in step with the committed notes (synced by the facade)."""
    return assistant().deck()


def chat_log() -> ChatLog:
    """The saved conversations of the current subject."""
    return ChatLog(assistant().settings.data_dir)


def library() -> NoteLibrary:
    return NoteLibrary(assistant())


def chunk(chunk_id: str) -> Chunk | None:
    """A chunk of the current index by id (None once its note changed)."""
    index = assistant().index()
    position = index.position(chunk_id)
    return None if position is None else index.chunks[position]


def titles() -> dict[str, str]:
    """Note path -> title, for labels."""
    return {r.path: r.title for r in assistant().notes()}


def keep(*keys: str) -> None:
    """Keep widget values across pages (Streamlit drops state of widgets a page does not draw)."""
    for key in keys:
        if key in st.session_state:
            st.session_state[key] = st.session_state[key]
