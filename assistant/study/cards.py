"""The study card: a question, its reference answer and the lines that answer it.

A card's id comes from the note it belongs to and its normalised question, so
an edit that keeps the question keeps the id (and the review history), while
renumbering ("### 4." -> "### 5.") or re-wording the answer does not matter.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from studygraph.ingest.tokenize import normalize
from studygraph.lines import LineRange

KINDS = ("qa", "concept", "relation", "own")

NUMBERING = re.compile(r"^\s*(?:(?:question|q)\s*\d{1,4}\s*[:.)-]|\d{1,4}(?:\.\d{1,3})*[.)]?(?=\s))\s*", re.IGNORECASE)
EMPHASIS = re.compile(r"\*\*|__|(?<!\w)[*_](?=\S)|(?<=\S)[*_](?!\w)|`")
NON_WORD = re.compile(r"[^\w+#/]+")


@dataclass(frozen=True)
class Card(LineRange):
    """One flashcard.

    `source`, `start_line` and `end_line` cite the lines of the reference
    answer (1-based, inclusive). `note` is the note the question comes from;
    it differs from `source` only for composed cards, whose answer `ask`
    found elsewhere. Concept and relation cards have no question line (0).
    """

    id: str
    question: str
    answer: str
    kind: str
    source: str
    start_line: int
    end_line: int
    composed: bool = False
    key_concepts: tuple[str, ...] = ()
    note: str = ""
    question_line: int = 0
    topics: tuple[str, ...] = field(default=())
    no_lines = True  # a card the student wrote cites no lines: (0, 0)

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.kind not in KINDS:
            raise ValueError(f"card kind must be one of {', '.join(KINDS)}, got {self.kind!r}")

    def to_json(self, relpath: Callable[[str], str] | None = None) -> dict:
        """The public JSON shape of `studygraph cards --json`; `relpath` formats `source`."""
        source = relpath(self.source) if relpath else self.source
        return {
            "id": self.id,
            "question": self.question,
            "answer": self.answer,
            "kind": self.kind,
            "source": source,
            "start_line": self.start_line,
            "end_line": self.end_line,
        }


def clean_markup(text: str) -> str:
    """Drop bold/italic/code markers and block-quote marks; keep the words."""
    text = re.sub(r"^\s*>\s?", "", text, flags=re.MULTILINE)
    text = EMPHASIS.sub("", text)
    return re.sub(r"[ \t]+", " ", text).strip()


def display_question(text: str) -> str:
    """A question as shown to the student: no numbering, no markup, no wrapping quotes."""
    text = clean_markup(NUMBERING.sub("", text.strip(), count=1))
    if len(text) > 2 and text[0] in "\"“'" and text.rstrip("?")[-1:] in "\"”'":
        text = text[1:].replace("\"?", "?").replace("”?", "?").rstrip("\"”'")
    return text.strip()


def normalise_question(text: str) -> str:
    """The identity of a question: case, numbering, markup and punctuation removed."""
    text = normalize(display_question(text))
    return " ".join(NON_WORD.sub(" ", text).split())


def card_id(scope: str, question: str, occurrence: int = 0) -> str:
    """Stable id from the note path (or "concept"/"relation") and the normalised question."""
    key = f"{scope}\x00{normalise_question(question)}\x00{occurrence}"
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:16]
