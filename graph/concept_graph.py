"""ConceptGraph: the built graph and the questions the assistant asks of it."""

from __future__ import annotations

import difflib
from collections import Counter
from collections.abc import Mapping, Sequence
from functools import cached_property
from typing import TYPE_CHECKING

from studygraph.graph.catalog import Entry
from studygraph.graph.lexicon import Lexicon
from studygraph.graph.model import Concept, ConceptCard, Evidence, Neighbour, Relation, Suggestion, label
from studygraph.graph.suggest import related as suggest_related
from studygraph.graph.variants import fold, key_of, name_words

if TYPE_CHECKING:
    import networkx as nx

MAX_EXPANSIONS = 3


class ConceptGraph:
    """Concepts of the notes and the evidence-backed relations between them.

    Args:
        concepts: concept id -> Concept.
        relations: typed and `related` edges.
        passages: concept id -> lines (one per chunk) where the notes name it.
        lexicon: the concepts' names ready for matching, when kept from an earlier build of
            the same concepts (graph/persist.py); else made from them.
    """

    def __init__(
        self,
        concepts: Mapping[str, Concept],
        relations: Sequence[Relation],
        passages: Mapping[str, tuple[Evidence, ...]] | None = None,
        lexicon: Lexicon | None = None,
    ) -> None:
        self.concepts = dict(sorted(concepts.items()))
        self.relations = tuple(sorted(relations, key=lambda r: (r.source, r.target, r.relation)))
        self.passages: Mapping[str, tuple[Evidence, ...]] = passages if passages is not None else {}  # read-only; may be lazy
        self._adjacent: dict[str, list[tuple[Relation, str]]] = {cid: [] for cid in self.concepts}
        for rel in self.relations:
            self._adjacent[rel.source].append((rel, rel.target))
            self._adjacent[rel.target].append((rel, rel.source))
        self._lexicon = lexicon or Lexicon({cid: Entry(c.name, c.type, c.aliases, c.origin) for cid, c in self.concepts.items()})

    @property
    def lexicon(self) -> Lexicon:
        return self._lexicon

    @cached_property
    def nx(self) -> nx.MultiDiGraph:
        """The graph as networkx, built on first use (a cold `ask` never needs it, nor its ~0.2 s import)."""
        import networkx

        g = networkx.MultiDiGraph()
        for cid, c in self.concepts.items():
            g.add_node(cid, name=c.name, type=c.type)
        for rel in self.relations:
            g.add_edge(rel.source, rel.target, key=rel.relation, weight=rel.weight)
        return g

    @cached_property
    def topics(self) -> dict[str, int]:
        """Concept id -> topic (community) number, 0 the largest; -1 for concepts without edges."""
        from studygraph.graph.topics import topics

        return topics(self.concepts, self.relations)

    def __len__(self) -> int:
        return len(self.concepts)

    def neighbours(self, cid: str) -> list[tuple[Relation, str]]:
        """(edge, other end) pairs of a concept id."""
        return list(self._adjacent.get(cid, ()))

    def concept(self, name: str) -> Concept | None:
        """A concept by id, name or alias, ignoring case, hyphens, dashes and plurals."""
        if name in self.concepts:
            return self.concepts[name]
        cid = self._lexicon.lookup(name)
        return self.concepts.get(cid) if cid else None

    def suggest(self, name: str, n: int = 5) -> list[str]:
        """Names of concepts close to an unknown `name` (spelling slips, partial names)."""
        forms: dict[str, str] = {}
        for c in self.concepts.values():
            for form in (c.name, *c.aliases):
                forms.setdefault(fold(form), c.name)
        wanted = fold(name).strip()
        if not wanted:
            return []
        scored: dict[str, float] = {}
        for form, canonical in forms.items():
            ratio = difflib.SequenceMatcher(None, wanted, form).ratio()
            words = form.split()
            if len(words) > 1:  # "perciever" finds "Perceiver Resampler" through its first word
                best_word = max(difflib.SequenceMatcher(None, wanted, w).ratio() for w in words)
                if best_word >= 0.8:
                    ratio = max(ratio, 0.9 * best_word)
            if min(len(wanted), len(form)) >= 3 and (wanted in form or form in wanted):
                ratio = max(ratio, 0.75)
            if ratio >= 0.6:
                scored[canonical] = max(scored.get(canonical, 0.0), ratio)
        return [k for k, _ in sorted(scored.items(), key=lambda kv: (-kv[1], kv[0]))[:n]]

    def mentions(self, text: str) -> list[Concept]:
        """Concepts named in a text (a question, an answer), in order of first mention."""
        return [self.concepts[cid] for cid in self._lexicon.mentioned(text) if cid in self.concepts]

    def card(self, name: str) -> ConceptCard | None:
        """Type, aliases, definition, neighbours grouped by relation, and passages of one concept."""
        concept = self.concept(name)
        if concept is None:
            return None
        groups: dict[str, list[Neighbour]] = {}
        for rel, other in self.neighbours(concept.id):
            o = self.concepts[other]
            groups.setdefault(label(rel, concept.id), []).append(Neighbour(o.name, o.type, label(rel, concept.id), rel.weight, rel.evidence))
        ordered = {
            k: tuple(sorted(v, key=lambda nb: (-nb.weight, nb.name)))
            for k, v in sorted(groups.items(), key=lambda kv: (kv[0] == "related", kv[0]))
        }
        return ConceptCard(concept, ordered, self.passages.get(concept.id, ()))

    def related(self, question: str, answer: str, chunk_ids: Sequence[str], limit: int = 6) -> list[Suggestion]:
        """Concepts worth studying next (see graph.suggest.related)."""
        return suggest_related(self, question, answer, chunk_ids, limit)

    def expand_query(self, query: str) -> str:
        """The query plus other names of the concepts it names (SBERT -> Sentence-BERT).

        A name that would add at most one new word to the query (`zero-shot` ->
        `Zero-Shot Learning`, `CLIP` -> `OpenAI CLIP`) is left out: it adds noise, not recall.
        """
        extra: list[str] = []
        words = {key_of(w) for w in name_words(query)}
        seen_keys = {key_of(query[m.start : m.end]) for m in self._lexicon.find(query)}
        for m in self._lexicon.find(query):
            concept = self.concepts.get(m.concept_id)
            if concept is None:
                continue
            added = 0
            for form in (concept.name, *concept.aliases):
                key, form_words = key_of(form), {key_of(w) for w in name_words(form)}
                if key in seen_keys or added >= MAX_EXPANSIONS or (len(form_words) > 1 and len(form_words - words) <= 1):
                    continue
                seen_keys.add(key)
                words |= form_words
                extra.append(form)
                added += 1
        return f"{query} {' '.join(extra)}" if extra else query

    def summary(self, hubs: int = 10) -> dict:
        """Counts by type and relation, and the best-connected concepts."""
        degree = Counter({cid: len(adj) for cid, adj in self._adjacent.items()})
        return {
            "concepts": len(self.concepts),
            "relations": len(self.relations),
            "discovered": sum(c.origin == "notes" for c in self.concepts.values()),
            "by_type": dict(Counter(c.type for c in self.concepts.values()).most_common()),
            "by_relation": dict(Counter(r.relation for r in self.relations).most_common()),
            "hubs": [
                {"name": self.concepts[cid].name, "type": self.concepts[cid].type, "degree": d}
                for cid, d in sorted(degree.items(), key=lambda kv: (-kv[1], kv[0]))[:hubs]
                if d
            ],
        }
