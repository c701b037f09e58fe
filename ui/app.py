"""Studygraph in the browser: `streamlit run ui/app.py` (or `make run`).

The entry page sets up navigation, indexes `seeds/` and the notes folder on
the first start (with a progress bar), shows the index status in the sidebar
and runs the chosen page. Pages only render and call `assistant/`.
"""

from __future__ import annotations

import streamlit as st

from studygraph.errors import StudygraphError
from studygraph.ui import components, state

st.set_option("client.toolbarMode", "viewer")  # no "Deploy" button: this app runs on the student's machine
st.set_page_config(page_title="Studygraph", page_icon=components.favicon(), layout="wide")

navigation = st.navigation(
    [
        st.Page(state.PAGES["chat"], title="Chat", icon=":material/chat:", default=True),
        st.Page(state.PAGES["graph"], title="Concept graph", icon=":material/hub:"),
        st.Page(state.PAGES["notes"], title="Notes", icon=":material/description:"),
        st.Page(state.PAGES["study"], title="Study", icon=":material/school:"),
    ]
)
state.keep(*state.KEPT)

try:
    assistant = state.assistant()
    if not assistant.notes():
        st.info("First start: indexing the seed notes and your notes folder. This takes a few seconds, once.")
        report = assistant.first_start(progress=components.ingest_progress("First start"))
        if report is not None:
            st.success(f"Indexed {len(report.added)} notes ({report.chunks} passages) in {report.seconds:.0f} s.")
    status = assistant.status()
except StudygraphError as exc:
    components.show_error(exc)
    st.stop()

with st.sidebar:
    st.caption(
        f"**Index**: {status.notes} notes · {status.chunks} passages · generation {status.generation}  \n"
        f"Data: {components.md(components.tilde(status.home))}"
    )
    st.page_link(state.PAGES["notes"], label=f"Notes in use ({status.notes})", icon=":material/description:")

navigation.run()
