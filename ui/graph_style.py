"""How the graph page looks: the Cytoscape.js stylesheet for the light or dark theme, and
the type colours on the filter pills (which are the legend).

st-cytoscape paints node labels in the theme's text colour and the canvas in its
background; what it leaves to us (edge labels, the halo that keeps a label readable over
an edge) follows `st.context.theme.type` here, so nothing is grey on near-black.
"""

from __future__ import annotations

from studygraph.ui.graph_layout import FONT, NODE

# (canvas background, edge, dashed "related" edge, edge label) per theme; Streamlit's own backgrounds.
THEMES = {
    "light": ("#ffffff", "#9aa5b1", "#c8cfd6", "#4a5560"),
    "dark": ("#0e1117", "#6b7785", "#4a535e", "#c3cad3"),
}


def theme(kind: str | None) -> str:
    return kind if kind in THEMES else "light"


def stylesheet(kind: str | None = "light") -> list[dict]:
    """Nodes coloured by their data, labels FONT units under them on a halo of the background."""
    background, edge, related, edge_text = THEMES[theme(kind)]
    return [
        {"selector": "node", "style": {
            "label": "data(label)", "background-color": "data(colour)", "width": NODE, "height": NODE,
            "font-size": FONT, "text-valign": "bottom", "text-margin-y": 3, "min-zoomed-font-size": 0,
            "text-background-color": background, "text-background-opacity": 0.75, "text-background-padding": 1,
        }},
        {"selector": "node:selected", "style": {
            "border-width": 3, "border-color": "#ff4b4b", "font-weight": "bold",
        }},
        {"selector": "edge", "style": {
            "width": 1.5, "curve-style": "bezier", "line-color": edge, "target-arrow-color": edge,
            "target-arrow-shape": "triangle", "arrow-scale": 0.8, "label": "data(label)", "font-size": 10,
            "color": edge_text, "text-rotation": "autorotate", "text-background-color": background,
            "text-background-opacity": 0.75,
        }},
        {"selector": "edge[relation = 'compared_with']", "style": {"target-arrow-shape": "none"}},
        {"selector": "edge[relation = 'related']", "style": {
            "line-style": "dashed", "line-color": related, "target-arrow-shape": "none", "width": 1,
        }},
    ]


def pill(kind: str, colours: dict[str, str]) -> str:
    """A type's filter pill: a dot in the type's node colour, then its name (Streamlit's
    `:color[...]{foreground=...}` markdown; the colour is one of ours, never note text)."""
    colour = colours.get(kind)
    return f':color[●]{{foreground="{colour}"}} {kind}' if colour else kind
