"""The chat's tag filter: answer only from the notes carrying one #tag (assistant/tags.py).

The sidebar offers it only when the notes have tags, each tag with how many notes
carry it; `#ml` also keeps notes tagged `#ml/vision`, as `studygraph ask --tag ml`
does. The tag an answer was read with is saved with it (`Message.tag`,
assistant/chat_history.py), so "Answering from notes tagged #ml" stays above that
answer on later runs, after a page reload and in a reopened chat, not only in the
browser session that asked.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st

from studygraph.assistant.chat_history import Message
from studygraph.errors import StudygraphError
from studygraph.ui.components import md

TAG = "chat_tag"  # the chosen tag (the selectbox); None: all notes


def _label(counts: dict[str, int], tag: str) -> str:
    n = counts.get(tag, 0)
    return f"#{tag} ({n} note{'' if n == 1 else 's'})"


def tag_filter(assistant) -> str | None:
    """The "Filter by tag" box (call inside `st.sidebar`); the chosen tag, or None."""
    try:
        counts = assistant.tags()
    except StudygraphError:  # no index yet: the page says so elsewhere
        counts = {}
    if st.session_state.get(TAG) not in counts:  # the tag's notes were deleted, or another subject
        st.session_state[TAG] = None
    if not counts:
        return None
    st.selectbox("Filter by tag", list(counts), key=TAG, index=None, placeholder="All notes",
                 format_func=lambda t: _label(counts, t),
                 help="Answer only from notes with this tag (#ml also keeps notes tagged #ml/vision)")
    return st.session_state.get(TAG)


def _caption(tag: str) -> None:
    st.caption(md(f"Answering from notes tagged #{tag}"), help="Clear Filter by tag in the sidebar to read every note")


@contextmanager
def answering(tag: str | None) -> Iterator[None]:
    """The filter line while the answer is read and streams in; the finished answer shows its own."""
    line = st.empty()
    if tag:
        with line:
            _caption(tag)
    try:
        yield
    finally:
        line.empty()


def show_filter(message: Message) -> None:
    """The line above an answer read with a tag filter (nothing for other messages); the
    message's own tag, not the sidebar's, which may have changed since it was asked."""
    if message.tag:
        _caption(message.tag)
