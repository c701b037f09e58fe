"""The search step behind `Studygraph.search` and `ask`: check the request, name
the aliases the graph knows, embed the questions, rank the chunks."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from studygraph.assistant.index import SearchIndex
from studygraph.assistant.tags import within
from studygraph.assistant.types import Hit
from studygraph.errors import QueryError
from studygraph.graph.concept_graph import ConceptGraph
from studygraph.ingest.tokenize import tokenize
from studygraph.settings import MODES, Settings


def checked(settings: Settings, queries: Sequence[str], k: int | None, mode: str | None) -> tuple[int, str]:
    """`k` and `mode` (the settings' when None), once the request is known to be valid.

    Raises:
        QueryError: an unknown mode, k <= 0 or an empty query.
    """
    k = settings.top_k if k is None else k
    mode = mode or settings.mode
    if mode not in MODES:
        raise QueryError(f"mode must be one of {', '.join(MODES)}, got {mode!r}")
    if k <= 0:
        raise QueryError(f"k must be > 0, got {k}")
    if any(not q or not q.strip() for q in queries):
        raise QueryError("the query is empty; type a question or some keywords")
    return k, mode


def expanded(queries: Sequence[str], settings: Settings, graph: Callable[[], ConceptGraph]) -> list[str]:
    """Queries with the aliases of the concepts they name ("SBERT" -> "Sentence-BERT");
    the graph is loaded only when aliases are expanded."""
    if not settings.expand_aliases:
        return list(queries)
    concepts = graph()
    return [concepts.expand_query(q) for q in queries]


def query_vectors(
    embed: Callable[[Sequence[str]], np.ndarray], queries: Sequence[str], expanded: Sequence[str]
) -> np.ndarray:
    """Dense query vectors: the mean of the question's and its alias-expanded form's
    vectors, so an alias helps without drowning the question (measured on the dev set)."""
    changed = [i for i, (q, e) in enumerate(zip(queries, expanded)) if q != e]
    vectors = embed([*queries, *(expanded[i] for i in changed)])
    out = vectors[: len(queries)].copy()
    for j, i in enumerate(changed):
        mean = out[i] + vectors[len(queries) + j]
        out[i] = mean / max(float(np.linalg.norm(mean)), 1e-12)
    return out


def ranked_hits(
    index: SearchIndex, mode: str, expanded: Sequence[str], vectors: np.ndarray | None, k: int, tag: str | None = None
) -> list[list[Hit]]:
    """The top `k` hits of each (expanded) query, ranked 1.. in `mode`; only notes tagged `tag` if given.

    Raises:
        QueryError: no note carries `tag`.
    """
    among = within(index, tag)
    results = []
    for i, query in enumerate(expanded):
        ranked = index.rank(mode, tokenize(query), None if vectors is None else vectors[i], k, among)
        results.append([Hit(index.chunks[r.index], r.score, rank, mode) for rank, r in enumerate(ranked, 1)])
    return results
