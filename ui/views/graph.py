"""Concept graph: an interactive graph (Cytoscape.js shipped inside st-cytoscape, nothing
from a CDN) across the page's width, coloured and filtered by type, with the concept card
for the chosen node under it.

The layout is computed in Python (`graph_layout`), seeded and cached per graph generation
and view, and handed to Cytoscape as preset positions: the same view looks the same after
any rerun. The mouse wheel scrolls the page (Cytoscape's wheel zoom swallowed it and ran
the zoom to 0.000 in five notches), so the zoom is the buttons': "Zoom in" and "Zoom out"
redraw the view at the next level between MIN_ZOOM (labels never under 11 px) and MAX_ZOOM,
about the chosen concept, and "Fit" brings the whole view back after panning or zooming.
"""

from __future__ import annotations

import streamlit as st
from st_cytoscape import cytoscape
from streamlit.delta_generator import DeltaGenerator

from studygraph.assistant.types import ConceptGraph
from studygraph.ui import components, graph_card, graph_layout, graph_style, graph_view, state
from studygraph.ui.components import md

SEARCH = "graph_search"
TYPES = "graph_types"
DEPTH = "graph_depth"
CAP = "graph_cap"
COLOUR_BY = "graph_colour_by"
FIT = "graph_fit_round"  # bumped by "Fit": a new layout argument makes the component fit again
ZOOM = "graph_zoom"  # the zoom level the buttons chose; None: the fitted view
# Streamlit paints a chosen pill's text in the primary colour: 3.6:1 on the dark theme's
# background, under WCAG's 4.5. The type pills are the legend, so their text keeps the theme's
# text colour (`!important` over Streamlit's own, more specific, selected-pill rule).
PILL_TEXT = "<style>.st-key-graph_types button[data-selected] {color: inherit !important}</style>"


@st.cache_data(max_entries=64, show_spinner=False)
def _layout(generation: int, ids: tuple[str, ...], labels: tuple[str, ...],
            edges: tuple[tuple[str, str], ...]) -> graph_layout.Layout:
    """One layout per graph generation and view (deterministic; the cache only saves the ~0.1-0.7 s)."""
    return graph_layout.layout(ids, labels, edges)


def _controls(graph: ConceptGraph, current: str | None) -> tuple[list[str], int, int, bool]:
    names = sorted({c.name for c in graph.concepts.values()}, key=str.lower)
    present = [t for t in components.TYPE_COLOURS if any(c.type == t for c in graph.concepts.values())]
    st.session_state[SEARCH] = current if current in names else None
    st.session_state.setdefault(TYPES, present)
    st.session_state.setdefault(DEPTH, 2)
    st.session_state.setdefault(CAP, 60)
    search, depth, cap, colour = st.columns([4, 1.3, 2.5, 1.6])
    search.selectbox("Find a concept", names, key=SEARCH, index=None, placeholder="Type a concept name",
                     on_change=graph_card.open_concept, args=(SEARCH,))
    depth.radio("Depth", [1, 2], key=DEPTH, horizontal=True, help="How far from the chosen concept")
    cap.slider("Max nodes", 10, 200, key=CAP, step=10, help="Nearest (then best-connected) concepts first")
    by_topic = colour.radio("Colour by", ["type", "topic"], key=COLOUR_BY, horizontal=True,
                            help="Topics are groups of concepts your notes link closely (communities of the graph)")
    st.html(PILL_TEXT)
    st.pills("Types", present, selection_mode="multi", key=TYPES, help="Only concepts of these types are drawn",
             format_func=lambda t: graph_style.pill(t, components.TYPE_COLOURS))
    return list(st.session_state[TYPES] or ()), st.session_state[DEPTH], st.session_state[CAP], by_topic == "topic"


def _zoom(steps: int, fitted: tuple[float, float]) -> None:
    st.session_state[ZOOM] = graph_layout.zoom_step(st.session_state.get(ZOOM), fitted, steps)


def _fit() -> None:
    st.session_state[ZOOM] = None
    st.session_state[FIT] = st.session_state.get(FIT, 0) + 1


