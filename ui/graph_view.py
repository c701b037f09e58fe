"""Which part of the concept graph the graph page draws, as Cytoscape.js elements.

Pure functions over `ConceptGraph`'s public API (no Streamlit), so they are
tested with literal graphs: an ego view (a concept and its neighbours up to a
depth) or an overview of the best-connected concepts, both under a node cap.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from studygraph.assistant.types import ConceptGraph

FALLBACK_COLOUR = "#b0b0b0"
# Ten colours a reader tells apart (Tableau 10), one per topic of the overview.
TOPIC_PALETTE = ("#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac")


@dataclass(frozen=True)
class View:
    """Node ids to draw (centre first), how many qualified before the cap, and the centre."""

    ids: tuple[str, ...]
    total: int
    centre: str | None = None

    @property
    def capped(self) -> bool:
        return self.total > len(self.ids)


def edges(graph: ConceptGraph, ids: Collection[str]) -> list[tuple[str, str]]:
    """The pairs of shown concepts a relation joins (each pair once, in the graph's order)."""
    shown = set(ids)
    pairs = {(r.source, r.target): None for r in graph.relations if r.source in shown and r.target in shown}
    return list(pairs)


def degree(graph: ConceptGraph, cid: str) -> int:
    return len(graph.neighbours(cid))


def ego(graph: ConceptGraph, centre: str, depth: int = 2, types: Collection[str] | None = None, cap: int = 60) -> View:
    """A concept and the concepts within `depth` edges of it, nearest first.

    Only concepts of `types` are walked through and shown (the centre always is).
    Past the cap, nearer concepts win, then better-connected ones.
    """
    allowed = set(types) if types is not None else None
    distance = {centre: 0}
    frontier = [centre]
    for step in range(1, depth + 1):
        following = []
        for cid in frontier:
            for _, other in graph.neighbours(cid):
                if other in distance or (allowed is not None and graph.concepts[other].type not in allowed):
                    continue
                distance[other] = step
                following.append(other)
        frontier = following
    ranked = sorted(distance, key=lambda c: (distance[c], -degree(graph, c), graph.concepts[c].name.lower()))
    return View(tuple(ranked[: max(cap, 1)]), len(ranked), centre)


def overview(graph: ConceptGraph, types: Collection[str] | None = None, cap: int = 60) -> View:
    """The best-connected concepts of the allowed types, spread over the graph's topics.

    When more concepts qualify than the cap, the best-connected third of the cap comes first,
    then topics take turns (largest first), each giving its next best-connected concept, so a
    big graph's overview shows every major topic rather than one cluster of hubs.
    """
    allowed = set(types) if types is not None else None
    ids = [cid for cid, c in graph.concepts.items() if allowed is None or c.type in allowed]
    ranked = sorted(ids, key=lambda c: (-degree(graph, c), graph.concepts[c].name.lower()))
    if len(ranked) <= cap:
        return View(tuple(ranked), len(ranked))
    topics = graph.topics
    picked = ranked[: cap // 3]  # the hubs of the whole graph first, then every topic in turn
    queues: dict[int, list[str]] = {}
    for cid in ranked[cap // 3 :]:
        queues.setdefault(topics.get(cid, -1), []).append(cid)
    order = sorted((t for t in queues if t >= 0), key=lambda t: (-len(queues[t]), t)) + ([-1] if -1 in queues else [])
    while len(picked) < cap:
        for topic in order:
            if queues[topic] and len(picked) < cap:
                picked.append(queues[topic].pop(0))
        if not any(queues[t] for t in order):
            break
    picked.sort(key=lambda c: (-degree(graph, c), graph.concepts[c].name.lower()))
    return View(tuple(picked), len(ranked))


def topic_colours(graph: ConceptGraph, ids: Collection[str]) -> dict[int, str]:
    """A colour for each topic among `ids` (largest topics first), grey past the palette."""
    counts: dict[int, int] = {}
    for cid in ids:
        t = graph.topics.get(cid, -1)
        if t >= 0:
            counts[t] = counts.get(t, 0) + 1
    ordered = sorted(counts, key=lambda t: (-counts[t], t))
    return {t: TOPIC_PALETTE[i] if i < len(TOPIC_PALETTE) else FALLBACK_COLOUR for i, t in enumerate(ordered)}


def topic_names(graph: ConceptGraph, ids: Collection[str]) -> dict[int, str]:
    """Each shown topic named after its best-connected concept."""
    names: dict[int, str] = {}
    for cid in sorted(ids, key=lambda c: -degree(graph, c)):
        t = graph.topics.get(cid, -1)
        if t >= 0 and t not in names:
            names[t] = graph.concepts[cid].name
    return names


def elements(graph: ConceptGraph, view: View, colours: dict[str, str], by_topic: bool = False,
             positions: dict[str, tuple[float, float]] | None = None) -> list[dict]:
    """Cytoscape.js elements: the view's nodes and every edge between two of them.

    Nodes are coloured by type (`colours`), or by topic with `by_topic`, and placed at
    `positions` (for Cytoscape's preset layout) when given. Parallel edges of one relation
    collapse into one; the centre is marked selected.
    """
    shown = set(view.ids)
    out: list[dict] = []
    palette = topic_colours(graph, view.ids) if by_topic else {}
    for cid in view.ids:
        c = graph.concepts[cid]
        colour = palette.get(graph.topics.get(cid, -1), FALLBACK_COLOUR) if by_topic else colours.get(c.type, FALLBACK_COLOUR)
        node: dict[str, object] = {"data": {"id": cid, "label": c.name, "type": c.type, "colour": colour}}
        if cid == view.centre:
            node["selected"] = True
        if positions and cid in positions:
            x, y = positions[cid]
            node["position"] = {"x": x, "y": y}
        out.append(node)
    seen: set[tuple[str, str, str]] = set()
    for rel in graph.relations:
        if rel.source not in shown or rel.target not in shown:
            continue
        key = (rel.source, rel.target, rel.relation)
        if key in seen:
            continue
        seen.add(key)
        label = "" if rel.relation == "related" else rel.relation.replace("_", " ")
        out.append({"data": {"id": "|".join(key), "source": rel.source, "target": rel.target,
                             "relation": rel.relation, "label": label}})
    return out
