"""The empty chat: what the notes hold and questions they answer well (assistant/welcome.py).

The suggested questions are worked out once per index generation by asking candidates
(assistant/welcome.py): ~0.3 s on the seeds, 1.0-1.3 s on the 12 MB Python docs (3.3 s
before), and the first page after every ingest, chat box included, waited for them. A welcome
the data directory keeps is shown at once; otherwise it is worked out on a thread, the
page waits for it at most `WAIT` seconds (not at all while the index and graph are still
loading) and then shows the chat box with a note that polls (`POLL`) until the welcome is
ready. The welcome's thread waits whenever a page is being drawn or a question answered
(assistant/turns.py): running beside them, it had put a new student's first answer on 12 MB
1.53-1.72 s after the app's start (now 1.18-1.40 s, a returning student's 1.17-1.38 s).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as Pending

import streamlit as st

from studygraph.assistant.welcome import Overview, cached_overview, overview
from studygraph.errors import StudygraphError
from studygraph.ui.components import md

WAIT = 0.3  # seconds the page waits for a welcome being worked out (the seeds' takes ~0.3 s once loaded)
POLL = 0.5  # seconds between checks while it is worked out on a thread
READING = "Reading what your notes hold..."


@st.cache_resource(show_spinner=False)
def _jobs() -> tuple[ThreadPoolExecutor, dict[tuple[str, int], Future], threading.Lock]:
    """One worker for every session: the welcome of a data directory and generation is worked out once."""
    return ThreadPoolExecutor(max_workers=1, thread_name_prefix="studygraph-welcome"), {}, threading.Lock()


def _job(assistant) -> Future:
    executor, jobs, lock = _jobs()
    key = (str(assistant.settings.data_dir), assistant.manifest().generation)
    with lock:
        if key not in jobs:
            for old in [k for k, job in jobs.items() if k[0] == key[0] and job.done()]:
                del jobs[old]  # an older generation's welcome: kept in its file if it was ever needed
            jobs[key] = executor.submit(overview, assistant, pause=assistant.turns.wait)
        return jobs[key]


@st.fragment(run_every=POLL)
def _await(job: Future) -> None:
    """Shown while the welcome is worked out; the whole page runs again once it is ready."""
    if job.done():
        st.rerun()
    st.caption(READING)


def show_welcome(assistant, ask: Callable[[str, str], None]) -> None:
    """The welcome message; a suggested question's button asks it (`ask("question", text)`)."""
    with st.chat_message("assistant"):
        st.markdown("Ask me about your notes. Every answer quotes them and cites the exact lines.")
        try:
            summary = cached_overview(assistant)
            if summary is None:
                job = _job(assistant)
                try:  # a cold process loads the index and graph first: no wait can show the welcome
                    if assistant.in_memory():
                        with assistant.turns.aside():  # the page holds a turn (ui/app.py): let the welcome run meanwhile
                            summary = job.result(timeout=WAIT)
                    else:
                        summary = job.result(timeout=0)
                except Pending:
                    _await(job)
                    return
        except StudygraphError as exc:
            st.caption(md(f"No overview of the notes: {exc}"))
            return
        _show(summary, ask)


def _show(summary: Overview, ask: Callable[[str, str], None]) -> None:
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
