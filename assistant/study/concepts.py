"""Concept and relation cards from the concept graph, given as plain data.

Study mode does not import `graph/`; it takes `Definition`s and typed `Link`s
(see `graph_adapter.py` for turning a ConceptGraph into them), so these cards
can be built and tested from literals.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from studygraph.assistant.study.cards import Card, card_id, clean_markup, normalise_question
from studygraph.assistant.study.keyterms import concept_tokens, key_concepts
from studygraph.ingest.tokenize import normalize
from studygraph.lines import LineRange

# How a typed relation reads in a sentence; unknown types read as "is linked to".
PHRASES = {
    "uses": "uses",
    "based_on": "is based on",
    "variant_of": "is a variant of",
    "replaces": "replaces",
    "trained_with": "is trained with",
    "trained_on": "is trained on",
    "part_of": "is part of",
    "compared_with": "is compared with",
    "vs": "is contrasted with",
    "evaluated_on": "is evaluated on",
    "feeds": "feeds into",
    "->": "feeds into",
    "is_a": "is a kind of",
    "extends": "extends",
    "links_to": "links to",
}
UNTYPED = {"related", "co-occurs", "cooccurs", ""}
LEAD_QUESTION = re.compile(r"^\s*(?:\d{1,4}[.)]\s+)?[^?\n]{3,200}\?\s+(?=\S)")


@dataclass(frozen=True)
class Definition(LineRange):
    """A concept with its definition quoted from the notes and its lines.

    `quote` is "" when the notes define nothing: no card, but the name and
    aliases still count when choosing cards about the concept.
    """

    concept: str
    quote: str
    source: str
    start_line: int
    end_line: int
    aliases: tuple[str, ...] = ()
    no_lines = True  # a concept the notes never define cites no lines: (0, 0)


@dataclass(frozen=True)
class Link(LineRange):
    """An edge `a --relation--> b` and one piece of evidence for it (an untyped
    `related` edge may have no quote: it only counts as a neighbour)."""

    a: str
    b: str
    relation: str
    quote: str
    source: str
    start_line: int
    end_line: int


def relation_phrase(relation: str) -> str:
    key = relation.strip().lower().replace(" ", "_").replace("-", "_") if relation.strip() != "->" else "->"
    return PHRASES.get(key, "is linked to")


def concept_cards(definitions: Iterable[Definition], taken: Iterable[Card] = ()) -> list[Card]:
    """"What is <concept>?" cards answered by the quoted definition.

    Args:
        definitions: one per concept that has a definition.
        taken: existing cards; a concept whose question or definition lines they
            already cover gets no second card.
    """
    taken = list(taken)
    questions = {normalise_question(c.question) for c in taken}
    cards = []
    for d in definitions:
        question = f"What is {d.concept}?"
        overlaps = any(c.source == d.source and c.overlaps(d) for c in taken)
        if not d.quote.strip() or normalise_question(question) in questions or overlaps:
            continue
        questions.add(normalise_question(question))
        cards.append(
            Card(
                id=card_id("concept", question),
                question=question,
                answer=clean_markup(d.quote),
                kind="concept",
                source=d.source,
                start_line=d.start_line,
                end_line=d.end_line,
                key_concepts=key_concepts([d.quote], f"{question} {' '.join(d.aliases)}"),
                note=d.source,
                topics=(d.concept,),
            )
        )
    return cards


def strip_question(quote: str) -> str:
    """A quote without the numbered question it opens with ("8. What is X? Used in Y." -> "Used in Y.")."""
    return LEAD_QUESTION.sub("", quote, count=1).strip() or quote.strip()


def teaches(link: Link, quote: str) -> bool:
    """Whether a relation card would teach something beyond the two names.

    Not when the names share a word ("Gated Cross-Attention uses Cross-Attention",
    "CLIP-T" and "CLIP") or a stem ("SigLIP" and "Sigmoid"), nor when the evidence
    says little more than the names ("Used in Flamingo.").
    """
    a, b = concept_tokens(link.a), concept_tokens(link.b)
    if a & b or _kin(link.a, link.b):
        return False
    said = concept_tokens(quote) - a - b
    return len(said) >= 2


def _kin(a: str, b: str) -> bool:
    """Names built on one stem: a coined name (capitals inside, "SigLIP") that opens
    with the first three letters of the other ("Sigmoid")."""
    coined = any(re.search(r"[a-z][A-Z]", n) for n in (a, b))
    x, y = normalize(a).replace(" ", ""), normalize(b).replace(" ", "")
    return coined and len(x) >= 4 and len(y) >= 4 and x[:3] == y[:3]


def relation_cards(links: Iterable[Link]) -> list[Card]:
    """"How are A and B related?" cards from typed links whose evidence teaches
    something (untyped co-occurrence and trivia are skipped)."""
    cards: dict[str, Card] = {}
    for link in links:
        if link.relation.strip().lower() in UNTYPED or not link.quote.strip() or link.a == link.b:
            continue
        question = f"How are {link.a} and {link.b} related?"
        cid = card_id("relation", " ".join(sorted((link.a.lower(), link.b.lower()))))
        quote = strip_question(clean_markup(link.quote))
        if cid in cards or not teaches(link, quote):
            continue  # the first evidence of a pair is enough for one card
        cards[cid] = Card(
            id=cid,
            question=question,
            answer=f"{link.a} {relation_phrase(link.relation)} {link.b}.\n{quote}",
            kind="relation",
            source=link.source,
            start_line=link.start_line,
            end_line=link.end_line,
            key_concepts=key_concepts([link.quote], question),
            note=link.source,
            topics=(link.a, link.b),
        )
    return list(cards.values())


def _norm(text: str) -> str:
    return " " + normalise_question(text) + " "


def neighbourhood(concept: str, definitions: Iterable[Definition], links: Iterable[Link]) -> set[str]:
    """A concept (with its aliases) and every concept one typed or untyped link away."""
    wanted = _norm(concept)
    names = {concept}
    for d in definitions:
        if wanted in {_norm(n) for n in (d.concept, *d.aliases)}:
            names |= {d.concept, *d.aliases}
    keys = {_norm(n) for n in names}
    for link in links:
        if _norm(link.a) in keys or _norm(link.b) in keys:
            names |= {link.a, link.b}
    return names


def mentions(card: Card, names: Iterable[str]) -> bool:
    """Whether a card is about any of these concept names (whole words, case-insensitive)."""
    text = _norm(" ".join((card.question, card.answer, *card.key_concepts, *card.topics)))
    return any(_norm(n) in text for n in names if _norm(n).strip())
