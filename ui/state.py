"""The app's shared objects, built once per data directory through `st.cache_resource`,
and the session-state keys the pages hand to each other."""

from __future__ import annotations

import streamlit as st

from studygraph.assistant.chat_history import ChatLog
from studygraph.assistant.facade import Studygraph
from studygraph.assistant.library import NoteLibrary
from studygraph.assistant.study import Deck
from studygraph.assistant.types import Chunk
from studygraph.settings import Settings, load_settings

# Session-state keys shared between pages.
CONCEPT = "concept"  # the concept the graph page shows (set by chat chips, study, the graph itself)
ASK = "chat_pending"  # a question another page asks the chat page to answer
DRILL = "study_concept"  # a concept another page asks the study page to drill
MODE = "mode"
K = "k"
# Widget values that survive a visit to another page.
KEPT = (MODE, K, "use_llm", "graph_types", "graph_depth", "graph_cap", "study_scope", "study_all")
PAGES = {
    "chat": "views/chat.py",
    "graph": "views/graph.py",
    "notes": "views/notes.py",
    "study": "views/study.py",
}


@st.cache_resource(show_spinner=False)
def _assistant(settings: Settings) -> Studygraph:
    # Keyed by the settings, so tests (and a changed STUDYGRAPH_HOME) get their own facade.
    return Studygraph(settings)


def assistant() -> Studygraph:
    """The facade for the current settings; the model and index load lazily, once."""
    return _assistant(load_settings())


def deck() -> Deck:
    """The study deck, in step with the committed notes (synced by the facade)."""
    return assistant().deck()


def chat_log() -> ChatLog:
    """The saved conversations of the current data directory."""
    return ChatLog(assistant().settings.home)


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
