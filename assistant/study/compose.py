"""Reference answers for questions the notes ask but do not answer, composed by `ask`.

The reference is made of the passages `ask` quotes (never of the question
itself), so it still cites exact lines; the card is marked `composed`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from studygraph.assistant.study.cards import Card, clean_markup
from studygraph.assistant.study.concepts import strip_question
from studygraph.assistant.study.keyterms import key_concepts

logger = logging.getLogger(__name__)

MAX_SPREAD = 30  # lines
Ask = Callable[[str], Any]  # question -> assistant.types.Answer (text, citations, found)


def _quotes(card: Card, answer: Any) -> list[Any]:
    """Citations of an Answer, minus any that merely quote the question back."""
    out = []
    for citation in getattr(answer, "citations", ()) or ():
        asks_back = citation.source == card.note and citation.start_line <= card.question_line <= citation.end_line
        if not asks_back and getattr(citation, "quote", "").strip():
            out.append(citation)
    return out


def compose(card: Card, ask: Ask) -> Card | None:
    """The card with a reference composed by `ask`, or None when the notes hold no answer."""
    try:
        answer = ask(card.question)
    except Exception:
        logger.exception("ask failed for card %s", card.id)
        return None
    citations = _quotes(card, answer)
    if not getattr(answer, "found", True) or not citations:
        logger.info("no answer in the notes for %r", card.question)
        return None
    # One card cites one line range: keep the quotes from the first cited note
    # that lie close together, so the range stays a passage a student can read.
    first = citations[0]
    near = [c for c in citations if c.source == first.source and abs(c.start_line - first.start_line) <= MAX_SPREAD]
    # A quote that opens with a numbered question of the note shows only its answer.
    quotes = list(dict.fromkeys(strip_question(clean_markup(c.quote)) for c in near))
    return replace(
        card,
        answer="\n".join(quotes),
        source=first.source,
        start_line=min(c.start_line for c in near),
        end_line=max(c.end_line for c in near),
        composed=True,
        key_concepts=key_concepts(quotes, card.question),
    )
