"""The concept card under the graph: definition, neighbours by relation with evidence, and
the passages that name the concept, each under its note title and heading path with the
lines around the mention (one bare line told a student nothing of where it stood)."""

from __future__ import annotations

import streamlit as st

from studygraph.assistant.types import ConceptCard, Evidence, split_lines
from studygraph.ui import components, state
from studygraph.ui.components import md, numbered
from studygraph.ui.note_viewer import LINE_PARAM, VIEW_NOTE

MAX_PASSAGES = 40
AROUND = 1  # lines of the passage shown either side of a mention


def open_concept(key: str) -> None:
    """Widget callback: show the concept the widget holds."""
    if st.session_state.get(key):
        st.session_state[state.CONCEPT] = st.session_state[key]
    if key != "graph_search":
        st.session_state[key] = None


def evidence(e: Evidence, titles: dict[str, str], context: bool = False) -> None:
    """The evidence lines (marked) under their note and heading, with AROUND lines of context,
    or within their whole passage (`context`)."""
    chunk = state.chunk(e.chunk_id)
    title = titles.get(e.source, "")
    heading = components.heading_path(chunk.heading, title) if chunk else ""
    st.caption(md(" › ".join(p for p in (title, heading) if p) + f" · {components.where(e.source, e.start_line, e.end_line)}"))
    if chunk is None or context:
        components.show_passage(chunk, e.start_line, e.end_line, e.quote)
        return
    lines = split_lines(chunk.text)
    first = max(chunk.start_line, e.start_line - AROUND)
    last = min(chunk.start_line + len(lines) - 1, e.end_line + AROUND)
    shown = lines[first - chunk.start_line:last - chunk.start_line + 1]
    st.code(numbered(shown, first, (e.start_line, e.end_line)), language=None, wrap_lines=True)


def card(card: ConceptCard, titles: dict[str, str]) -> None:
    concept = card.concept
    st.subheader(md(concept.name))
    st.caption(md(concept.type + (" · found in your notes" if concept.discovered else "")
                  + (" · also: " + ", ".join(concept.aliases) if concept.aliases else "")))
    ask, drill, _ = st.columns([1, 1, 2])
    if ask.button("Ask about it", icon=":material/chat:", width="stretch"):
        st.session_state[state.ASK] = f"What is {concept.name}?"
        st.switch_page(state.PAGES["chat"])
    if drill.button("Drill me on it", icon=":material/school:", width="stretch"):
        st.session_state[state.DRILL] = concept.name
        st.switch_page(state.PAGES["study"])

    left, right = st.columns(2, gap="large")
    with left:
        st.markdown("**Definition**")
        if card.definition:
            evidence(card.definition, titles, context=True)
        else:
            st.caption("Your notes name it but do not define it.")
        st.markdown(f"**Neighbours** ({sum(len(v) for v in card.neighbours.values())})")
        if not card.neighbours:
            st.caption("No relations to other concepts yet.")
        for n, (relation, neighbours) in enumerate(card.neighbours.items()):
            key = f"neighbour_{n}"
            st.pills(md(relation), [nb.name for nb in neighbours], key=key, on_change=open_concept, args=(key,),
                     wrap=True)
            with st.expander(f"Evidence: {relation} ({len(neighbours)})"):
                for nb in neighbours:
                    st.markdown(md(f"{concept.name} — {relation} — {nb.name}"))
                    for e in nb.evidence[:2]:
                        evidence(e, titles)
    with right, st.expander(f"Passages that mention it ({len(card.passages)})", expanded=True):
        for e in card.passages[:MAX_PASSAGES]:
            evidence(e, titles)
            st.page_link(state.PAGES["notes"], label=f"Open the note at line {e.start_line}",
                         icon=":material/menu_book:", query_params={VIEW_NOTE: e.source, LINE_PARAM: str(e.start_line)})
        if len(card.passages) > MAX_PASSAGES:
            st.caption(f"... and {len(card.passages) - MAX_PASSAGES} more.")
