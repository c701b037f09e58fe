"""Turn per-chunk facts into nodes and edges with their evidence.

Typed edges are kept whenever a sentence states them. Untyped pairs become
`related` edges weighted by the Ochiai coefficient of their chunk counts,
n(a,b) / sqrt(n(a) * n(b)): two rare concepts named together score high, a hub
named next to everything scores low. Each concept keeps its strongest few
`related` edges, and none more than MAX_RELATED, so hubs do not link to everything.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from functools import lru_cache

from studygraph.graph.concept_graph import ConceptGraph
from studygraph.graph.extract import ChunkFacts
from studygraph.graph.kinds import defined_type
from studygraph.graph.lexicon import Lexicon
from studygraph.graph.model import SYMMETRIC, Concept, Evidence, Relation
from studygraph.graph.variants import name_words
from studygraph.ingest.note import Chunk

MIN_RELATED = 0.3  # Ochiai score below which a single co-occurrence is noise
MIN_SHARED = 2  # ...unless the pair co-occurs in this many chunks
TOP_RELATED = 6  # related edges a concept keeps, strongest first
MAX_EVIDENCE = 8  # evidence entries stored per edge
# ...and at most this many related edges in all: a hub named next to everything kept one from every
# concept that counted it among its strongest six ("Function" had 679 edges on the 12 MB Python docs).
# The blind teachers' relations joined were the same on five corpora with 20, 40 or no cap.
MAX_RELATED = 20


def _evidence(chunk: Chunk, start: int, end: int) -> Evidence:
    # Edge and passage evidence is cited by lines; quoting every one would cost more than the build.
    return Evidence(chunk.id, chunk.source, start, end)


def assemble(facts: Sequence[tuple[Chunk, ChunkFacts]], lexicon: Lexicon) -> ConceptGraph:
    """Nodes for every concept the chunks mention; typed and related edges between them."""
    ordered = sorted(facts, key=lambda cf: (cf[0].source, cf[0].start_line))
    passages: dict[str, list[Evidence]] = defaultdict(list)
    # Per pair: the chunks naming both (a count) and the first MAX_EVIDENCE of them. Measured on the
    # 12 MB Python docs: a dict of every chunk's evidence per pair took the build's peak from ~55
    # to ~159 MB of Python objects (hundreds of thousands of pairs named once or twice).
    pair_counts: dict[tuple[str, str], int] = defaultdict(int)
    pair_evidence: dict[tuple[str, str], list[Evidence]] = {}
    typed: dict[tuple[str, str, str], dict[tuple[str, int], Evidence]] = defaultdict(dict)
    definitions: dict[str, tuple[int, Evidence]] = {}
    for chunk, fact in ordered:
        for cid, start, end in fact.mentions:
            passages[cid].append(_evidence(chunk, start, end))
        in_chunk: set[tuple[str, str]] = set()
        for a, b, start, end in fact.pairs:
            if (a, b) in in_chunk:
                continue  # a pair counts once per chunk, with its first lines there
            in_chunk.add((a, b))
            pair_counts[(a, b)] += 1
            kept = pair_evidence.setdefault((a, b), [])
            if len(kept) < MAX_EVIDENCE:
                kept.append(_evidence(chunk, start, end))
        for src, tgt, rel, start, end in fact.typed:
            if rel in SYMMETRIC:
                src, tgt = sorted((src, tgt))
            typed[(src, tgt, rel)].setdefault((chunk.id, start), _evidence(chunk, start, end))
        for cid, start, end, text, rank in fact.definitions:
            if cid not in definitions or rank < definitions[cid][0]:
                definitions[cid] = (rank, Evidence(chunk.id, chunk.source, start, end, text))

    counts = {cid: len({e.chunk_id for e in evs}) for cid, evs in passages.items()}

    def ochiai(a: str, b: str) -> float:
        shared = pair_counts.get(tuple(sorted((a, b))), 0)  # type: ignore[arg-type]
        return round(shared / math.sqrt(counts.get(a, 1) * counts.get(b, 1)), 4) if shared else 0.0

    relations: list[Relation] = []
    linked: set[tuple[str, str]] = set()
    for (src, tgt, rel), by_line in typed.items():
        if src in counts and tgt in counts and src != tgt:
            relations.append(Relation(src, tgt, rel, ochiai(src, tgt), tuple(by_line.values())[:MAX_EVIDENCE]))
            linked.add(tuple(sorted((src, tgt))))  # type: ignore[arg-type]
    # A heading's subject pairs with the lines under it even where a chunk starts below the heading.
    named = {}
    for (a, b), n in pair_counts.items():
        if a not in counts or b not in counts or (a, b) in linked:
            continue
        nest = _nested(lexicon.entries[a].name, lexicon.entries[b].name)
        if nest == "kind":  # "standard coset table" beside "coset table": a kind of it
            long, short = (a, b) if len(_words(lexicon.entries[a].name)) > len(_words(lexicon.entries[b].name)) else (b, a)
            relations.append(Relation(long, short, "is_a", ochiai(a, b), tuple(pair_evidence[(a, b)])))
            linked.add((a, b))
        elif nest != "same":
            named[(a, b)] = n
    relations += _related(named, pair_evidence, linked, ochiai)

    concepts = {}
    for cid, evs in passages.items():
        entry = lexicon.entries[cid]
        definition = definitions.get(cid, (0, None))[1]
        chunk_ids = tuple(dict.fromkeys(e.chunk_id for e in evs))
        kind = entry.type
        if kind == "concept" and definition is not None:
            kind = defined_type(entry.name, definition.quote) or kind
        concepts[cid] = Concept(cid, entry.name, kind, entry.aliases, chunk_ids, definition, entry.origin)
    return ConceptGraph(concepts, relations, {cid: tuple(evs) for cid, evs in passages.items()})


@lru_cache(maxsize=65536)
def _words(name: str) -> tuple[str, ...]:
    """A concept name's words, lower-cased; asked for once per co-occurring pair (174k on 12 MB of notes)."""
    return tuple(name_words(name.lower()))


