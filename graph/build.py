"""build_graph: committed chunks in, concept graph out.

Pure derivation: discovery (per chunk, cached) -> selection of new concepts ->
lexicon -> per-chunk facts (cached, re-extracted only where the lexicon change
can matter) -> assembly of nodes and edges with their evidence.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

from studygraph.graph.assemble import assemble
from studygraph.graph.cache import ExtractionCache, shift, squash
from studygraph.graph.catalog import Catalog, Entry, load_catalog
from studygraph.graph.concept_graph import ConceptGraph
from studygraph.graph.extract import ChunkFacts
from studygraph.graph.heap import no_cyclic_gc
from studygraph.graph.lexicon import Lexicon
from studygraph.graph.parallel import Readers
from studygraph.graph.selection import select
from studygraph.graph.variants import slug
from studygraph.graph.vault import in_vault, note_name
from studygraph.ingest.note import Chunk

logger = logging.getLogger(__name__)

FIELD_NAMES = 3  # distinct catalog names the notes must use before the catalog applies
FULL_RESCAN = 200  # past this many changed concepts, probing chunk by chunk costs more than re-extracting


def _catalog_key(catalog: Catalog) -> str:
    text = repr(sorted((e.name, e.type, e.aliases) for e in catalog.entries)) + repr(sorted(catalog.ignore))
    return hashlib.blake2b(text.encode(), digest_size=12).hexdigest()


@lru_cache(maxsize=4)
def _base_lexicon(catalog: Catalog) -> Lexicon:
    return Lexicon({slug(e.name): e for e in catalog.entries})


def _entries(catalog: Catalog, discovered: Sequence[Entry], extra_aliases: dict[str, tuple[str, ...]]) -> dict[str, Entry]:
    out: dict[str, Entry] = {}
    for entry in catalog.entries:
        cid = slug(entry.name)
        if cid in extra_aliases:
            entry = Entry(entry.name, entry.type, tuple(dict.fromkeys(entry.aliases + extra_aliases[cid])), entry.origin)
        out[cid] = entry
    for entry in discovered:
        cid, n = slug(entry.name), 2
        while cid in out:
            cid, n = f"{slug(entry.name)}-{n}", n + 1
        out[cid] = entry
    return out


def build_graph(chunks: Sequence[Chunk], *, cache_dir: Path | None = None, catalog: Catalog | None = None) -> ConceptGraph:
    """Derive the concept graph of a set of chunks.

    Args:
        chunks: the committed chunks (every note's current chunks).
        cache_dir: where per-chunk extraction results are kept between builds; None for no cache.
        catalog: names, types and aliases of the field (default: the shipped catalog).

    Returns:
        The graph: concepts mentioned in the chunks and evidence-backed edges between them.
    """
    with no_cyclic_gc(), Readers() as readers:
        return _build(chunks, cache_dir, catalog, readers)


def _build(chunks: Sequence[Chunk], cache_dir: Path | None, catalog: Catalog | None, readers: Readers) -> ConceptGraph:
    started = time.perf_counter()
    catalog = catalog or load_catalog()
    cache = ExtractionCache.open(cache_dir, _catalog_key(catalog))
    base = _base_lexicon(catalog)

    unread = [chunk for chunk in chunks if chunk.id not in cache.candidates]
    cache.candidates.update(zip((c.id for c in unread), readers.discover(unread)))
    per_chunk = {chunk.id: cache.candidates[chunk.id] for chunk in chunks}
    stages = {"discover": time.perf_counter() - started}
    if not _notes_of_field(catalog, per_chunk, base):
        catalog = Catalog((), catalog.ignore)
        base = _base_lexicon(catalog)
    selection = select(per_chunk, catalog, base, {c.id: c.source for c in chunks})
    lexicon = Lexicon(_entries(catalog, selection.entries, selection.catalog_aliases))
    stages["select"] = time.perf_counter() - started - sum(stages.values())

    signature = lexicon.signature()
    changed = {cid for cid in signature.keys() | cache.signature.keys() if signature.get(cid) != cache.signature.get(cid)}
    probes = [p for cid in changed if cid in lexicon.entries for p in lexicon.probes(cid)]
    stale = [c for c in chunks if (f := cache.facts.get(c.id)) is None or not _still_valid(f[1], c, changed, probes)]
    cache.facts.update((c.id, (c.start_line, result)) for c, result in zip(stale, readers.extract(stale, lexicon)))
    readers.close()  # the workers' memory is not needed for assembly
    stages["extract"] = time.perf_counter() - started - sum(stages.values())
    facts: list[tuple[Chunk, ChunkFacts]] = []
    for chunk in chunks:
        start, result = cache.facts[chunk.id]
        facts.append((chunk, shift(result, chunk.start_line - start)))
    fresh = len(stale)
    live = {c.id for c in chunks}
    dirty = fresh or signature != cache.signature or len(live) != len(cache.facts) or not cache.path or not cache.path.exists()
    cache.signature = signature
    graph = assemble(facts, lexicon)
    if dirty:
        cache.save(live)
    stages["assemble"] = time.perf_counter() - started - sum(stages.values())
    logger.info(
        "graph: %d chunks (%d extracted), %d concepts, %d edges in %.2fs (%s)",
        len(chunks), fresh, len(graph.concepts), len(graph.relations), time.perf_counter() - started,
        ", ".join(f"{stage} {seconds:.2f}s" for stage, seconds in stages.items()),
    )
    return graph


def _notes_of_field(catalog: Catalog, per_chunk: dict, base: Lexicon) -> bool:
    """Whether the notes are of the catalog's field: they spell at least FIELD_NAMES of its
    concepts' own names exactly, capitals included (CLIP, SigLIP, BLIP-2).

    Otherwise the catalog stays out: in notes of statistics or version control its aliases
    read as other things ("SSL" is a secure socket there, "ROPE" a region of practical
    equivalence, "autoregressive" an ordinary adjective). Matching an alias does not count, nor
    does a capitalised word: "Accuracy", "Precision" and "Wikipedia" opening sentences let the
    multimodal catalog into the SymPy docs and the R vignettes (their "Diffusion", a reaction-time
    model, became the catalog's architecture).
    """
    if not catalog.entries:
        return False
    named: set[str] = set()
    distinct: set[str] = set()
    for found in per_chunk.values():
        for cand in found:
            if cand.how in ("phrase", "code", "capital"):
                continue  # a capitalised word ("Accuracy", "Wikipedia" opening a sentence) spells no field
            distinct.add(cand.name)
            if (cid := base.lookup(cand.name)) and base.entries[cid].name == cand.name:
                named.add(cid)
    # A note or two naming only a few things at all needs fewer of them to be the catalog's.
    return len(named) >= min(FIELD_NAMES, max(1, len(distinct) // 10))


def _still_valid(facts: ChunkFacts, chunk: Chunk, changed: set[str], probes: list[str]) -> bool:
    if not changed:
        return True
    if len(changed) > FULL_RESCAN or facts.concepts() & changed:
        return False
    if in_vault(chunk.source) and slug(note_name(chunk.source)) in changed:
        return False  # the note's own page became (or stopped being) a concept: its links change source
    text = squash(chunk.text)
    return not any(p in text for p in probes)
