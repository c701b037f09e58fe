"""Check a model's reply sentence by sentence against the passages it cites.

Invalid citation numbers are dropped; a sentence is supported when its cited
passages back it (see `support.py`); citations are renumbered to the exact spans
quoted, in order of first use. A reply that repeats an instruction planted in a
note is rejected as a whole.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from studygraph.assistant.llm.claims import Claim, split_claims
from studygraph.assistant.llm.guard import is_instruction, payload_terms
from studygraph.assistant.llm.prompt import NO_ANSWER
from studygraph.assistant.llm.support import (
    THRESHOLDS,
    Embed,
    Passage,
    Support,
    Thresholds,
    claim_terms,
    combined,
    prepare,
    score,
)
from studygraph.assistant.types import Citation, Hit, Sentence
from studygraph.ingest.spans import Span, split_spans

ECHOED_INSTRUCTION = "the reply repeated an instruction found in the notes"
TAIL = re.compile(r"^(?P<body>.*?)(?P<end>[.!?]+[\"')\u201d\u2019]*)?$", re.DOTALL)


@dataclass(frozen=True)
class Verified:
    """A reply after checking. `problem` says why it cannot be shown, if it cannot."""

    text: str
    sentences: tuple[Sentence, ...]
    citations: tuple[Citation, ...]
    problem: str = ""

    @property
    def supported(self) -> int:
        return sum(s.supported for s in self.sentences)


def echoes_instruction(claims: Sequence[Claim], question: str, hits: Sequence[Hit]) -> bool:
    """Whether any claim reads as an instruction or repeats an instruction's payload."""
    instructions: list[str] = []
    evidence = [question]
    for hit in hits:
        for text in [hit.chunk.heading] + [s.text for s in split_spans(hit.chunk)]:
            (instructions if is_instruction(text) else evidence).append(text)
    payload = payload_terms(instructions, evidence)
    return any(is_instruction(c.text) or claim_terms(c.text) & payload for c in claims)


def _valid(numbers: Sequence[int], count: int) -> list[int]:
    return list(dict.fromkeys(n for n in numbers if 1 <= n <= count))


def _render(sentence: Sentence) -> str:
    if not sentence.citations:
        return sentence.text
    match = TAIL.match(sentence.text)
    assert match is not None  # TAIL matches every string
    marks = "".join(f"[{n}]" for n in sentence.citations)
    return f"{match.group('body').rstrip()} {marks}{match.group('end') or ''}"


def render(claims: Sequence[Claim], sentences: Sequence[Sentence]) -> str:
    """Answer text: sentences of one reply line joined by spaces, bullets kept."""
    lines: dict[int, list[str]] = {}
    bullets: dict[int, bool] = {}
    for claim, sentence in zip(claims, sentences):
        lines.setdefault(claim.line, []).append(_render(sentence))
        bullets[claim.line] = claim.bullet
    return "\n".join(("- " if bullets[k] else "") + " ".join(parts) for k, parts in lines.items())


class _Numbering:
    """Citations numbered by first use, one per distinct quoted span."""

    def __init__(self) -> None:
        self.citations: dict[tuple, Citation] = {}

    def cite(self, passage: Passage, span: Span | None) -> int:
        chunk = passage.hit.chunk
        if span is None:  # a passage with no quotable span is quoted whole
            span = Span(chunk.start_line, chunk.end_line, chunk.text, "sentence")
        start, end, quote = span.start_line, span.end_line, span.text
        key = (chunk.id, start, end, quote)
        if key not in self.citations:
            n = len(self.citations) + 1
            self.citations[key] = Citation(n, chunk.id, chunk.source, start, end, chunk.heading, quote)
        return self.citations[key].n


def verify_reply(
    reply: str,
    question: str,
    hits: Sequence[Hit],
    embed: Embed,
    thresholds: Thresholds = THRESHOLDS,
) -> Verified:
    """Split, check and renumber a reply.

    Args:
        reply: the model's text, citing passages as [1]..[len(hits)].
        question: the question asked (its words are not an instruction's payload).
        hits: the passages shown to the model, in prompt order.
        embed: texts -> L2-normalised vectors (the retrieval model).
        thresholds: when a sentence counts as supported.

    Returns:
        The checked reply; `problem` is set when it is empty, declines to answer,
        or repeats an instruction planted in a note.
    """
    claims = split_claims(reply)
    if not claims:
        return Verified("", (), (), problem="empty reply")
    if " ".join(reply.split()).startswith(NO_ANSWER[:-1]):
        return Verified("", (), (), problem="the model found no answer in the passages")
    if echoes_instruction(claims, question, hits):
        return Verified("", (), (), problem=ECHOED_INSTRUCTION)
    cited = dict.fromkeys(n for c in claims for n in _valid(c.numbers, len(hits)))
    passages = {n: prepare(n, hits[n - 1]) for n in cited}
    views = [v for p in passages.values() for v in p.views]
    vectors = np.asarray(embed([c.text for c in claims] + views), dtype=np.float32)
    claim_vecs, offset, passage_vecs = vectors[: len(claims)], len(claims), {}
    for n, passage in passages.items():
        passage_vecs[n] = vectors[offset : offset + len(passage.views)]
        offset += len(passage.views)
    numbering = _Numbering()
    sentences = [
        _check(claim, claim_vecs[i], passages, passage_vecs, len(hits), thresholds, numbering)
        for i, claim in enumerate(claims)
    ]
    return Verified(render(claims, sentences), tuple(sentences), tuple(numbering.citations.values()))


def _check(
    claim: Claim,
    claim_vec: np.ndarray,
    passages: dict[int, Passage],
    passage_vecs: dict[int, np.ndarray],
    count: int,
    thresholds: Thresholds,
    numbering: _Numbering,
) -> Sentence:
    valid = _valid(claim.numbers, count)
    if not valid:
        return Sentence(claim.text, (), supported=False, support=0.0)
    terms = claim_terms(claim.text)
    parts: dict[int, Support] = {n: score(claim_vec, terms, passages[n], passage_vecs[n]) for n in valid}
    total = combined(list(parts.values()), terms, [passages[n] for n in valid])
    supported = len(terms) >= thresholds.min_terms and total.passes(thresholds)
    keep = valid
    if supported:
        # A sentence one passage backs keeps only the passages that back it; one
        # backed only by its passages together keeps them all.
        keep = [n for n in valid if parts[n].passes(thresholds)] or valid
    numbers = tuple(dict.fromkeys(numbering.cite(passages[n], parts[n].span) for n in keep))
    return Sentence(claim.text, numbers, supported=supported, support=total.score)
