"""Studygraph in the browser: `streamlit run ui/app.py` (or `make run`).

The entry page sets up navigation, indexes `seeds/` and the notes folder on
the first start (with a progress bar), shows the subject switcher and the index
status in the sidebar and runs the chosen page (in a new, empty subject: Notes,
where its first notes are added). Pages only render and call `assistant/`.
"""

from __future__ import annotations

import streamlit as st

from studygraph.errors import StudygraphError
from studygraph.ui import components, state, subjects

st.set_option("client.toolbarMode", "viewer")  # no "Deploy" button: this app runs on the student's machine
st.set_page_config(page_title="Studygraph", page_icon=components.favicon(), layout="wide")

pages = {
    "chat": st.Page(state.PAGES["chat"], title="Chat", icon=":material/chat:", default=True),
    "graph": st.Page(state.PAGES["graph"], title="Concept graph", icon=":material/hub:"),
    "notes": st.Page(state.PAGES["notes"], title="Notes", icon=":material/description:"),
    "study": st.Page(state.PAGES["study"], title="Study", icon=":material/school:"),
}
navigation = st.navigation(list(pages.values()))
state.keep(*state.KEPT)
link_problem = subjects.from_url()
with st.sidebar:
    subjects.switcher()
if link_problem:
    st.warning(components.md(link_problem))

try:
    assistant = state.assistant()
    empty = subjects.is_empty(assistant)  # a new subject: nothing to index until notes are added
    if not empty and not assistant.notes():
        st.info("First start: indexing the seed notes and your notes folder. This takes a few seconds, once.")
        report = assistant.first_start(progress=components.ingest_progress("First start"))
        if report is not None:
            st.success(f"Indexed {len(report.added)} notes ({report.chunks} passages) in {report.seconds:.0f} s.")
    status = None if empty else assistant.status()
except StudygraphError as exc:
    components.show_error(exc)
    st.stop()

with st.sidebar:
    if status is None:
        data = components.tilde(str(assistant.settings.data_dir))
        st.caption(f"**Index**: no notes yet  \nData: {components.md(data)}")
    else:
        st.caption(
            f"**Index**: {status.notes} notes · {status.chunks} passages · generation {status.generation}  \n"
            f"Data: {components.md(components.tilde(status.home))}"
        )
        st.page_link(state.PAGES["notes"], label=f"Notes in use ({status.notes})", icon=":material/description:")

if status is None and navigation.url_path != pages["notes"].url_path:
    # Only the Notes page can fill an empty subject.
    st.info(
        components.md(f"The subject {subjects.label(assistant.settings.subject)} has no notes yet: add some on the Notes page.")
    )
    st.page_link(pages["notes"], label="Add notes", icon=":material/description:")
    st.stop()

with assistant.turns.foreground():  # background work (the chat's welcome) waits while a page is drawn
    navigation.run()
