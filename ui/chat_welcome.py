"""The empty chat: what the notes hold and questions they answer well (assistant/welcome.py)."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from studygraph.assistant.welcome import overview
from studygraph.errors import StudygraphError
from studygraph.ui.components import md


def show_welcome(assistant, ask: Callable[[str, str], None]) -> None:
    """The welcome message; a suggested question's button asks it (`ask("question", text)`)."""
    with st.chat_message("assistant"):
        st.markdown("Ask me about your notes. Every answer quotes them and cites the exact lines.")
        try:
            with st.spinner("Reading what your notes hold..."):
                summary = overview(assistant)
        except StudygraphError as exc:
            st.caption(md(f"No overview of the notes: {exc}"))
            return
        topics = ", ".join(summary.main)
        st.markdown(md(f"Your notes: {summary.notes} notes, {summary.passages} passages, {summary.concepts} concepts"
                       + (f"; most connected: {topics}." if topics else ".")))
        if not summary.questions:
            return
        st.caption("Questions your notes answer well:")
        with st.container(horizontal=True, gap="small"):
            for i, question in enumerate(summary.questions):
                st.button(md(question), key=f"suggested_{i}", icon=":material/help:",
                          on_click=ask, args=("question", question))
