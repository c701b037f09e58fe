"""Machine-readable shapes of hits and answers, shared by the CLI and the UI."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from studygraph.assistant.types import Answer, Hit
from studygraph.ingest.units import place
from studygraph.lines import label


def display_path(path: str) -> str:
    """The note's path as the user knows it: relative to the cwd when under it."""
    try:
        resolved = Path(path)
        cwd = Path.cwd()
        if resolved.is_relative_to(cwd):
            return os.path.relpath(resolved, cwd)
    except (OSError, ValueError):
        pass
    return path


def cited_at(source: str, start: int, end: int, units: str = "") -> str:
    """Where lines stand, for people: `notes/a.md:12-15`, `paper.pdf p. 3, lines 12-15`,
    `lab.ipynb cell 7, line 2`, `paper.pdf p. 3, line 40 to p. 4, line 2`."""
    where = place(units, start, end)
    if not where:
        return f"{display_path(source)}:{start}-{end}"
    kind = "page" if "page" in where else "cell"
    name = "p. " if kind == "page" else "cell "
    first, last = where[kind], where.get(f"end_{kind}", where[kind])
    if first != last:
        return f"{display_path(source)} {name}{first}, line {where['start_line']} to {name}{last}, line {where['end_line']}"
    return f"{display_path(source)} {name}{first}, {label(where['start_line'], where['end_line'])}"


def hits_json(query: str, mode: str, hits: Sequence[Hit]) -> dict:
    return {
        "query": query,
        "mode": mode,
        "hits": [
            {
                "rank": h.rank,
                "chunk_id": h.chunk.id,
                "source": display_path(h.chunk.source),
                "start_line": h.chunk.start_line,
                "end_line": h.chunk.end_line,
                # A PDF page, slide or notebook cell: "page"/"cell" and lines counted in it.
                **place(h.chunk.units, h.chunk.start_line, h.chunk.end_line),
                "heading": h.chunk.heading,
                "text": h.chunk.text,
                "score": round(float(h.score), 6),
            }
            for h in hits
        ],
    }


def answer_json(answer: Answer) -> dict:
    units = {h.chunk.id: h.chunk.units for h in answer.hits}
    out = {
        "question": answer.question,
        "answer": answer.text,
        "citations": [
            {
                "n": c.n,
                "chunk_id": c.chunk_id,
                "source": display_path(c.source),
                "start_line": c.start_line,
                "end_line": c.end_line,
                **place(units.get(c.chunk_id, ""), c.start_line, c.end_line),
                "heading": c.heading,
                "quote": c.quote,
            }
            for c in answer.citations
        ],
        "related": [
            {
                "concept": r.concept,
                "type": r.type,
                "relation": r.relation,
                "via": r.via,
                "citation": {"source": display_path(r.source), "start_line": r.start_line, "end_line": r.end_line},
            }
            for r in answer.related
        ],
        "found": answer.found,
        "mode": answer.mode,
    }
    if answer.sentences:
        out["sentences"] = [
            {"text": s.text, "citations": list(s.citations), "supported": s.supported, "support": round(s.support, 4)}
            for s in answer.sentences
        ]
    if answer.notice:
        out["notice"] = answer.notice
    if answer.read_as:
        out["read_as"] = answer.read_as
    return out
