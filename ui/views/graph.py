"""Concept graph: an interactive graph (Cytoscape.js shipped inside st-cytoscape,
nothing from a CDN), coloured and filtered by type, with a concept card for
the chosen node: definition, neighbours by relation with evidence, passages."""

from __future__ import annotations

import streamlit as st
from st_cytoscape import cytoscape

from studygraph.assistant.types import ConceptCard, ConceptGraph, Evidence
from studygraph.ui import components, graph_view, state
from studygraph.ui.components import md

SEARCH = "graph_search"
TYPES = "graph_types"
DEPTH = "graph_depth"
CAP = "graph_cap"
COLOUR_BY = "graph_colour_by"
MAX_PASSAGES = 40


def _open(key: str) -> None:
    """Widget callback: show the concept the widget holds."""
    if st.session_state.get(key):
        st.session_state[state.CONCEPT] = st.session_state[key]
    if key != SEARCH:
        st.session_state[key] = None


def _controls(graph: ConceptGraph, current: str | None) -> tuple[list[str], int, int]:
    names = sorted({c.name for c in graph.concepts.values()}, key=str.lower)
    present = [t for t in components.TYPE_COLOURS if any(c.type == t for c in graph.concepts.values())]
    st.session_state[SEARCH] = current if current in names else None
    st.session_state.setdefault(TYPES, present)
    st.session_state.setdefault(DEPTH, 2)
    st.session_state.setdefault(CAP, 60)
    search, depth, cap = st.columns([4, 1.3, 2.5])
    search.selectbox("Find a concept", names, key=SEARCH, index=None, placeholder="Type a concept name",
                     on_change=_open, args=(SEARCH,))
    depth.radio("Depth", [1, 2], key=DEPTH, horizontal=True, help="How far from the chosen concept")
    cap.slider("Max nodes", 10, 200, key=CAP, step=10, help="Nearest (then best-connected) concepts first")
    st.pills("Types", present, selection_mode="multi", key=TYPES, help="Only concepts of these types are drawn")
    return list(st.session_state[TYPES] or ()), st.session_state[DEPTH], st.session_state[CAP]


def _draw(graph: ConceptGraph, view: graph_view.View, by_topic: bool = False) -> str | None:
    """The graph; returns the id of a node the user clicked, if it is not the centre."""
    items = graph_view.elements(graph, view, components.TYPE_COLOURS, by_topic)
    key = f"cy_{abs(hash((view.ids, view.centre, by_topic))) % 10**12}"
    clicked = cytoscape(items, graph_view.stylesheet(), height="560px", key=key, selection_type="single",
                        layout={"name": "fcose", "animate": False, "nodeRepulsion": 9000, "idealEdgeLength": 70,
                                "randomize": True})
    chosen = (clicked or {}).get("nodes") or []
    return chosen[0] if chosen and chosen[0] != view.centre else None


def _evidence(e: Evidence, titles: dict[str, str], context: bool = False) -> None:
    """The evidence lines (marked), alone or within their whole passage."""
    st.caption(md(f"{titles.get(e.source, '')} · {components.where(e.source, e.start_line, e.end_line)}"))
    components.show_passage(state.chunk(e.chunk_id), e.start_line, e.end_line, e.quote, only_marked=not context)


def _card(card: ConceptCard, titles: dict[str, str]) -> None:
    concept = card.concept
    st.subheader(md(concept.name))
    st.caption(md(concept.type + (" · found in your notes" if concept.origin == "notes" else "")
                  + (" · also: " + ", ".join(concept.aliases) if concept.aliases else "")))
    ask, drill = st.columns(2)
    if ask.button("Ask about it", icon=":material/chat:", width="stretch"):
        st.session_state[state.ASK] = f"What is {concept.name}?"
        st.switch_page(state.PAGES["chat"])
    if drill.button("Drill me on it", icon=":material/school:", width="stretch"):
        st.session_state[state.DRILL] = concept.name
        st.switch_page(state.PAGES["study"])

    st.markdown("**Definition**")
    if card.definition:
        _evidence(card.definition, titles, context=True)
    else:
        st.caption("Your notes name it but do not define it.")

    st.markdown(f"**Neighbours** ({sum(len(v) for v in card.neighbours.values())})")
    if not card.neighbours:
        st.caption("No relations to other concepts yet.")
    for n, (relation, neighbours) in enumerate(card.neighbours.items()):
        key = f"neighbour_{n}"
        st.pills(md(relation), [nb.name for nb in neighbours], key=key, on_change=_open, args=(key,),
                 wrap=True)
        with st.expander(f"Evidence: {relation} ({len(neighbours)})"):
            for nb in neighbours:
                st.markdown(md(f"{concept.name} — {relation} — {nb.name}"))
                for e in nb.evidence[:2]:
                    _evidence(e, titles)

    with st.expander(f"Passages that mention it ({len(card.passages)})", expanded=not card.neighbours):
        for e in card.passages[:MAX_PASSAGES]:
            _evidence(e, titles)
        if len(card.passages) > MAX_PASSAGES:
            st.caption(f"... and {len(card.passages) - MAX_PASSAGES} more.")


assistant = state.assistant()
graph = assistant.graph()
st.title(":material/hub: Concept graph")
summary = graph.summary()
st.caption(f"{summary['concepts']} concepts and {summary['relations']} relations from your notes. "
           "Click a node or find a concept to open its card; pan and zoom with the mouse.")

wanted = st.session_state.get(state.CONCEPT)
concept = graph.concept(wanted) if wanted else None
if wanted and concept is None:
    close = graph.suggest(wanted)
    hint = f"; did you mean {', '.join(close)}?" if close else "."
    st.warning(md(f"No concept named {wanted!r} in your notes{hint}"))
types, depth, cap = _controls(graph, concept.name if concept else None)
by_topic = st.radio("Colour by", ["type", "topic"], key=COLOUR_BY, horizontal=True,
                    help="Topics are groups of concepts your notes link closely (communities of the graph)") == "topic"

if concept:
    view = graph_view.ego(graph, concept.id, depth, types, cap)
    note = f"{concept.name} and its neighbours up to depth {depth}"
else:
    view = graph_view.overview(graph, types, cap)
    note = "the best-connected concepts of each topic; choose one for its neighbourhood"
if by_topic:
    names, colours = graph_view.topic_names(graph, view.ids), graph_view.topic_colours(graph, view.ids)
    st.html(components.swatches_html([(colours[t], f"around {names[t]}") for t in colours if colours[t] != graph_view.FALLBACK_COLOUR]))
else:
    st.html(components.legend_html([t for t in components.TYPE_COLOURS if t in types]))
shown = f"Showing {len(view.ids)} of {view.total}: " if view.capped else f"Showing {len(view.ids)}: "
left, right = st.columns([3, 2], gap="medium")
with left:
    said, whole = st.columns([3, 2], vertical_alignment="center")
    said.caption(md(shown + note))
    if concept and whole.button("Whole graph", icon=":material/zoom_out_map:"):
        st.session_state[state.CONCEPT] = None
        st.rerun()
    if view.ids:
        clicked = _draw(graph, view, by_topic)
        if clicked:
            st.session_state[state.CONCEPT] = graph.concepts[clicked].name
            st.rerun()
    else:
        st.info("No concept of the chosen types.")
with right:
    card = graph.card(concept.id) if concept else None
    if card is not None:
        _card(card, state.titles())
    else:
        st.info("Click a node, or find a concept above, to see its definition, neighbours and passages.")
