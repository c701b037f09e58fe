"""Per-chunk extraction results kept between builds, keyed by chunk id.

Chunk ids come from content, so an unchanged chunk keeps its id and its
cached candidates and facts. Facts depend on the lexicon too: when concepts are
added, removed or retyped, only chunks that mention a changed concept or whose
text contains one of its names are extracted again. Lines are stored as read
and shifted when an edit above a chunk moved it.
"""

from __future__ import annotations

import logging
import pickle
import re
from dataclasses import replace
from pathlib import Path

from studygraph.atomic import write_with
from studygraph.graph.discover import Candidate
from studygraph.graph.extract import ChunkFacts
from studygraph.graph.model import RULES
from studygraph.graph.variants import fold

logger = logging.getLogger(__name__)

VERSION = RULES  # bump graph.model.RULES when extraction rules change what a chunk yields
FILE = "graph-extract.pickle"
_SQUASH = re.compile(r"[\W_]+")


def squash(text: str) -> str:
    """Case- and separator-free text, for cheap `name in text` probes."""
    return _SQUASH.sub("", fold(text))


def shift(facts: ChunkFacts, delta: int) -> ChunkFacts:
    """The same facts for a chunk that moved `delta` lines down its note."""
    if not delta:
        return facts
    return replace(
        facts,
        mentions=tuple((c, a + delta, b + delta) for c, a, b in facts.mentions),
        pairs=tuple((x, y, a + delta, b + delta) for x, y, a, b in facts.pairs),
        typed=tuple((s, t, r, a + delta, b + delta) for s, t, r, a, b in facts.typed),
        definitions=tuple((c, a + delta, b + delta, q, k) for c, a, b, q, k in facts.definitions),
    )


class ExtractionCache:
    """A pickle of builtins and frozen dataclasses in the data directory; a bad file is ignored.

    Attributes:
        candidates: chunk id -> discovery candidates (lexicon-independent).
        facts: chunk id -> (start_line it was extracted at, ChunkFacts).
        signature: concept id -> digest of its names and type when the facts were made.
    """

    def __init__(self, path: Path | None, catalog_key: str) -> None:
        self.path = path
        self.catalog_key = catalog_key
        self.candidates: dict[str, tuple[Candidate, ...]] = {}
        self.facts: dict[str, tuple[int, ChunkFacts]] = {}
        self.signature: dict[str, str] = {}

    @classmethod
    def open(cls, cache_dir: Path | None, catalog_key: str) -> ExtractionCache:
        cache = cls(Path(cache_dir) / FILE if cache_dir else None, catalog_key)
        if cache.path is None or not cache.path.is_file():
            return cache
        try:
            with cache.path.open("rb") as fh:
                data = pickle.load(fh)
            if data.get("version") == VERSION and data.get("catalog") == catalog_key:
                cache.candidates = data["candidates"]
                cache.facts = data["facts"]
                cache.signature = data["signature"]
        except Exception as exc:  # a corrupt or foreign cache only costs a cold build
            logger.warning("ignoring graph cache %s: %s", cache.path, exc)
        return cache

    def save(self, live: set[str]) -> None:
        """Write the cache for the chunks in `live` (evidence of removed chunks is dropped)."""
        if self.path is None:
            return
        data = {
            "version": VERSION,
            "catalog": self.catalog_key,
            "candidates": {k: v for k, v in self.candidates.items() if k in live},
            "facts": {k: v for k, v in self.facts.items() if k in live},
            "signature": self.signature,
        }
        write_with(self.path, lambda handle: pickle.dump(data, handle, protocol=pickle.HIGHEST_PROTOCOL))
