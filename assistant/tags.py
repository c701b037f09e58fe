"""Tags of Markdown notes, to narrow a search to the notes a student tagged.

Read as Obsidian and Logseq write them: `#tag` and `#nested/tag` in the text,
Logseq's `#[[two words]]` and `tags:: a, b`, and front matter `tags:` (a list or
a comma-separated string). A tag filter `ml` keeps notes tagged `ml` or nested
under it (`ml/vision`), case-insensitive, as Obsidian's tag search does.

Only Markdown notes are read for tags: `#` starts a comment in code and a
heading marker elsewhere, so code fences and inline code are left out, and a
`#` must follow a space or line start and precede a letter ("# Title", "#1",
"page.html#part" and "C#" name no tag). Tags are derived from the indexed
chunk texts, once per index generation: nothing new is stored.
"""

from __future__ import annotations

import re
import weakref
from collections import defaultdict
from collections.abc import Iterable, Mapping

import numpy as np

from studygraph.errors import QueryError
from studygraph.graph.vault import in_vault
from studygraph.ingest.blocks import front_matter
from studygraph.ingest.note import Chunk

TAG = re.compile(r"(?:(?<=\s)|(?<=^)|(?<=[(\[,]))#(?:\[\[(?P<long>[^\]\n]+)\]\]|(?P<tag>[^\W\d][\w/-]*))", re.M)
FENCE = re.compile(r"^[ \t]*(?P<f>`{3,}|~{3,}).*?(?:^[ \t]*(?P=f)[ \t]*$|\Z)", re.M | re.S)
INLINE_CODE = re.compile(r"`[^`\n]*`")
LOGSEQ = re.compile(r"^[ \t-]*tags::[ \t]*(?P<v>.+)$", re.M | re.I)
_CACHE: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _norm(tag: str) -> str:
    return tag.strip().lstrip("#").strip().strip("/").lower()


def _front_matter_tags(text: str) -> list[str]:
    data = front_matter(text)
    found = data.get("tags", data.get("tag"))
    if isinstance(found, str):
        found = re.split(r"[,\s]+", found)
    return [str(t) for t in found if isinstance(t, (str, int))] if isinstance(found, list) else []


def tags_in(text: str) -> set[str]:
    """The tags one piece of a Markdown note carries (lower-cased, without `#`)."""
    found = _front_matter_tags(text)
    body = INLINE_CODE.sub(" ", FENCE.sub(" ", text))
    found += [m.group("long") or m.group("tag") for m in TAG.finditer(body)]
    for m in LOGSEQ.finditer(body):
        found += re.split(r"\s*,\s*", m.group("v").replace("[[", "").replace("]]", ""))
    return {t for t in (_norm(f) for f in found) if t}


def note_tags(chunks: Iterable[Chunk]) -> dict[str, frozenset[str]]:
    """Tags per note (source), over the note's chunks; notes without tags are left out."""
    out: dict[str, set[str]] = defaultdict(set)
    for chunk in chunks:
        if in_vault(chunk.source):
            out[chunk.source] |= tags_in(chunk.text)
    return {source: frozenset(tags) for source, tags in out.items() if tags}


def matches(tags: Iterable[str], wanted: str) -> bool:
    """Whether a note tagged `tags` is kept by the filter `wanted` (itself or nested under it)."""
    want = _norm(wanted)
    return any(t == want or t.startswith(want + "/") for t in tags)


def tags_of_index(index) -> Mapping[str, frozenset[str]]:
    """`note_tags` of a SearchIndex's chunks, computed once per index (one per generation)."""
    cached = _CACHE.get(index)
    if cached is None:
        cached = _CACHE[index] = note_tags(index.chunks)
    return cached


def counts(index) -> dict[str, int]:
    """Each tag with the number of notes carrying it, most used first."""
    per: dict[str, int] = defaultdict(int)
    for tags in tags_of_index(index).values():
        for tag in tags:
            per[tag] += 1
    return dict(sorted(per.items(), key=lambda kv: (-kv[1], kv[0])))


def within(index, wanted: str | None) -> np.ndarray | None:
    """Positions of the chunks of notes tagged `wanted` (None: no filter).

    Raises:
        QueryError: no note carries the tag; the message lists the tags there are.
    """
    if wanted is None:
        return None
    if not _norm(wanted):
        raise QueryError("the tag is empty; give a tag such as 'ml' or '#ml/vision'")
    tagged = {s for s, tags in tags_of_index(index).items() if matches(tags, wanted)}
    if not tagged:
        known = list(counts(index))
        hint = f"; tags in your notes: {', '.join('#' + t for t in known[:15])}" if known else "; no note has tags"
        raise QueryError(f"no note is tagged #{_norm(wanted)}{hint}")
    return np.array([i for i, c in enumerate(index.chunks) if c.source in tagged], dtype=np.int64)