def _nested(a: str, b: str) -> str:
    """How two names nest, for a pair named side by side:

    "kind": the longer ends in the shorter, a head with modifiers before it ("standard coset table" /
    "coset table", "Bayesian R-squared" / "R-squared"): a kind of it, as the blind teachers drew it.
    "same": the longer opens with the shorter and adds a head ("MIDX" / "MIDX file", "extended real" /
    "extended real number", "sparse checkout" / "... support"): one thing said twice; a blind judge
    rejected such `related` edges as duplicates on four corpora. "": no nesting, or code names
    (`solveset` / `solveset_real`, `stan_lmer` / `lmer`), which stay related.
    """
    x, y = _words(a), _words(b)
    short, long = (x, y) if len(x) <= len(y) else (y, x)
    if len(short) >= len(long) or "_" in a + b:
        return ""  # code names nest by naming convention, not meaning (`stan_lmer` is no kind of `lmer`)
    if long[-len(short) :] == short:
        return "kind"
    if long[: len(short)] == short:
        return "same"
    return ""


def _related(pair_counts, pair_evidence, linked, ochiai) -> list[Relation]:
    """`related` edges: pairs without a typed edge, strong enough, among each end's strongest few."""
    scored = [
        (ochiai(a, b), a, b)
        for (a, b), shared in pair_counts.items()
        if (a, b) not in linked and a != b and (shared >= MIN_SHARED or ochiai(a, b) >= MIN_RELATED)
    ]
    scored.sort(key=lambda s: (-s[0], s[1], s[2]))
    kept_per_node: dict[str, int] = defaultdict(int)
    out: list[Relation] = []
    for score, a, b in scored:
        if (kept_per_node[a] >= TOP_RELATED and kept_per_node[b] >= TOP_RELATED) or max(kept_per_node[a], kept_per_node[b]) >= MAX_RELATED:
            continue
        kept_per_node[a] += 1
        kept_per_node[b] += 1
        evidence = tuple(pair_evidence[(a, b)])
        out.append(Relation(a, b, "related", score, evidence))
    return out
