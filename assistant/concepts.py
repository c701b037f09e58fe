"""The concept graph as the assistant uses it: kept in step with the index
generation, rebuilt from the committed chunks whenever it is missing or stale."""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from pathlib import Path

from assistant.types import Answer, Related
from graph import ConceptGraph, build_graph, load_graph, save_graph
from ingest.atomic import write_json
from ingest.note import Chunk

logger = logging.getLogger(__name__)


def graph_path(home: Path) -> Path:
    return home / "graph" / "graph.json"


def _stamp_path(home: Path) -> Path:
    return home / "graph" / "generation.json"


def stored_generation(home: Path) -> int | None:
    try:
        return int(json.loads(_stamp_path(home).read_text(encoding="utf-8"))["generation"])
    except (OSError, ValueError, KeyError):
        return None


def refresh_graph(home: Path, generation: int, chunks: Sequence[Chunk]) -> ConceptGraph:
    """Build the graph of these chunks (per-chunk extraction is cached) and persist it."""
    graph = build_graph(chunks, cache_dir=home / "graph" / "cache")
    save_graph(graph, graph_path(home))
    write_json(_stamp_path(home), {"generation": generation})
    return graph


def current_graph(home: Path, generation: int, chunks: Sequence[Chunk]) -> ConceptGraph:
    """The stored graph if it matches the index generation, else a fresh one."""
    if stored_generation(home) == generation and graph_path(home).is_file():
        try:
            return load_graph(graph_path(home))
        except (OSError, ValueError, KeyError) as exc:
            logger.warning("concept graph file is unreadable (%s); rebuilding it", exc)
    return refresh_graph(home, generation, chunks)


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