def _zoom_buttons(placed: graph_layout.Layout, row: DeltaGenerator) -> None:
    """Zoom out, Zoom in and Fit, each greyed out where it would change nothing."""
    fitted = graph_layout.fitted_zoom(placed)
    level = st.session_state.get(ZOOM)
    least, most = fitted if level is None else (level, level)
    row.button("Zoom out", icon=":material/zoom_out:", on_click=_zoom, args=(-1, fitted),
               disabled=most <= graph_layout.MIN_ZOOM, help="Smaller; labels stay 11 px or more")
    row.button("Zoom in", icon=":material/zoom_in:", on_click=_zoom, args=(1, fitted),
               disabled=least >= graph_layout.MAX_ZOOM,
               help="Larger, about the chosen concept (or the middle of the view); drag to pan")
    row.button("Fit", icon=":material/fit_screen:", on_click=_fit, help="Show the whole view again")


def _draw(graph: ConceptGraph, view: graph_view.View, placed: graph_layout.Layout, by_topic: bool) -> str | None:
    """The graph; returns the id of a node the user clicked, if it is not the centre."""
    items = graph_view.elements(graph, view, components.TYPE_COLOURS, by_topic, placed.positions)
    key = f"cy_{abs(hash((view.ids, view.centre, by_topic))) % 10**12}"
    options = graph_layout.viewport(placed, st.session_state.get(ZOOM), view.centre)
    options["fitRound"] = st.session_state.get(FIT, 0)  # unknown to Cytoscape; changes the arguments
    clicked = cytoscape(items, graph_style.stylesheet(st.context.theme.type), width="100%",
                        height=f"{placed.height}px", key=key, selection_type="single", layout=options,
                        user_zooming_enabled=False, min_zoom=graph_layout.MIN_ZOOM, max_zoom=graph_layout.MAX_ZOOM)
    chosen = (clicked or {}).get("nodes") or []
    return chosen[0] if chosen and chosen[0] != view.centre else None


assistant = state.assistant()
graph = assistant.graph()
st.title(":material/hub: Concept graph")
summary = graph.summary()
st.caption(f"{summary['concepts']} concepts and {summary['relations']} relations from your notes. "
           "Click a node or find a concept to open its card; drag to pan, Zoom in for a closer look, "
           "Fit to see the whole view.")

wanted = st.session_state.get(state.CONCEPT)
concept = graph.concept(wanted) if wanted else None
if wanted and concept is None:
    close = graph.suggest(wanted)
    hint = f"; did you mean {', '.join(close)}?" if close else "."
    st.warning(md(f"No concept named {wanted!r} in your notes{hint}"))
types, depth, cap, by_topic = _controls(graph, concept.name if concept else None)

if concept:
    view = graph_view.ego(graph, concept.id, depth, types, cap)
    note = f"{concept.name} and its neighbours up to depth {depth}"
else:
    view = graph_view.overview(graph, types, cap)
    note = "the best-connected concepts of each topic; choose one for its neighbourhood"
if by_topic:
    names, colours = graph_view.topic_names(graph, view.ids), graph_view.topic_colours(graph, view.ids)
    st.html(components.swatches_html([(colours[t], f"around {names[t]}") for t in colours
                                      if colours[t] != graph_view.FALLBACK_COLOUR]))
shown = f"Showing {len(view.ids)} of {view.total}: " if view.capped else f"Showing {len(view.ids)}: "
said, tools = st.columns([1, 1.3], vertical_alignment="center")
said.caption(md(shown + note))
row = tools.container(horizontal=True, horizontal_alignment="right")  # buttons as wide as their labels
if concept and row.button("Whole graph", icon=":material/zoom_out_map:"):
    st.session_state[state.CONCEPT] = None
    st.rerun()
if view.ids:
    placed = _layout(assistant.manifest().generation, view.ids, tuple(graph.concepts[c].name for c in view.ids),
                     tuple(graph_view.edges(graph, view.ids)))
    _zoom_buttons(placed, row)
    clicked = _draw(graph, view, placed, by_topic)
    if clicked:
        st.session_state[state.CONCEPT] = graph.concepts[clicked].name
        st.rerun()
else:
    st.info("No concept of the chosen types.")

card = graph.card(concept.id) if concept else None
if card is not None:
    graph_card.card(card, state.titles())
else:
    st.info("Click a node, or find a concept above, to see its definition, neighbours and passages.")
