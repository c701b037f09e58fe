"""Where the graph page puts each node: a seeded layout computed in Python and handed to
Cytoscape.js as preset positions, so the same view is drawn the same way on every rerun
(fcose with `randomize` reshuffled all 200 nodes after a slider round-trip) and no two
labels overlap.

A seeded spring layout (networkx) gives the picture (who sits near whom); its nodes are
then laid into rows of labels in that order (`rows`), so no node+label box overlaps another. Sizes are in Cytoscape model units; the page fits the graph at zoom ~1,
and never below MIN_ZOOM, so a 12-unit label is never drawn under 11 px.

Zoom in / Zoom out redraw the graph at a zoom level chosen here (`zoom_step`), about the
chosen concept or the middle of the view (`viewport`), through the preset layout's options.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

FONT = 12  # label font size (model units)
NODE = 18  # node diameter
MIN_ZOOM = 11 / FONT  # labels never render under 11 px
MAX_ZOOM = 1.6  # two nodes in a wide canvas stay 29 px, not 110
WIDTH = 760  # the layout's width: the content column is 820 px at 1280x720 with the sidebar open (measured), less the fit padding
PADDING = 30  # Cytoscape's fit padding
GAP = 6  # free space kept between two boxes
SEED = 7
ZOOM_STEP = 1.25  # one click of Zoom in; Zoom out divides by it
COLUMN = WIDTH + 2 * PADDING  # the narrowest canvas the page draws (the content column at 1280x720)
FILL = 0.8  # the share of a row labels take; the rest lets each sit near its spring-layout x
STAGGER = 10  # every other node of a row sits lower, so an edge along a row does not run through labels


@dataclass(frozen=True)
class Layout:
    """Node positions (model units, top-left near 0,0), the canvas height that fits them at zoom ~1,
    and the box round every node and label (x1, y1, x2, y2) that Cytoscape fits."""

    positions: dict[str, tuple[float, float]]
    height: int
    bounds: tuple[float, float, float, float] = (0.0, 0.0, 0.0, 0.0)


def label_width(label: str) -> float:
    """A label's width in model units, erring wide: capitals and digits of a sans-serif font run
    ~0.65 em, lower case ~0.52 em (measured on Chromium's default sans at 12 px: "CLIP" 29 px,
    "Contrastive Learning" 114 px)."""
    wide = sum(1 for ch in label if ch.isupper() or ch.isdigit())
    return FONT * (0.68 * wide + 0.56 * (len(label) - wide)) + 4


def boxes(labels: Sequence[str]) -> np.ndarray:
    """Half-width, half-height and vertical offset of each node's box (its dot and the label under it)."""
    half_w = np.array([max(label_width(lab), NODE) / 2 for lab in labels])
    height = NODE + 3 + FONT * 1.3  # dot, margin, one line of text
    return np.stack([half_w, np.full(len(labels), height / 2), np.full(len(labels), height / 2 - NODE / 2)], axis=1)


def layout(ids: Sequence[str], labels: Sequence[str], edges: Sequence[tuple[str, str]]) -> Layout:
    """Positions for the nodes `ids` (labelled `labels`) joined by `edges`; the same input gives the same output."""
    import networkx as nx

    if not ids:
        return Layout({}, 240)
    box = boxes(labels)
    graph = nx.Graph()
    graph.add_nodes_from(ids)
    graph.add_edges_from((a, b) for a, b in edges if a in graph and b in graph and a != b)
    start = nx.circular_layout(sorted(graph.nodes))  # a fixed start: spring_layout's result then depends on the seed only
    spread = nx.spring_layout(graph, pos=start, seed=SEED, iterations=120, k=1.6 / np.sqrt(len(ids)))
    xy = rows(np.array([spread[i] for i in ids], dtype=float), box)
    top = float((xy[:, 1] - box[:, 1] + box[:, 2]).min())
    bottom = float((xy[:, 1] + box[:, 1] + box[:, 2]).max())
    left, right = float((xy[:, 0] - box[:, 0]).min()), float((xy[:, 0] + box[:, 0]).max())
    positions = {cid: (round(float(x), 1), round(float(y), 1)) for cid, (x, y) in zip(ids, xy)}
    bounds = (round(left, 1), round(top, 1), round(right, 1), round(bottom, 1))
    return Layout(positions, int(max(bottom - top + 2 * PADDING, 320)), bounds)


def fitted_zoom(placed: Layout) -> tuple[float, float]:
    """The least and the most zoom Cytoscape can fit the view at: on the narrowest canvas the
    page draws, and on a canvas of any width (then the canvas height, which is ours, binds)."""
    x1, y1, x2, y2 = placed.bounds
    across = (COLUMN - 2 * PADDING) / max(x2 - x1, 1.0)
    down = (placed.height - 2 * PADDING) / max(y2 - y1, 1.0)
    return _bounded(min(across, down)), _bounded(down)


