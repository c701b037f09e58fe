"""The note viewer of the notes page: a note's lines with their numbers, its passages,
and a jump to one line (the cited one).

Other pages open it in one of two ways, both on the notes page:

- the URL `notes?view_note=<source>&line=<n>` (a link that survives a reload), or
- `st.session_state["view_note"] = source` (and `"view_line"`) then `st.switch_page`.

`<source>` is a note's path as citations carry it (absolute, or as shown: `seeds/003.txt`).
Note text is shown with `st.code` (plain text), never as markdown or HTML.
"""

from __future__ import annotations

import streamlit as st

from studygraph.assistant.library import NoteInfo, NoteLibrary
from studygraph.assistant.note_text import NoteText, find_path
from studygraph.errors import StudygraphError
from studygraph.ui import components
from studygraph.ui.components import md, numbered

VIEW_NOTE = "view_note"  # query parameter and session-state key other pages set to open a note
VIEW_LINE = "view_line"  # session-state key of the line to jump to (the query parameter is `line`)
LINE_PARAM = "line"
READING = "notes_reading"  # the note the viewer shows (its selectbox)
LINE = "notes_line"  # the line it marks (its number input)
PASSAGES = "notes_passages"  # the passages table (row selection jumps to a passage)
STARTS = "notes_passage_starts"  # the first line of each row of that table, for its callback
APPLIED = "notes_applied_link"  # the view_note/line query last applied, so a rerun does not re-apply it
CONTEXT = 12  # lines shown either side of the marked line's passage when the passage is long


def requested(notes: list[NoteInfo]) -> bool:
    """Take a request to open a note (query parameters or session state); True when there was one."""
    params = st.query_params
    link = (params.get(VIEW_NOTE, ""), params.get(LINE_PARAM, ""))
    wanted, line = None, None
    if link[0] and st.session_state.get(APPLIED) != link:
        st.session_state[APPLIED] = link
        wanted, line = link
    if st.session_state.get(VIEW_NOTE):
        wanted, line = st.session_state.pop(VIEW_NOTE), st.session_state.pop(VIEW_LINE, None)
    if wanted is None:
        return False
    path = find_path([n.path for n in notes], str(wanted))
    if path is None:
        st.session_state[READING] = None
        st.warning(md(f"No indexed note named {wanted!r}; choose one below."))
        return True
    st.session_state[READING] = path
    st.session_state[LINE] = _number(line)
    return True


def show(library: NoteLibrary, notes: list[NoteInfo]) -> None:
    """The viewer: pick a note, see its lines (the chosen one marked) and its passages."""
    by_path = {n.path: n for n in notes}
    if st.session_state.get(READING) not in by_path:
        st.session_state[READING] = None
    st.selectbox("Note", list(by_path), key=READING, index=None, placeholder="Choose a note to read",
                 format_func=lambda p: f"{by_path[p].title} ({by_path[p].name})", on_change=_forget_line)
    path = st.session_state.get(READING)
    if not path:
        return
    try:
        note = library.read(path)
    except StudygraphError as exc:
        components.show_error(exc)
        return
    if note.caveat:
        st.warning(md(note.caveat))
    if (st.session_state.get(LINE) or 0) > len(note.lines):
        st.warning(f"Line {st.session_state[LINE]} is past the end of this note ({len(note.lines)} lines).")
        st.session_state[LINE] = None
    text, passages = st.columns([3, 2], gap="medium")
    with passages:
        _passages(note)
    with text:
        st.number_input("Go to line", min_value=1, max_value=max(len(note.lines), 1), value=None, step=1, key=LINE,
                        placeholder=f"1-{len(note.lines)}", help="The line a citation points to is marked ▶")
        line = st.session_state.get(LINE)
        if line:
            _around(note, int(line))
        with st.expander(f"The whole note ({len(note.lines)} lines)", expanded=not line):
            st.code(numbered(note.lines, 1, marked=int(line) if line else 0), language=None, height=520)


def _around(note: NoteText, line: int) -> None:
    """The marked line in its passage, under the passage's heading."""
    chunk = note.passage_at(line)
    start, end = (chunk.start_line, chunk.end_line) if chunk else (line, line)
    if end - start > 2 * CONTEXT:
        start, end = max(start, line - CONTEXT), min(end, line + CONTEXT)
    heading = components.heading_path(chunk.heading, note.title) if chunk else ""
    st.markdown(md(f"Line {line}" + (f" · {heading}" if heading else "")))
    if line > len(note.lines):
        st.caption(f"The note has {len(note.lines)} lines.")
        return
    st.code(numbered(note.lines[start - 1:end], start, marked=line), language=None, wrap_lines=True)


def _passages(note: NoteText) -> None:
    st.markdown(f"**Passages** ({len(note.passages)})")
    if not note.passages:
        st.caption("No passage of this note is in the index.")
        return
    rows = [{"Lines": c.numbers(), "Heading": components.heading_path(c.heading, note.title) or "-",
             "Starts with": c.text.strip().split("\n", 1)[0][:80]} for c in note.passages]
    st.dataframe(rows, hide_index=True, width="stretch", height=520, key=PASSAGES, on_select=_jump,
                 selection_mode="single-row")
    st.session_state[STARTS] = [c.start_line for c in note.passages]


def _jump() -> None:
    """Dataframe callback: a chosen passage moves the marked line to its first line."""
    rows = st.session_state[PASSAGES].selection.rows
    starts = st.session_state.get(STARTS, [])
    if rows and rows[0] < len(starts):
        st.session_state[LINE] = starts[rows[0]]


def _forget_line() -> None:
    st.session_state[LINE] = None


def _number(value: object) -> int | None:
    try:
        number = int(str(value))
    except ValueError:
        return None
    return number if number >= 1 else None
