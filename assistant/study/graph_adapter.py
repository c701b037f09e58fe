"""Turn a concept graph into the plain `Definition`s and `Link`s study mode reads.

Duck-typed on the ConceptGraph's public data: `graph.concepts` (id -> Concept
with `name`, `aliases`, `definition`) and `graph.relations` (Relation with
`source`, `target`, `relation`, `evidence`), where an Evidence has `source`,
`start_line`, `end_line` and maybe a `quote`. Evidence without a quote is
quoted from the chunks: the sentence or item of its lines that names both
ends of the edge, else all quotable spans of those lines (markup dropped).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from studygraph.assistant.study.concepts import Definition, Link
from studygraph.assistant.study.indexed import notes_from_chunks
from studygraph.ingest.note import Chunk
from studygraph.ingest.spans import split_spans
from studygraph.ingest.tokenize import normalize

logger = logging.getLogger(__name__)


class _Quoter:
    """Exact text of lines of a note, from the chunks of record."""

    def __init__(self, chunks: Iterable[Chunk]) -> None:
        self._lines = {note.path: note.lines for note in notes_from_chunks(chunks)}

    def naming(self, source: str, start: int, end: int, names: list[set[str]]) -> tuple[str, int, int]:
        """The span of lines start..end that names every concept, with its lines.

        A question span brings its answer along ("ANN vs exact KNN? ANN trades...");
        when no single span names them all, all spans of the lines are joined.
        """
        lines = self._lines.get(source, [])[start - 1 : end]
        if not "".join(lines).strip():
            return "", start, end
        spans = split_spans(Chunk(id="", source=source, text="\n".join(lines), start_line=start, end_line=end))
        for i, span in enumerate(spans):
            folded = normalize(span.text)
            if all(any(form in folded for form in forms) for forms in names):
                group = [span]
                if span.kind in ("question", "prompt"):
                    group += [s for s in spans[i + 1 :] if s.question == span.question and s.kind != "question"]
                return " ".join(s.text for s in group), group[0].start_line, group[-1].end_line
        return " ".join(s.text for s in spans), start, end


def _forms(concept: Any) -> set[str]:
    return {normalize(f) for f in (concept.name, *(concept.aliases or ())) if f}


def from_graph(graph: Any, chunks: Iterable[Chunk]) -> tuple[list[Definition], list[Link]]:
    """Every concept (with its definition when the notes give one) and every edge.

    Concepts without a definition come with an empty quote: they make no card
    but their aliases count when choosing cards about a concept. Untyped
    `related` edges come without a quote: they make no card but count as
    neighbours ("drill me on contrastive learning").

    Args:
        graph: a ConceptGraph (or anything with the same `concepts` and `relations`).
        chunks: the chunks the graph was built from, to quote evidence.
    """
    quoter = _Quoter(chunks)
    definitions = []
    for concept in graph.concepts.values():
        d = concept.definition
        if d is None:
            definitions.append(Definition(concept.name, "", "", 0, 0, tuple(concept.aliases)))
            continue
        text = d.quote or quoter.naming(d.source, d.start_line, d.end_line, [])[0]
        definitions.append(Definition(concept.name, text, d.source, d.start_line, d.end_line, tuple(concept.aliases)))
    links = []
    for rel in graph.relations:
        if not rel.evidence:
            continue
        a, b = graph.concepts[rel.source], graph.concepts[rel.target]
        ev = rel.evidence[0]
        if ev.quote or rel.relation == "related":
            text, start, end = ev.quote, ev.start_line, ev.end_line
        else:
            text, start, end = quoter.naming(ev.source, ev.start_line, ev.end_line, [_forms(a), _forms(b)])
        links.append(Link(a.name, b.name, rel.relation, text, ev.source, start, end))
    logger.debug("graph: %d concepts, %d links", len(definitions), len(links))
    return definitions, links
