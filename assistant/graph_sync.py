"""The concept graph as the assistant uses it: kept in step with the index
generation, rebuilt from the committed chunks whenever it is missing or stale."""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
from collections.abc import Sequence
from pathlib import Path

from studygraph.assistant.types import Answer, Related
from studygraph.atomic import write_bytes, write_json
from studygraph.errors import QueryError
from studygraph.graph import ConceptGraph
from studygraph.graph.model import RULES, ConceptCard
from studygraph.graph.persist import graph_to_json, load_lexicon, parse_graph, save_lexicon
from studygraph.ingest.note import Chunk

logger = logging.getLogger(__name__)


def graph_path(home: Path) -> Path:
    return home / "graph" / "graph.json"


def _stamp_path(home: Path) -> Path:
    return home / "graph" / "generation.json"


def _lexicon_path(home: Path) -> Path:
    return home / "graph" / "lexicon.pickle"


def _stamped(home: Path, catalog: bool) -> tuple[int, str, bytes] | None:
    """(generation, sha256, bytes) of the stored graph file when its stamp describes exactly
    those bytes and this catalog setting; None if missing, unreadable or crossed."""
    try:
        stamp = json.loads(_stamp_path(home).read_text(encoding="utf-8"))
        generation = int(stamp["generation"])
        data = graph_path(home).read_bytes()
    except (OSError, ValueError, KeyError, TypeError):
        return None
    # Two processes may refresh the graph at once; the digest ties the stamp to
    # the one graph file it describes, so a crossed pair reads as stale.
    if stamp.get("catalog", True) != catalog or stamp.get("rules") != RULES:
        return None  # the other catalog setting, or a graph the rules of another release made
    digest = hashlib.sha256(data).hexdigest()
    return (generation, digest, data) if stamp.get("sha256") == digest else None


def stored_generation(home: Path, catalog: bool = True) -> int | None:
    """The index generation the stored graph was built from, or None if it is
    missing, unreadable, not the file the stamp was written for, or built with the
    catalog switched the other way."""
    stamped = _stamped(home, catalog)
    return stamped[0] if stamped else None


def refresh_graph(home: Path, generation: int, chunks: Sequence[Chunk], catalog: bool = True) -> ConceptGraph:
    """Build the graph of these chunks (per-chunk extraction is cached) and persist it.

    `catalog=False` leaves the shipped catalog out: every concept then comes from the notes.
    """
    from studygraph.graph import build_graph  # the extraction rules: only when the graph is stale
    from studygraph.graph.catalog import Catalog

    graph = build_graph(chunks, cache_dir=home / "graph" / "cache", catalog=None if catalog else Catalog(()))
    # The same bytes save_graph writes, digested before another process can replace them.
    data = json.dumps(graph_to_json(graph), ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    digest = hashlib.sha256(data).hexdigest()
    write_bytes(graph_path(home), data)
    save_lexicon(graph, _lexicon_path(home), digest)
    write_json(_stamp_path(home), {"generation": generation, "sha256": digest, "catalog": catalog, "rules": RULES})
    return graph


def current_graph(home: Path, generation: int, chunks: Sequence[Chunk], catalog: bool = True) -> ConceptGraph:
    """The stored graph if it matches the index generation (and catalog setting), else a fresh one."""
    stamped = _stamped(home, catalog)
    if stamped and stamped[0] == generation:
        _, digest, data = stamped  # the bytes that were checked are the bytes read
        try:
            lexicon = load_lexicon(_lexicon_path(home), digest)
            graph = parse_graph(data, lexicon)
            if lexicon is None:  # a graph saved before lexicons were kept: keep this one for the next load
                with contextlib.suppress(OSError):
                    save_lexicon(graph, _lexicon_path(home), digest)
            return graph
        except (OSError, ValueError, KeyError) as exc:
            logger.warning("concept graph file is unreadable (%s); rebuilding it", exc)
    return refresh_graph(home, generation, chunks, catalog)


def graph_problem(home: Path, generation: int, catalog: bool = True) -> str | None:
    """Why the stored graph does not match index generation `generation` (None if it does)."""
    stored = stored_generation(home, catalog)
    if stored == generation:
        return None
    if stored is None:
        return ("the concept graph is missing, unreadable, does not match its stamp, or was built with the other catalog "
                "setting or by an older release's rules")
    return f"the concept graph is of generation {stored}, the index of {generation}"


def with_related(answer: Answer, graph: ConceptGraph, limit: int = 6) -> Answer:
    """Fill `related` with concepts worth studying next, each with its evidence line."""
    if not answer.found:
        return answer
    chunk_ids = [c.chunk_id for c in answer.citations] + [h.chunk.id for h in answer.hits]
    suggestions = graph.related(answer.question, answer.text, chunk_ids, limit=limit)
    related = tuple(
        Related(s.concept, s.type, s.relation, s.via, s.source, s.start_line, s.end_line) for s in suggestions
    )
    return Answer(**{**answer.__dict__, "related": related})


def concept_card(graph: ConceptGraph, name: str) -> ConceptCard:
    """The card of the concept called `name` (or an alias of it).

    Raises:
        QueryError: no such concept; the message names the closest ones.
    """
    card = graph.card(name)
    if card is None:
        close = graph.suggest(name)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        raise QueryError(f"no concept named {name!r} in your notes{hint}")
    return card
