"""The shipped catalog of the field: names, types and aliases, never relations.

`catalog.json` lists names per type as `"Name | alias | alias"` strings, plus an
`ignore` list of words that look like names (section labels such as "Answer" or
"Pros", company names) and must never become nodes.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from studygraph.graph.model import TYPES
from studygraph.graph.variants import key_of

logger = logging.getLogger(__name__)

CATALOG_PATH = Path(__file__).with_name("catalog.json")


@dataclass(frozen=True)
class Entry:
    """One concept as the catalog or the discovery step names it."""

    name: str
    type: str
    aliases: tuple[str, ...] = ()
    origin: str = "catalog"  # "catalog" | "notes" | "marked" (from the notes, named only where marked: graph.lexicon)

    @property
    def forms(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)

    @property
    def discovered(self) -> bool:
        """Found in the notes ("notes" or "marked"), not named by the shipped catalog."""
        return self.origin != "catalog"


@dataclass(frozen=True)
class Catalog:
    entries: tuple[Entry, ...]
    ignore: frozenset[str] = field(default_factory=frozenset)  # variant keys

    def ignored(self, name: str) -> bool:
        return key_of(name) in self.ignore


def parse_catalog(data: dict) -> Catalog:
    """Build a Catalog from the JSON structure of `catalog.json`.

    Args:
        data: {"types": {type: ["Name | alias", ...]}, "ignore": [name, ...]}.

    Raises:
        ValueError: on an unknown type or an empty name.
    """
    entries: list[Entry] = []
    for kind, names in data.get("types", {}).items():
        if kind not in TYPES:
            raise ValueError(f"unknown concept type {kind!r} in catalog; known: {', '.join(TYPES)}")
        for line in names:
            forms = [f.strip() for f in str(line).split("|") if f.strip()]
            if not forms:
                raise ValueError(f"empty catalog entry under {kind!r}")
            entries.append(Entry(forms[0], kind, tuple(dict.fromkeys(forms[1:]))))
    ignore = frozenset(key_of(name) for name in data.get("ignore", []))
    return Catalog(tuple(entries), ignore)


@lru_cache(maxsize=4)
def _load(path: str) -> Catalog:
    catalog = parse_catalog(json.loads(Path(path).read_text(encoding="utf-8")))
    logger.debug("catalog %s: %d entries", path, len(catalog.entries))
    return catalog


def load_catalog(path: Path | None = None) -> Catalog:
    """The catalog at `path` (default: the one shipped beside this module), cached."""
    return _load(str(path or CATALOG_PATH))
