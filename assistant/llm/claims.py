"""A model's reply cut into claims: sentences with the [n] markers they carry.

Markers may come before or after the full stop (`... [1].` or `... . [1]`), be
grouped (`[1, 3]`, `[2-3]`, `[Passage 2]`) or stacked (`[1][2]`). Bullet and
numbered lines are claims of their own. Reasoning blocks (`<think>...</think>`)
are dropped before anything else.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

THINK = re.compile(r"<think>.*?(?:</think>|\Z)", re.DOTALL | re.IGNORECASE)
MARKER = re.compile(
    r"\[\s*(?:passages?|sources?)?\s*#?(\d{1,3}(?:\s*(?:,|;|-|–|and)\s*#?\d{1,3})*)\s*\]",
    re.IGNORECASE,
)
# One of four sentence splitters, kept apart on purpose: see ingest/spans.py at SENTENCE.
# A sentence ends at . ! ? (plus closing quotes and any markers after it) before
# whitespace and something that does not continue a sentence in lower case.
SENTENCE = re.compile(
    r"\S.*?(?:[.!?]+[\"')\u201d\u2019]*(?:\s*\[[^\[\]\n]{1,20}\])*(?=\s+[^a-z\s\[]|\s*$)|$)"
)
BULLET = re.compile(r"^\s*(?:[-*+\u2022]|\d{1,3}[.)])\s+")
MAX_RANGE = 20


@dataclass(frozen=True)
class Claim:
    """One sentence of a reply: its text without markers and the passage numbers cited."""

    text: str
    numbers: tuple[int, ...]
    line: int  # index of the reply line it came from, to keep bullets on their own lines
    bullet: bool = False


def marker_numbers(marker_body: str) -> list[int]:
    """Numbers in one marker body: `1, 3` -> [1, 3]; `2-4` -> [2, 3, 4]."""
    out: list[int] = []
    for part in re.split(r"\s*(?:,|;|and)\s*", marker_body):
        bounds = [int(x) for x in re.findall(r"\d+", part)]
        if len(bounds) == 2 and re.search(r"[-–]", part) and 0 <= bounds[1] - bounds[0] <= MAX_RANGE:
            out += range(bounds[0], bounds[1] + 1)
        else:
            out += bounds
    return out


def _clean(text: str) -> str:
    text = MARKER.sub("", text)
    text = re.sub(r"\s+([.,;:!?])", r"\1", text)
    return " ".join(text.split())


def split_claims(reply: str) -> list[Claim]:
    """Cut a reply into claims.

    Args:
        reply: the model's raw text.

    Returns:
        Claims in reply order; pieces with no letter or digit are dropped, and a
        marker standing alone on its line is given to the claim before it.
    """
    claims: list[Claim] = []
    for index, line in enumerate(THINK.sub("", reply).splitlines()):
        body = BULLET.sub("", line, count=1).strip()
        bullet = body != line.strip()
        for match in SENTENCE.finditer(body):
            piece = match.group(0).strip()
            numbers = tuple(n for m in MARKER.finditer(piece) for n in marker_numbers(m.group(1)))
            text = _clean(piece)
            if any(ch.isalnum() for ch in text):
                claims.append(Claim(text, numbers, index, bullet))
            elif numbers and claims:
                last = claims[-1]
                claims[-1] = Claim(last.text, last.numbers + numbers, last.line, last.bullet)
    return claims
