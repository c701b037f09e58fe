"""Notes: what is indexed, read a note, add one (paste or upload) and delete one, each
change followed by an incremental re-ingest with a progress bar.

The sections are a segmented control kept in session state, not `st.tabs`: tabs go back
to the first one on every rerun, so a save, an upload or a delete's confirmation would
land the student on "Paste a note" again.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from studygraph.assistant.library import NoteInfo, NoteLibrary, Saved, readable_size
from studygraph.assistant.types import Step
from studygraph.errors import StudygraphError
from studygraph.settings import SUFFIXES
from studygraph.ui import components, note_viewer, state
from studygraph.ui.components import md

CONFIRM = "notes_confirm_delete"
UPLOADS = "notes_upload_round"  # bumped after an upload so the uploader starts empty
PASTES = "notes_paste_round"  # bumped after a save so the form starts empty
FLASH = "notes_flash"  # a message to show after the rerun that follows a change
SECTION = "notes_section"
LAST_SECTION = "notes_last_section"
SECTIONS = {
    "paste": ":material/edit_note: Paste a note",
    "upload": ":material/upload_file: Upload files",
    "delete": ":material/delete: Delete a note",
    "read": ":material/menu_book: Read a note",
}


def _progress(text: str) -> Callable[[Step], None]:
    """A progress callback whose bar appears with the first ingest step: a save refused before
    any ingest (empty, bad name) shows its message and no bar."""
    bar: Callable[[Step], None] | None = None

    def update(step: Step) -> None:
        nonlocal bar
        if bar is None:
            bar = components.ingest_progress(text)
        bar(step)

    return update


def _keep_section() -> None:
    """Clicking the chosen section again would leave none chosen: keep the one the user is in."""
    if st.session_state.get(SECTION) is None:
        st.session_state[SECTION] = st.session_state.get(LAST_SECTION, "paste")
    st.session_state[LAST_SECTION] = st.session_state[SECTION]


def _table(notes: list[NoteInfo]) -> None:
    rows = [
        {
            "Title": n.title,
            "File": n.name,
            "Where": "notes folder" if n.removable else components.display_path(n.path).rsplit("/", 1)[0],
            "Size": readable_size(n.size),
            "Passages": n.chunks,
            "Last ingest": components.ago(n.ingested_at),
        }
        for n in notes
    ]
    st.dataframe(rows, hide_index=True, width="stretch")


def _report(saved: Saved) -> None:
    """Keep the outcome for the rerun that shows the updated list."""
    messages = [("error", str(error)) for error in saved.refused]
    if saved.paths and saved.report is not None:
        names = ", ".join(p.name for p in saved.paths)
        messages.append(("success", f"Added {names}: {saved.report.embedded} new passage(s) embedded; "
                                    "searchable and in the concept graph now."))
    st.session_state[FLASH] = messages


def _flash() -> None:
    for kind, text in st.session_state.pop(FLASH, []):
        (st.error if kind == "error" else st.success)(md(text))


def _paste(library: NoteLibrary) -> None:
    round_ = st.session_state.setdefault(PASTES, 0)
    with st.form("paste_note"):
        title = st.text_input("Title", placeholder="e.g. Lecture 3 - attention", key=f"paste_title_{round_}")
        body = st.text_area("Text", height=220, placeholder="Paste your note (Markdown or plain text)",
                            key=f"paste_body_{round_}")
        replace = st.checkbox("Replace a note with the same title", key=f"paste_replace_{round_}")
        submitted = st.form_submit_button("Save and index", type="primary")
    if submitted:
        try:
            saved = library.add_text(title, body, _progress("Indexing"), replace=replace)
        except StudygraphError as exc:
            components.show_error(exc)  # the form keeps what was typed
        else:
            _report(saved)
            st.session_state[PASTES] = round_ + 1
            st.rerun()


def _upload(library: NoteLibrary) -> None:
    round_ = st.session_state.setdefault(UPLOADS, 0)
    files = st.file_uploader(f"Note files ({', '.join(SUFFIXES)})", type=[s.lstrip(".") for s in SUFFIXES],
                             accept_multiple_files=True, key=f"uploader_{round_}")
    replace = st.checkbox("Replace notes with the same file name", key="upload_replace")
    if st.button("Add files", type="primary", disabled=not files):
        try:
            saved = library.add_files([(f.name, f.getvalue()) for f in files], _progress("Indexing"), replace=replace)
        except StudygraphError as exc:
            components.show_error(exc)
            return
        _report(saved)
        if saved.paths:
            st.session_state[UPLOADS] = round_ + 1
        st.rerun()


def _delete(library: NoteLibrary, notes: list[NoteInfo]) -> None:
    removable = {n.path: n for n in notes if n.removable}
    if not removable:
        st.caption("Notes you add here can be deleted here. Seed notes and other folders are read-only in the app.")
        return
    path = st.selectbox("Note", list(removable), format_func=lambda p: f"{removable[p].title} ({removable[p].name})")
    if st.button("Delete..."):
        st.session_state[CONFIRM] = path
    pending = st.session_state.get(CONFIRM)
    if pending not in removable:
        return
    st.warning(md(f"Delete {removable[pending].name} from your notes folder? Its passages and the concepts only it "
                  "mentions leave the index. This cannot be undone."))
    yes, no = st.columns(2)
    if yes.button("Yes, delete it", type="primary", width="stretch"):
        st.session_state.pop(CONFIRM, None)
        try:
            library.delete(pending, _progress("Removing"))
        except StudygraphError as exc:
            components.show_error(exc)
            return
        st.session_state[FLASH] = [("success", f"Deleted {removable[pending].name}.")]
        st.rerun()
    if no.button("Cancel", width="stretch"):
        st.session_state.pop(CONFIRM, None)
        st.rerun()


library = state.library()
st.title(":material/description: Notes")
st.caption(md(f"Notes you add are saved in {library.folder} and indexed right away. "
              f"Up to {readable_size(library.assistant.settings.max_note_bytes)} each; text in UTF-8 or another "
              "encoding (detected and named)."))
_flash()
notes = library.notes()
_table(notes)

st.session_state.setdefault(SECTION, "paste")
if note_viewer.requested(notes):
    st.session_state[SECTION] = "read"
st.session_state[LAST_SECTION] = st.session_state[SECTION]
section = st.segmented_control("Section", list(SECTIONS), format_func=SECTIONS.__getitem__, key=SECTION,
                               on_change=_keep_section, label_visibility="collapsed")
if section == "paste":
    _paste(library)
elif section == "upload":
    _upload(library)
elif section == "delete":
    _delete(library, notes)
else:
    note_viewer.show(library, notes)
