"""Follow-up questions: "And what loss does it use?" after a question about CLIP
asks about CLIP.

A question refers back when it names no concept of its own and either uses a
referring word ("it", "this model", "they", "its", ...) or is short enough to
be a continuation ("And the loss?"). Then the concepts the previous question
named are carried over: "it" or "this model" becomes the first concept it named,
"they" the first two, and a bare continuation gets the first one as its subject. A question that names a concept of
its own is read as it is, so a new topic never inherits the old one.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

# "this/that/these/those" + a noun of the same family: "this model", "that method".
DEMONSTRATIVE = re.compile(r"\b(?:this|that|these|those|the same)\s+[a-z][a-z-]{2,20}\b", re.IGNORECASE)
PRONOUN = re.compile(r"\b(?:it|its|it's|they|them|their|this|these|those)\b", re.IGNORECASE)
POSSESSIVE = {"its", "their"}
PLURAL = re.compile(r"^(?:they|them|their|these|those)\b", re.IGNORECASE)
CONTINUATION = re.compile(r"^\s*(?:and|also|what about|how about|but|so|then)\b", re.IGNORECASE)
SHORT = 5  # words; "And the loss?" continues, "How does attention scale with length?" does not

Mentions = Callable[[str], Sequence[str]]


def resolve(question: str, previous: str | None, mentions: Mentions) -> str:
    """The question as it should be read after `previous` (unchanged when it stands alone).

    Args:
        question: the new question.
        previous: the question asked before it, or None.
        mentions: names of the concepts a text names, in order of first mention
            (the concept graph's `mentions`).
    """
    if not previous or not question.strip() or mentions(question):
        return question
    carried = list(dict.fromkeys(mentions(previous)))
    if not carried:
        return question
    refers = DEMONSTRATIVE.search(question) or PRONOUN.search(question)
    # "it" / "this model" is the subject the previous question opened with; "they" the first two.
    subject = " and ".join(carried[:2]) if refers and PLURAL.match(refers.group(0)) else carried[0]
    if refers:
        word = refers.group(0)
        replacement = f"{subject}'s" if word.lower() in POSSESSIVE else subject
        return _tidy(question[: refers.start()] + replacement + question[refers.end() :])
    if CONTINUATION.match(question) or len(question.split()) <= SHORT:
        body = CONTINUATION.sub("", question).strip(" ,")
        return _tidy(f"{body.rstrip('?').strip()} of {subject}?") if body else question
    return question


def _tidy(question: str) -> str:
    """Without a leading "and"/"also", first letter upper case."""
    body = CONTINUATION.sub("", question, count=1).strip(" ,") if CONTINUATION.match(question) else question.strip()
    return body[:1].upper() + body[1:]
