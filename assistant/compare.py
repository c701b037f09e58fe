"""Comparison questions: which things a question compares, and whether a span names one.

"Compare CLIP and SigLIP", "What is the difference between early and late fusion?",
"How does BM25 differ from dense retrieval?", "CLIP vs SigLIP" each name two (or
more) sides; an answer should quote what the notes say about each, and the sentence
that contrasts them when the notes have one (assistant/answering.py). Read from the
question's wording alone, so it works on any notes.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

from studygraph.assistant.index import SearchIndex
from studygraph.assistant.quoting import MAX_HITS, Scored, clean, quote, score_spans
from studygraph.assistant.types import Answer, Citation, Hit
from studygraph.ingest.tokenize import tokenize

_SIDE = r"(?P<a>[^?:;]+?)"
_OTHER = r"(?P<b>[^?:;]+?)"
_END = r"\s*(?:[?:;.]|$|,?\s+(?:in|on|within|when|for|regarding|with respect to|and (?:why|how|when|what|which))\b)"
PATTERNS = [
    re.compile(rf"\b(?:compare|comparing|contrast|contrasting)\s+{_SIDE}\s+(?:and|with|to|vs\.?|versus)\s+{_OTHER}{_END}", re.I),
    re.compile(rf"\b(?:difference|differences|distinction|distinguish)\s+(?:between\s+)?{_SIDE}\s+(?:and|from)\s+{_OTHER}{_END}", re.I),
    re.compile(rf"\b(?:how|in what way|why)\s+(?:does|do|is|are)\s+{_SIDE}\s+(?:differ|different|distinct)\s+(?:from|than)\s+{_OTHER}{_END}", re.I),
    re.compile(rf"(?:^|[\s,:])(?:(?:what|how|when|which)\b[^?]*?\b(?:is|are|does|do|use|choose|prefer)\s+)?{_SIDE}\s+(?:vs\.?|versus|compared (?:to|with))\s+{_OTHER}{_END}", re.I),
]
# Words that open the question rather than name a side ("the", "what is", "between").
LEADING = re.compile(
    r"^(?:(?:what|which|why|when|how|is|are|the|a|an|between|of|do|does|should|would|could|can|you|we|i|"
    r"use|using|choose|pick|prefer)\s+)+",
    re.I,
)
LIST_SPLIT = re.compile(r"\s*,\s*(?:and\s+|or\s+)?|\s+(?:and|or)\s+", re.I)
MAX_SIDES = 4
MAX_GROUPS = 3  # passages an answer quotes, as in assistant/answering.py
CLOSE = 0.08  # a second source scoring this close to the best joins the answer, as there
SIDE_HITS = 3  # passages searched for each side
SIDE_ROOM = 160  # characters kept for each further side
MAX_SIDE_WORDS = 4  # a longer "side" is a clause the patterns misread, not a thing compared
# The words that ask for a comparison: no passage answers by repeating them.
CUE = re.compile(r"\b(?:compare[ds]?|comparing|comparison|contrast(?:ing|s)?|differences?|differ(?:s|ent)?|distinction|"
                 r"distinguish|vs\.?|versus)(?=\W|$)", re.I)


def comparison_sides(question: str) -> list[str]:
    """The things a question compares, in its order ([] when it compares nothing).

    "early and late fusion" shares its last word: the sides are "early fusion" and
    "late fusion". A list ("CLIP, SigLIP and DINOv2") gives every item.
    """
    for pattern in PATTERNS:
        m = pattern.search(question)
        if not m:
            continue
        first = [s for s in LIST_SPLIT.split(LEADING.sub("", m.group("a").strip())) if s]
        last = LEADING.sub("", m.group("b").strip()).rstrip(" .?")
        sides = [*first, last] if first else []
        sides = _share_head(sides)
        sides = list({s.strip(" \"'`*").casefold(): s.strip(" \"'`*") for s in sides}.values())
        if 2 <= len(sides) <= MAX_SIDES and all(tokenize(s) and len(s.split()) <= MAX_SIDE_WORDS for s in sides):
            return sides
    return []


def _share_head(sides: Sequence[str]) -> list[str]:
    """"early", "late fusion" -> "early fusion", "late fusion": single-word sides before a
    longer last side borrow its last word when none of them has words of its own beyond one."""
    *firsts, last = sides
    words = last.split()
    if len(words) >= 2 and firsts and all(len(f.split()) == 1 for f in firsts) and all(f.islower() for f in firsts):
        return [f"{f} {words[-1]}" for f in firsts] + [last]
    return list(sides)


def without_cues(question: str) -> str:
    """The question without the words that ask for a comparison, for scoring passages."""
    return re.sub(r"\s+", " ", CUE.sub(" ", question)).strip()


def side_terms(sides: Sequence[str]) -> list[frozenset[str]]:
    """Each side's tokens (what a span must name to speak of it)."""
    return [frozenset(tokenize(s)) for s in sides]


