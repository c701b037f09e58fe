"""The graph page's layout: the same view is placed the same way every time, no two
node+label boxes overlap, and the theme decides the colours the component leaves to us."""

from __future__ import annotations

import numpy as np

from studygraph.ui.graph_layout import MIN_ZOOM, WIDTH, boxes, layout, overlaps
from studygraph.ui.graph_style import pill, stylesheet


def star_and_chain(n: int) -> tuple[list[str], list[str], list[tuple[str, str]]]:
    ids = [f"c{i}" for i in range(n)]
    labels = [("Contrastive Language-Image Pretraining " if i % 7 == 0 else "ViT ") + str(i) for i in range(n)]
    edges = [("c0", cid) for cid in ids[1:n // 2]] + [(ids[i], ids[i + 1]) for i in range(n // 2, n - 1)]
    return ids, labels, edges


def test_the_same_view_is_laid_out_the_same_way():
    ids, labels, edges = star_and_chain(60)
    first = layout(ids, labels, edges)
    assert layout(list(ids), list(labels), list(edges)) == first
    assert set(first.positions) == set(ids)


def test_no_two_labels_overlap_and_the_overview_fits_the_width():
    for n in (2, 10, 60, 200):
        ids, labels, edges = star_and_chain(n)
        placed = layout(ids, labels, edges)
        xy = np.array([placed.positions[c] for c in ids])
        box = boxes(labels)
        assert overlaps(xy, box) == 0, n
        assert (xy[:, 0] + box[:, 0]).max() - (xy[:, 0] - box[:, 0]).min() <= WIDTH + 1, n
    assert 12 * MIN_ZOOM >= 11  # labels are never drawn under 11 px


def test_a_crowd_at_one_spot_is_still_pulled_apart():
    ids = [f"n{i}" for i in range(30)]
    placed = layout(ids, ["Same label"] * 30, [])  # no edges: the spring layout alone decides
    xy = np.array([placed.positions[c] for c in ids])
    assert overlaps(xy, boxes(["Same label"] * 30)) == 0


def test_dark_theme_edge_labels_are_light_and_pills_carry_the_type_colour():
    light, dark = stylesheet("light"), stylesheet("dark")
    edge = lambda sheet: next(s["style"] for s in sheet if s["selector"] == "edge")  # noqa: E731
    assert edge(light)["color"] != edge(dark)["color"]
    assert int(edge(dark)["color"][1:3], 16) > 0x99  # light text on the dark canvas
    assert stylesheet(None) == light
    assert pill("model", {"model": "#1f77b4"}) == ':color[●]{foreground="#1f77b4"} model'