def zoom_step(level: float | None, fitted: tuple[float, float], steps: int) -> float:
    """The zoom `steps` clicks of Zoom in (negative: Zoom out) from `level`, kept within
    MIN_ZOOM..MAX_ZOOM, so a click after many at a bound moves at once.

    From the fitted view (`level` None) the step starts from the side of the `fitted` range
    it leaves by, so Zoom in always enlarges and Zoom out always shrinks, whatever the canvas width.
    """
    if level is None:
        level = fitted[1] if steps > 0 else fitted[0]
    return _bounded(level * ZOOM_STEP**steps)


def _bounded(level: float) -> float:
    return min(max(level, MIN_ZOOM), MAX_ZOOM)


def viewport(placed: Layout, level: float | None, focus: str | None = None) -> dict:
    """Cytoscape preset layout options: fit the view, then (with a `level`) zoom to it about the
    concept `focus` when it is drawn, else about the middle of the view.

    Fit first, then zoom about a model point: the point keeps the place the fit gave it (the
    middle of the view stays mid-canvas, a chosen concept stays on screen). Cytoscape's preset
    layout hands `zoom` to `cy.zoom()`, which takes `{level, position}` (st-cytoscape passes the
    layout through untouched); an absolute `pan` would need the canvas's width in pixels, which
    only the browser knows.
    """
    options: dict[str, object] = {"name": "preset", "fit": True, "padding": PADDING, "animate": False}
    if level is not None:
        x1, y1, x2, y2 = placed.bounds
        x, y = placed.positions.get(focus or "", ((x1 + x2) / 2, (y1 + y2) / 2))
        options["zoom"] = {"level": _bounded(level), "position": {"x": x, "y": y}}
    return options


def rows(spread: np.ndarray, box: np.ndarray) -> np.ndarray:
    """The spring layout's picture laid into rows of labels: its top nodes in the top row, each
    row ordered and placed by its x, so neighbours stay near and no two boxes overlap.

    Pushing overlapping boxes apart (tried first) left 60 seed concepts 1032x928 wide, with the
    hubs crowding the middle; rows hold them in 860x~450, so the overview fits at zoom ~1.
    """
    n = len(spread)
    widths = 2 * box[:, 0] + GAP
    count = max(int(np.ceil(widths.sum() / (WIDTH * FILL))), int(np.ceil(np.sqrt(n) / 1.5)))  # small views: not one long row
    pitch = 2 * box[0, 1] + GAP + STAGGER
    order = sorted(range(n), key=lambda i: (spread[i, 1], spread[i, 0], i))
    share = widths.sum() / count
    groups: list[list[int]] = [[]]
    filled = row = 0.0
    for i in order:
        full = row + widths[i] > WIDTH + GAP  # a row never runs past the width
        if groups[-1] and (full or (filled >= share * len(groups) and len(groups) < count)):
            groups.append([])
            row = 0.0
        groups[-1].append(i)
        filled += widths[i]
        row += widths[i]
    low, span = spread[:, 0].min(), max(float(np.ptp(spread[:, 0])), 1e-9)
    xy = np.zeros((n, 2))
    for r, group in enumerate(groups):
        group.sort(key=lambda i: (spread[i, 0], i))
        want = [(spread[i, 0] - low) / span * WIDTH for i in group]
        placed: list[float] = []
        for k, i in enumerate(group):  # left to right: at its x, or just right of the previous box
            floor = placed[-1] + box[group[k - 1], 0] + GAP + box[i, 0] if k else box[i, 0]
            placed.append(max(want[k], floor))
        ceiling = WIDTH
        for k in range(len(group) - 1, -1, -1):  # right to left: back inside the width, still apart
            i = group[k]
            placed[k] = min(placed[k], ceiling - box[i, 0])
            ceiling = placed[k] - box[i, 0] - GAP
        if placed[0] < box[group[0], 0]:  # a row wider than WIDTH: start it at the left edge, overflow right
            placed = [x + box[group[0], 0] - placed[0] for x in placed]
        for k, i in enumerate(group):
            xy[i] = (placed[k], r * pitch + (STAGGER if k % 2 else 0.0))
    return xy


def overlaps(xy: np.ndarray, box: np.ndarray) -> int:
    """How many pairs of boxes overlap (the layout's promise is none)."""
    dx = np.abs(xy[:, 0][:, None] - xy[:, 0][None, :])
    cy = xy[:, 1] + box[:, 2]
    dy = np.abs(cy[:, None] - cy[None, :])
    clash = (dx < box[:, 0][:, None] + box[:, 0][None, :]) & (dy < box[:, 1][:, None] + box[:, 1][None, :])
    np.fill_diagonal(clash, False)
    return int(clash.sum() // 2)
