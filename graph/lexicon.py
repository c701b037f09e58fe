"""Find the concepts a text names: longest match over variant keys.

Every name and alias is reduced to its variant key (see `graph.variants`). A
text is scanned token by token; from each token we extend over tokens joined by
spaces, hyphens, dashes or slashes while the accumulated key is still a prefix
of some name, and keep the longest name found. Strict names (acronyms,
mixed-case and capitalised model names) must also match their capitals.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass

from studygraph.graph.catalog import Entry
from studygraph.graph.variants import case_keys, exact_forms, is_strict, key_of, name_words, plural_stem, token_key, token_spans

MAX_TOKENS = 8
# Around a word the notes mark as a name: code, emphasis, quotes, a list term ("union::").
MARKS = frozenset("`*_'\"‘’“”")
# ...or where a sentence defines it: "is called the annihilator", "The likelihood is a product of ...".
CALLED_BEFORE = re.compile(r"\b(?:called|known as|termed|named|denoted)\s+(?:the\s+|an?\s+)?$", re.I)
OPENS_DEFINITION = re.compile(r"^\W*(?:the\s+|an?\s+)?$", re.I)
IS_AFTER = re.compile(r"\s+(?:is|are)\s+(?:an?|the)\s", re.I)


@dataclass(frozen=True)
class Match:
    concept_id: str
    start: int  # character offsets in the scanned text
    end: int


class Lexicon:
    """Names and aliases of a set of concepts, ready for matching.

    Args:
        entries: concept id -> Entry (name, type, aliases).
    """

    def __init__(self, entries: Mapping[str, Entry]) -> None:
        self.entries = dict(entries)
        self.types = {cid: e.type for cid, e in self.entries.items()}
        self._by_key: dict[str, list[tuple[str, frozenset[str] | None, bool]]] = {}
        self._prefixes: set[str] = set()
        for cid, entry in self.entries.items():
            cased = entry.discovered and not any(f[:1].islower() for f in entry.forms)
            for form in entry.forms:
                self._add(cid, form, entry.type, cased, entry.origin == "marked")

    def _add(self, cid: str, form: str, kind: str, cased: bool = False, marked: bool = False) -> None:
        words = name_words(form)
        if not words:
            return
        key = key_of(form)
        # A one-word name the notes only ever capitalise (the class `Set`, the title `Flamingo`) is not
        # the plain word ("a set of equations"); catalog names keep their own rule.
        strict = is_strict(form, kind) or (cased and len(words) == 1 and form[:1].isupper())
        exact = frozenset(exact_forms(form)) if strict else None
        bucket = self._by_key.setdefault(key, [])
        if all(c != cid or e != exact for c, e, _ in bucket):
            bucket.append((cid, exact, marked))
        raw = "".join(token_key(w) for w in words)
        for text in (key, raw):
            for i in range(1, len(text) + 1):
                self._prefixes.add(text[:i])

    def signature(self) -> dict[str, str]:
        """Concept id -> digest of its names, type and case rules; tells which concepts changed."""
        out: dict[str, str] = {}
        for cid, entry in self.entries.items():
            text = "\x1f".join((entry.type, *sorted(entry.forms)))
            out[cid] = hashlib.blake2b(text.encode(), digest_size=8).hexdigest()
        return out

    def probes(self, cid: str) -> set[str]:
        """Separator-free lowercase strings, one of which occurs in any text that names `cid`."""
        entry = self.entries[cid]
        out = set()
        for form in entry.forms:
            raw = re.sub(r"[\W_]+", "", "".join(token_key(w) for w in name_words(form)))
            out.add(raw[:-1] if len(raw) > 4 else raw)
        return out

    def lookup(self, name: str) -> str | None:
        """The concept id a user-typed name refers to, ignoring case and separators."""
        bucket = self._by_key.get(key_of(name))
        return bucket[0][0] if bucket else None

    def find(self, text: str) -> list[Match]:
        """Non-overlapping, longest-first mentions in `text`, left to right."""
        spans = token_spans(text)
        folded = text.lower() if text.isascii() else None  # same offsets; fold per token otherwise
        out: list[Match] = []
        i = 0
        n = len(spans)
        prefixes, by_key = self._prefixes, self._by_key
        while i < n:
            acc = ""
            best: tuple[int, str] | None = None
            for j in range(i, min(n, i + MAX_TOKENS)):
                start, end, joined = spans[j]
                if j > i and not joined:
                    break
                piece = folded[start:end] if folded is not None else token_key(text[start:end])
                stemmed = acc + plural_stem(piece)
                acc += piece
                bucket = by_key.get(acc)
                cid = _accept(bucket, text, spans, i, j) if bucket else None
                if cid is None and stemmed != acc:
                    bucket = by_key.get(stemmed)
                    cid = _accept(bucket, text, spans, i, j) if bucket else None
                if cid:
                    best = (j, cid)
                if acc not in prefixes:
                    break
            if best:
                j, cid = best
                out.append(Match(cid, spans[i][0], spans[j][1]))
                i = j + 1
            else:
                i += 1
        return out

    def mentioned(self, text: str) -> list[str]:
        """Concept ids named in `text`, first mention order, without repeats."""
        return list(dict.fromkeys(m.concept_id for m in self.find(text)))


def _accept(bucket: list[tuple[str, frozenset[str] | None, bool]], text: str, spans: list, i: int, j: int) -> str | None:
    keys: tuple[str, str] | None = None
    for cid, forms, marked in bucket:
        if marked and not _marked(text, spans[i][0], spans[j][1]):
            continue
        if forms is None:
            return cid
        if keys is None:
            keys = case_keys([text[a:b] for a, b, _ in spans[i : j + 1]])
        if keys[0] in forms or keys[1] in forms:
            return cid
    return None


def _marked(text: str, start: int, end: int) -> bool:
    """Whether the words at text[start:end] stand marked as a name: in code, emphasis or quotes, as a
    list term ("union::"), as the whole line (a heading "show"), or where a sentence defines them."""
    before, after = text[start - 1 : start], text[end : end + 1]
    if before in MARKS or after in MARKS or text.startswith("::", end) or not (text[:start] + text[end:]).strip(" #=-~^:*`"):
        return True
    return bool(CALLED_BEFORE.search(text, max(0, start - 40), start)
                or (OPENS_DEFINITION.match(text[:start]) and IS_AFTER.match(text, end)))
