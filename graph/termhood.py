"""C-value termhood of recurring noun phrases (Frantzi, Ananiadou & Mima 2000).

A phrase that recurs is a term when it recurs on its own, not only inside one
longer phrase: `C(a) = log2(|a|) * (f(a) - mean f(b) over the longer candidates
b that contain a)`, f counting every occurrence, nested ones included. So
"coset table" counts although it mostly appears in "standard coset table",
while "predictive density", seen only inside "posterior predictive density",
scores 0.

The bar is fixed, not fitted: a two-word phrase must stand on its own at least
twice (C >= 2), in at least two chunks, or three times in one.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from studygraph.graph.phrases import sub_terms
from studygraph.graph.variants import key_of

MIN_C_VALUE = 2.0
MIN_ONE_PASSAGE = 3  # a short note is one chunk: three uses in it make a term too


@dataclass
class Term:
    """One multi-word candidate: its C-value, the chunks holding it and its spellings."""

    c_value: float = 0.0
    frequency: int = 0
    chunks: set[str] = field(default_factory=set)
    forms: Counter[str] = field(default_factory=Counter)


def c_values(occurrences: Iterable[tuple[str, str]]) -> dict[str, Term]:
    """Variant key -> Term for every multi-word candidate, given (maximal noun phrase, chunk id)
    for each occurrence."""
    maximal: Counter[tuple[str, str]] = Counter(occurrences)
    freq: Counter[str] = Counter()
    length: dict[str, int] = {}
    containers: dict[str, set[str]] = defaultdict(set)
    terms: dict[str, Term] = defaultdict(Term)
    parts_of: dict[str, list[tuple[str, str]]] = {}
    for (phrase, chunk_id), n in maximal.items():
        if phrase not in parts_of:
            parts_of[phrase] = [(part, key_of(part)) for part in sub_terms(phrase)]
        top = key_of(phrase)
        for part, key in parts_of[phrase]:
            freq[key] += n
            length[key] = len(part.split())
            term = terms[key]
            term.chunks.add(chunk_id)
            term.forms[part] += n
            if key != top:
                containers[key].add(top)
    for key, term in terms.items():
        longer = containers.get(key)
        nested = sum(freq[b] for b in longer) / len(longer) if longer else 0.0
        term.c_value = math.log2(max(length[key], 2)) * (freq[key] - nested)
        term.frequency = freq[key]
    return dict(terms)


def is_term(term: Term) -> bool:
    """Recurs on its own enough to be a term (see the module's note on the bar)."""
    return term.c_value >= MIN_C_VALUE and (len(term.chunks) >= 2 or term.frequency >= MIN_ONE_PASSAGE)
