"""A graph-build worker process (see `graph.parallel`): reads pickled requests on stdin,
writes one pickled list of results per batch on stdout, exits at end of input.

Requests: ("discover", chunks) answers each chunk's discovery candidates and keeps its spans;
("lexicon", Lexicon) keeps the lexicon; ("extract", chunks) answers each chunk's facts, with
the spans kept for it (then let go) or split anew.
"""

from __future__ import annotations

import gc
import pickle
import sys
from typing import Any

from studygraph.graph.discover import Candidate, candidates
from studygraph.graph.extract import ChunkFacts, extract
from studygraph.graph.lexicon import Lexicon
from studygraph.ingest.note import Chunk
from studygraph.ingest.spans import Span, split_spans


class Reader:
    """What a worker remembers between requests, and how it answers them (also used in-process)."""

    def __init__(self) -> None:
        self.lexicon: Lexicon | None = None
        self.kept: dict[str, list[Span]] = {}  # chunk id -> its spans, from discovery until extraction

    def answer(self, kind: str, payload: Any) -> list | None:
        """The results of one request (None for the lexicon, which has none)."""
        if kind == "lexicon":
            self.lexicon = payload
            return None
        if kind == "discover":
            return self.discover(payload)
        if kind == "extract" and self.lexicon is not None:
            return self.extract(payload, self.lexicon)
        raise ValueError(f"graph worker: unexpected request {kind!r}")

    def discover(self, chunks: list[Chunk]) -> list[tuple[Candidate, ...]]:
        """Each chunk's discovery candidates; its spans are kept for its extraction."""
        result = []
        for chunk in chunks:
            self.kept[chunk.id] = split_spans(chunk)
            result.append(tuple(candidates(chunk, self.kept[chunk.id])))
        return result

    def extract(self, chunks: list[Chunk], lexicon: Lexicon) -> list[ChunkFacts]:
        """Each chunk's facts, from the spans kept for it (then let go) or split anew."""
        return [extract(chunk, lexicon, self.kept.pop(chunk.id, None)) for chunk in chunks]


def main() -> None:
    requests, answers = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr  # a stray print must not corrupt the answers
    gc.disable()  # see graph.heap: nothing a worker makes is cyclic garbage, and it lives one build
    reader = Reader()
    while True:
        try:
            kind, payload = pickle.load(requests)
        except EOFError:
            return
        result = reader.answer(kind, payload)
        if result is not None:
            pickle.dump(result, answers, protocol=pickle.HIGHEST_PROTOCOL)
            answers.flush()


if __name__ == "__main__":
    main()
