"""What to study next: neighbours of the concepts a question and its answer name.

A neighbour scores higher when the notes state a typed relation (not only a
co-occurrence), when its evidence lies in the passages the answer quoted, when
it hangs off a concept of the question rather than of the answer, and when the
edge is strong. Concepts already mentioned are never suggested.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from studygraph.graph.model import Evidence, Suggestion, label

if TYPE_CHECKING:
    from studygraph.graph.concept_graph import ConceptGraph

STUDY_TYPES = frozenset({"model", "loss", "technique", "architecture", "retrieval"})
MIN_SUGGESTIONS = 3


def _pick(evidence: Sequence[Evidence], given: set[str]) -> tuple[Evidence | None, bool]:
    inside = [e for e in evidence if e.chunk_id in given]
    if inside:
        return inside[0], True
    return (evidence[0] if evidence else None), False


def related(graph: ConceptGraph, question: str, answer: str, chunk_ids: Sequence[str], limit: int = 6) -> list[Suggestion]:
    """3-6 concepts worth studying next.

    Args:
        graph: the concept graph.
        question: the user's question.
        answer: the answer text shown to the user.
        chunk_ids: chunks the answer quoted (evidence inside them is preferred).
        limit: at most this many suggestions.

    Returns:
        Suggestions, best first; each names the mentioned concept it hangs off (`via`) and one evidence line.
    """

    q_ids = [c.id for c in graph.mentions(question)]
    a_ids = [c.id for c in graph.mentions(answer)]
    mentioned = list(dict.fromkeys(q_ids + a_ids))
    given = set(chunk_ids)
    best: dict[str, tuple[float, Suggestion]] = {}
    for rank, via in enumerate(mentioned):
        for rel, other in graph.neighbours(via):
            if other in mentioned:
                continue
            evidence, inside = _pick(rel.evidence, given)
            if evidence is None:
                continue
            concept = graph.concepts[other]
            generic_via = via not in q_ids and graph.concepts[via].type == "concept"  # "LLM" in an answer leads anywhere
            score = (
                rel.weight
                + (0.8 if rel.relation != "related" else 0.0)
                + (0.6 if inside else 0.0)
                + (0.5 if via in q_ids else 0.0)
                + (0.3 if concept.type in STUDY_TYPES else 0.0)
                - (0.5 if generic_via else 0.0)
                - 0.05 * rank
            )
            suggestion = Suggestion(
                concept=concept.name,
                type=concept.type,
                relation=label(rel, other),  # read from the suggested concept: "LLaVA (uses CLIP)"
                via=graph.concepts[via].name,
                chunk_id=evidence.chunk_id,
                source=evidence.source,
                start_line=evidence.start_line,
                end_line=evidence.end_line,
            )
            if other not in best or score > best[other][0]:
                best[other] = (score, suggestion)
    ranked = [s for _, s in sorted(best.values(), key=lambda pair: (-pair[0], pair[1].concept))]
    if len(ranked) < MIN_SUGGESTIONS:
        ranked += _same_passage(graph, mentioned, given, {s.concept for s in ranked})
    return ranked[:limit]


def _same_passage(graph: ConceptGraph, mentioned: list[str], given: set[str], taken: set[str]) -> list[Suggestion]:
    """Fallback: other concepts named in the quoted passages."""
    via = graph.concepts[mentioned[0]].name if mentioned else ""
    out: list[Suggestion] = []
    for cid, concept in graph.concepts.items():
        if cid in mentioned or concept.name in taken or given.isdisjoint(concept.chunk_ids):
            continue
        for e in graph.passages.get(cid, ()):
            if e.chunk_id in given:
                out.append(Suggestion(concept.name, concept.type, "same passage", via or concept.name, e.chunk_id, e.source, e.start_line, e.end_line))
                break
    out.sort(key=lambda s: (s.type not in STUDY_TYPES, s.source, s.start_line, s.concept))
    return out
