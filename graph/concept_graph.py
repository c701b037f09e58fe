"""ConceptGraph: the built graph and the questions the assistant asks of it."""

from __future__ import annotations

import difflib
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
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


def _edge_order(rel: Relation) -> tuple[str, str, str]:
    return rel.source, rel.target, rel.relation


class EdgeTable:
    """Edges as read from a graph file, made into Relations (with their evidence) when asked for.

    A cold `ask` needs the edges of the few concepts it names, not all of them: on the
    12 MB Python docs making all 27,239 relations and their 74,990 evidence lines took
    ~0.45 s of the graph's ~0.9 s load.

    Args:
        ends: per edge, (source, target, relation), in any order.
        make: position -> the Relation at that position of `ends`.
    """

    def __init__(self, ends: Sequence[tuple[str, str, str]], make: Callable[[int], Relation]) -> None:
        self._ends = ends
        self._make: Callable[[int], Relation] | None = make
        self._made: dict[int, Relation] = {}
        self._order = sorted(range(len(ends)), key=ends.__getitem__)

    def _relation(self, i: int) -> Relation:
        rel = self._made.get(i)
        if rel is None:
            assert self._make is not None  # set until every edge is made
            rel = self._made[i] = self._make(i)
        return rel

    @cached_property
    def _around(self) -> dict[str, list[int]]:
        """Concept id -> positions of its edges, in edge order (a loop listed twice, as in the graph's adjacency)."""
        out: dict[str, list[int]] = {}
        for i in self._order:
            source, target, _ = self._ends[i]
            out.setdefault(source, []).append(i)
            out.setdefault(target, []).append(i)
        return out

    def around(self, cid: str) -> list[tuple[Relation, str]]:
        """(edge, other end) pairs of one concept."""
        out = []
        for i in self._around.get(cid, ()):
            rel = self._relation(i)
            out.append((rel, rel.target if rel.source == cid else rel.source))
        return out

    def all(self) -> tuple[Relation, ...]:
        """Every edge in edge order; the parsed file they were made from is let go."""
        made = tuple(self._relation(i) for i in self._order)
        self._make = None
        return made


class ConceptGraph:
    """Concepts of the notes and the evidence-backed relations between them.

    Args:
        concepts: concept id -> Concept.
        relations: typed and `related` edges (an EdgeTable makes them when first needed).
        passages: concept id -> lines (one per chunk) where the notes name it.
        lexicon: the concepts' names ready for matching, when kept from an earlier build of
            the same concepts (graph/persist.py); else made from them.
    """

    def __init__(
        self,
        concepts: Mapping[str, Concept],
        relations: Sequence[Relation] | EdgeTable,
        passages: Mapping[str, tuple[Evidence, ...]] | None = None,
        lexicon: Lexicon | None = None,
    ) -> None:
        self.concepts = dict(sorted(concepts.items()))
        self._edges = relations if isinstance(relations, EdgeTable) else None
        if not isinstance(relations, EdgeTable):
            self.relations = tuple(sorted(relations, key=_edge_order))
        self.passages: Mapping[str, tuple[Evidence, ...]] = passages if passages is not None else {}  # read-only; may be lazy
        self._lexicon = lexicon or Lexicon({cid: Entry(c.name, c.type, c.aliases, c.origin) for cid, c in self.concepts.items()})

    @cached_property
    def relations(self) -> tuple[Relation, ...]:  # set in __init__ unless read from a file
        """Every edge, ordered by (source, target, relation)."""
        assert self._edges is not None
        return self._edges.all()

    @cached_property
    def _adjacent(self) -> dict[str, list[tuple[Relation, str]]]:
        adjacent: dict[str, list[tuple[Relation, str]]] = {cid: [] for cid in self.concepts}
        for rel in self.relations:
            adjacent[rel.source].append((rel, rel.target))
            adjacent[rel.target].append((rel, rel.source))
        return adjacent

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
        """(edge, other end) pairs of a concept id, in edge order."""
        if self._edges is not None and "_adjacent" not in self.__dict__:
            return self._edges.around(cid)  # a graph read from its file makes only these edges
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
            "discovered": sum(c.discovered for c in self.concepts.values()),
            "by_type": dict(Counter(c.type for c in self.concepts.values()).most_common()),
            "by_relation": dict(Counter(r.relation for r in self.relations).most_common()),
            "hubs": [
                {"name": self.concepts[cid].name, "type": self.concepts[cid].type, "degree": d}
                for cid, d in sorted(degree.items(), key=lambda kv: (-kv[1], kv[0]))[:hubs]
                if d
            ],
        }
