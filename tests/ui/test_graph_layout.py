"""The graph page's layout: the same view is placed the same way every time, no two
node+label boxes overlap, the zoom buttons stay within the bounds, and the theme decides the
colours the component leaves to us."""

from __future__ import annotations

import numpy as np
import pytest

from studygraph.ui.graph_layout import (
    FONT,
    MAX_ZOOM,
    MIN_ZOOM,
    WIDTH,
    ZOOM_STEP,
    boxes,
    fitted_zoom,
    layout,
    overlaps,
    viewport,
    zoom_step,
)
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


def test_zoom_steps_stay_within_the_bounds_and_leave_a_bound_at_once():
    level = 1.0
    for _ in range(20):
        level = zoom_step(level, (1.0, 1.0), 1)
    assert level == MAX_ZOOM  # many clicks of Zoom in stop at the bound...
    assert zoom_step(level, (1.0, 1.0), -1) == pytest.approx(MAX_ZOOM / ZOOM_STEP)  # ...one Zoom out moves at once
    for _ in range(20):
        level = zoom_step(level, (1.0, 1.0), -1)
    assert level == MIN_ZOOM and FONT * level >= 11


def test_from_the_fitted_view_zoom_in_enlarges_and_zoom_out_shrinks_whatever_the_canvas_width():
    assert zoom_step(None, (1.0, 1.2), 1) == pytest.approx(1.2 * ZOOM_STEP)  # above the widest canvas's fit
    assert zoom_step(None, (1.0, 1.2), -1) == MIN_ZOOM  # 1.0 / 1.25 = 0.8, under the narrowest one's
    assert zoom_step(None, (1.3, 1.3), -1) == pytest.approx(1.3 / ZOOM_STEP)


def test_the_fitted_zoom_is_about_one_for_the_overview_and_wider_for_a_few_nodes():
    ids, labels, edges = star_and_chain(60)
    least, most = fitted_zoom(layout(ids, labels, edges))
    assert 0.95 <= least <= most <= 1.05  # the canvas height fits 60 nodes at ~1 on any width
    ids, labels, edges = star_and_chain(3)
    least, most = fitted_zoom(layout(ids, labels, edges))
    assert least == pytest.approx(1.0) and most == MAX_ZOOM  # three nodes across the width: the width decides


def test_the_viewport_fits_then_zooms_about_the_chosen_concept_or_the_middle():
    ids, labels, edges = star_and_chain(10)
    placed = layout(ids, labels, edges)
    fitted = viewport(placed, None)
    assert fitted["fit"] is True and "zoom" not in fitted and fitted["name"] == "preset"
    x, y = placed.positions["c3"]
    assert viewport(placed, 1.25, "c3")["zoom"] == {"level": 1.25, "position": {"x": x, "y": y}}
    x1, y1, x2, y2 = placed.bounds
    middle = viewport(placed, 9.0, None)["zoom"]
    assert middle == {"level": MAX_ZOOM, "position": {"x": (x1 + x2) / 2, "y": (y1 + y2) / 2}}
    assert viewport(placed, 1.25, "not drawn")["zoom"]["position"] == middle["position"]
    xy = np.array([placed.positions[c] for c in ids])
    box = boxes(labels)
    assert x1 == pytest.approx((xy[:, 0] - box[:, 0]).min(), abs=0.1)
    assert x2 == pytest.approx((xy[:, 0] + box[:, 0]).max(), abs=0.1)
