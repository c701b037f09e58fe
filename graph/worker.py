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

from studygraph.graph.discover import candidates
from studygraph.graph.extract import extract
from studygraph.ingest.spans import split_spans


def main() -> None:
    requests, answers = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr  # a stray print must not corrupt the answers
    gc.disable()  # see graph.heap: nothing a worker makes is cyclic garbage, and it lives one build
    lexicon = None
    kept: dict[str, list] = {}  # chunk id -> its spans, from discovery until extraction
    while True:
        try:
            kind, payload = pickle.load(requests)
        except EOFError:
            return
        if kind == "lexicon":
            lexicon = payload
            continue
        if kind == "discover":
            result: list = []
            for chunk in payload:
                kept[chunk.id] = split_spans(chunk)
                result.append(tuple(candidates(chunk, kept[chunk.id])))
        elif kind == "extract" and lexicon is not None:
            result = [extract(chunk, lexicon, kept.pop(chunk.id, None)) for chunk in payload]
        else:
            raise SystemExit(f"graph worker: unexpected request {kind!r}")
        pickle.dump(result, answers, protocol=pickle.HIGHEST_PROTOCOL)
        answers.flush()


if __name__ == "__main__":
    main()