def names(terms: frozenset[str], words: set[str]) -> bool:
    """Whether a text whose tokens are `words` names the side of `terms`."""
    return bool(terms) and terms <= words


def _side_hits(sides: Sequence[str], vector: np.ndarray, hits: Sequence[Hit], index: SearchIndex) -> list[Hit]:
    """The question's top hits, then the best few for each side on its own words: the notes
    may say most about one side in a passage the whole question does not rank first."""
    mode = hits[0].mode if hits else "hybrid"
    out = list(hits[:MAX_HITS])
    seen = {h.chunk.id for h in out}
    for side in sides:
        for rank, r in enumerate(index.rank(mode, tokenize(side), vector, SIDE_HITS), 1):
            chunk = index.chunks[r.index]
            if chunk.id not in seen:
                seen.add(chunk.id)
                out.append(Hit(chunk, r.score, rank, mode))
    return out


def compare_answer(
    question: str, vector: np.ndarray, hits: Sequence[Hit], index: SearchIndex, max_chars: int, sides: Sequence[str],
    ordinary: list[Scored],
) -> tuple[Answer | None, list[str]]:
    """A comparison's answer: the passage that answers the question best, the sentence that
    contrasts the sides when the notes have one, and what they say about each side not
    spoken of yet, each within its share of the budget; and the sides the notes never
    speak of. None when they speak of fewer than two (the ordinary answer then serves)."""
    pool = _side_hits(sides, vector, hits, index)
    scored = [s for s in score_spans(without_cues(question), vector, pool, index, limit=len(pool)) if states(s)]
    terms = side_terms(sides)

    def named_by(s: Scored) -> list[bool]:
        words = set(tokenize(s.span.text)) | set(tokenize(s.span.question))
        return [names(t, words) for t in terms]

    naming = [named_by(s) for s in scored]
    missing = [side for i, side in enumerate(sides) if not any(n[i] for n in naming)]
    if len(sides) - len(missing) < 2:
        return None, missing
    # What the ordinary answer quotes first: the best passage and those that score close to it.
    picks: list[Scored] = []
    keys: set[tuple[str, str]] = set()
    for s in ordinary:
        key = (s.hit.chunk.id, s.span.question)
        if s.score < ordinary[0].score - CLOSE or len(picks) >= MAX_GROUPS - 1:
            break
        if key not in keys:
            keys.add(key)
            picks.append(s)
    first = len(picks)
    said = [named_by(p) for p in picks]
    covered = [any(n[i] and not all(n) for n in said) for i in range(len(sides))]  # a side a quote speaks of alone
    contrast = next((s for s, n in zip(scored, naming) if all(n)), None)
    if contrast is not None and not any(all(n) for n in said) and (contrast.hit.chunk.id, contrast.span.question) not in keys:
        picks.append(contrast)
        keys.add((contrast.hit.chunk.id, contrast.span.question))
    for i in range(len(sides)):
        if covered[i]:
            continue
        # What the notes say about this side alone (else with the others), from a passage not quoted yet.
        own = [s for s, n in zip(scored, naming) if n[i] and not all(n)] or [s for s, n in zip(scored, naming) if n[i]]
        pick = next((s for s in own if (s.hit.chunk.id, s.span.question) not in keys), None)
        if pick is not None:
            keys.add((pick.hit.chunk.id, pick.span.question))
            picks.append(pick)
    if len(picks) == first:
        return None, missing
    parts: list[str] = []
    citations: list[Citation] = []
    for i, pick in enumerate(picks):
        left = max_chars - sum(len(p) + 1 for p in parts)
        # The passages the question ranks first keep their room; each further side has at
        # least a sentence's.
        budget = left - SIDE_ROOM * (len(picks) - first) if i < first else left // (len(picks) - i)
        pool_of = ordinary if i < first else scored
        quoted = quote(pick, [s for s in pool_of if states(s) or s is pick], len(citations) + 1, budget)
        if quoted is None:
            continue
        parts.append(quoted[0])
        citations.append(quoted[1])
    if len(citations) < 2:
        return None, missing
    notice = f"Your notes say nothing about {' or '.join(missing)}." if missing else ""
    return Answer(question, " ".join(parts), tuple(citations), tuple(hits), notice=notice), missing


def states(s: Scored) -> bool:
    """A span that says something (not a question or a prompt that asks it)."""
    return s.span.kind != "prompt" and not clean(s.span.text).endswith("?")
