"""What the graph page draws: ego views, overviews, node caps and Cytoscape elements."""

from __future__ import annotations

from studygraph.graph import Concept, ConceptGraph, Relation
from studygraph.ui.graph_view import View, ego, elements, overview

# a - b - c - d (a chain), b - e, and an island f; types vary.
TYPES = {"a": "model", "b": "loss", "c": "model", "d": "dataset", "e": "model", "f": "metric"}


def chain() -> ConceptGraph:
    concepts = {cid: Concept(cid, cid.upper(), kind) for cid, kind in TYPES.items()}
    relations = [
        Relation("a", "b", "trained_with", 1.0),
        Relation("b", "c", "related", 0.5),
        Relation("c", "d", "trained_on", 1.0),
        Relation("b", "e", "related", 0.5),
        Relation("a", "b", "related", 0.2),
    ]
    return ConceptGraph(concepts, relations)


def test_ego_walks_to_the_depth_asked_nearest_first():
    g = chain()
    assert ego(g, "a", depth=1).ids == ("a", "b")
    two = ego(g, "a", depth=2)
    assert two.ids[:2] == ("a", "b") and set(two.ids) == {"a", "b", "c", "e"}
    assert "d" not in two.ids and "f" not in two.ids


def test_ego_cap_keeps_the_centre_and_nearest_and_reports_the_total():
    view = ego(chain(), "b", depth=2, cap=3)
    assert view.ids[0] == "b" and len(view.ids) == 3 and view.total == 5 and view.capped
    assert "d" not in view.ids  # two steps away loses to one-step neighbours


def test_type_filter_neither_shows_nor_walks_through_other_types():
    view = ego(chain(), "a", depth=3, types={"model"})
    assert view.ids == ("a",)  # b is a loss: a's only way out is closed
    assert set(ego(chain(), "c", depth=2, types={"model", "loss"}).ids) == {"c", "b", "a", "e"}


def test_overview_prefers_best_connected_concepts():
    view = overview(chain(), cap=2)
    assert view.ids[0] == "b" and view.total == 6 and view.centre is None


def test_elements_colour_by_type_select_the_centre_and_collapse_parallel_edges():
    g = chain()
    items = elements(g, View(("a", "b", "c"), 3, "a"), {"model": "#111111", "loss": "#222222"})
    nodes = {e["data"]["id"]: e for e in items if "source" not in e["data"]}
    edges = [e["data"] for e in items if "source" in e["data"]]
    assert nodes["a"]["data"]["colour"] == "#111111" and nodes["b"]["data"]["colour"] == "#222222"
    assert nodes["a"].get("selected") is True and "selected" not in nodes["b"]
    assert {(e["source"], e["target"], e["relation"]) for e in edges} == {
        ("a", "b", "trained_with"), ("a", "b", "related"), ("b", "c", "related")
    }
    assert all(e["source"] in nodes and e["target"] in nodes for e in edges)
    assert next(e for e in edges if e["relation"] == "trained_with")["label"] == "trained with"


def two_clusters(size: int = 6) -> ConceptGraph:
    """Two dense clusters joined by one weak edge; the first cluster's nodes have more edges."""
    left = [f"l{i}" for i in range(size)]
    right = [f"r{i}" for i in range(size)]
    concepts = {cid: Concept(cid, cid.upper(), "concept") for cid in left + right}
    relations = [Relation(a, b, "related", 1.0) for group in (left, right) for i, a in enumerate(group) for b in group[i + 1:]]
    relations += [Relation("l0", "r0", "related", 0.01)]
    relations += [Relation(a, b, "uses", 1.0) for i, a in enumerate(left) for b in left[i + 1:]]  # hubs on the left
    return ConceptGraph(concepts, relations)


def test_overview_spreads_over_topics_when_capped():
    g = two_clusters()
    assert len({g.topics[c] for c in g.concepts}) == 2
    view = overview(g, cap=4)
    assert {cid[0] for cid in view.ids} == {"l", "r"}  # not just the best-connected cluster
    assert view.total == 12 and view.capped


def test_elements_colour_by_topic():
    g = two_clusters()
    items = elements(g, View(("l1", "l2", "r1"), 3), {}, by_topic=True)
    colours = {e["data"]["id"]: e["data"]["colour"] for e in items if "source" not in e["data"]}
    assert colours["l1"] == colours["l2"] != colours["r1"]
