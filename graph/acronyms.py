"""Acronym / long-form pairs: `ASR (Automatic Speech Recognition)`,
`Masked Language Modeling (MLM)`, `HNSW — Hierarchical Navigable Small World`.

The check is Schwartz & Hearst's (2003): every character of the short form must
appear, in order, in the long form, the first one at the start of a word.
"""

from __future__ import annotations

import re

SHORT = r"[A-Z][A-Za-z0-9]*(?:[-./][A-Za-z0-9]+)*"
# SHORT (Long Form, 2023)  and  Long Form (SHORT)
SHORT_THEN_LONG = re.compile(rf"(?<![\w-])(?P<short>{SHORT})\s*\((?P<long>[A-Za-z][^()\n]{{3,90}}?)(?:,[^()\n]*)?\)")
# ...and Long Form (SHORT, Author 2019): the citation after the short form is not part of it
LONG_THEN_SHORT = re.compile(rf"(?P<long>(?:[\w'’\-–]+\s+){{1,9}}[\w'’\-–]+)\s*\((?P<short>{SHORT})(?=\)|[,;]\s)")
# Where LONG_THEN_SHORT can match at all: it tries every word of a line, a fifteenth of a graph build.
OPEN_CAPITAL = re.compile(r"\([A-Z]")


def _letters(short: str) -> str:
    return "".join(c for c in short.lower() if c.isalnum())


def matches(short: str, long: str) -> bool:
    """True when `long` spells out `short` (Schwartz & Hearst's character test)."""
    s, low = _letters(short), long.lower()
    if len(s) < 2 or len(low) <= len(s) or len(long.split()) > 2 * len(s) + 2:
        return False
    si, li = len(s) - 1, len(low) - 1
    while si >= 0:
        ch = s[si]
        while li >= 0 and (low[li] != ch or (si == 0 and li > 0 and low[li - 1].isalnum())):
            li -= 1
        if li < 0:
            return False
        si -= 1
        li -= 1
    return True


def best_long_form(short: str, words_before: str) -> str | None:
    """The shortest tail of `words_before` that spells out `short`, if any."""
    words = words_before.split()
    for size in range(1, min(len(words), 2 * len(_letters(short)) + 2) + 1):
        candidate = " ".join(words[-size:])
        if not candidate[:1].isalpha() or candidate.split()[0].lower() in ("the", "a", "an", "of", "and"):
            continue
        if matches(short, candidate) and candidate[:1].lower() == _letters(short)[:1]:
            return candidate
    return None


def pairs(text: str) -> list[tuple[str, str]]:
    """(short, long) pairs a line of text declares."""
    out: list[tuple[str, str]] = []
    if "(" not in text:
        return out
    for m in SHORT_THEN_LONG.finditer(text):
        short, long = m.group("short"), m.group("long").strip()
        if _is_short(short) and matches(short, long) and long[:1].lower() == _letters(short)[:1]:
            out.append((short, long))
    for m in LONG_THEN_SHORT.finditer(text) if OPEN_CAPITAL.search(text) else ():
        short = m.group("short")
        if not _is_short(short):
            continue
        long = best_long_form(short, m.group("long"))
        if long:
            out.append((short, long))
    return out


def _is_short(short: str) -> bool:
    """Short forms carry capitals (ASR, LLaVA, DINOv2) and no more than 12 characters."""
    return 2 <= len(short) <= 12 and sum(c.isupper() for c in short) >= 2


def spells_out(short: str, text: str) -> str | None:
    """The leading words of `text` when they spell out `short` (`HNSW? Hierarchical Navigable...`)."""
    words = re.findall(r"[\w'’\-–]+", text)[: 2 * len(_letters(short)) + 2]
    for size in range(2, len(words) + 1):
        candidate = " ".join(words[:size])
        spelled = candidate[:1].lower() == _letters(short)[:1] and matches(short, candidate)
        if spelled and all(w[:1].isupper() for w in words[:size] if len(w) > 3) and candidate in text:
            return candidate
    return None
