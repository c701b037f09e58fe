"""Typed relations read from one sentence, by patterns on the words between two
consecutive concept mentions ("X uses a Y", "X is a variant of Y", "X ──► Y").

A sentence without a subject ("Used in Flamingo.", "Replaces Softmax with
Sigmoids.") under a question about S reads as if it began with S. Patterns
never cross a negation or a coordination ("not via", "and"), so "X and Y" stays
a co-occurrence.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping, Sequence

from studygraph.graph.lexicon import Match
from studygraph.graph.variants import MARKUP

FILL = r"(?:(?!(?:and|or|not|no|without|instead|than|but|vs)\b)[\w'’/-]+\s+){0,2}?"
ARROW = re.compile(r"[-─—]+[>►]|=>|[→⟶⇒►]")
SUBJECT_VERB = re.compile(r"^\W*(?:it\s+)?(?:uses?|used|replaces?|adds?|trained|fine-?tuned|component|part|based|built|extends|a variant|variant|encoder|decoder|text encoder|image encoder|module|layer)\b", re.I)

# "X is a retrieval model built on Y": a short description may come before the verb.
LEAD = r"(?:(?:is|are|was|were)\s+(?:an?\s+|the\s+)?(?:[\w-]+\s+){0,2}?)?"
LED = frozenset({"based_on", "variant_of", "part_of", "trained_on", "trained_with", "evaluated_on"})
SIZE_ER = r"(?:larg|bigg|small|great|long|short|high|low|few|old|new|earli|lat|wid|narrow|deep|heavi|light)er\b"
# (relation, reverse?, gap pattern): the gap is the text between X and Y.
GAP_WORDS: tuple[tuple[str, bool, str], ...] = (
    ("uses", True, r"(?:is |are |was |were )?used (?:in|by|inside)|powers|underlies"),
    ("uses", False, r"(?:also |then |only )?(?:uses?|using|employs?|relies on|leverages?|adopts?|adds?|introduces?|incorporates?)"),
    ("based_on", False, r"(?:is |are )?(?:based on|built on|builds on|initiali[sz]ed from)"),
    ("variant_of", False, r"(?:is |are )?(?:an? )?(?:variant|version|extension|refinement|generali[sz]ation|modification|successor) (?:of|to)|extends|improves (?:on|upon)"),
    ("part_of", False, r"(?:is |are )?(?:an? |the )?(?:part|component|module|building block|stage) (?:of|in|inside)"),
    ("part_of", False, r"(?:is |are )?(?:the )?(?:text |image |vision |audio )?(?:encoder|decoder|tower|head|backbone) (?:of|in)"),
    ("trained_on", False, r"(?:is |are |was |were )?(?:(?:pre-?|fine-?)?trained|fine-?tuned|pre-?trained)(?: \w+ly)? on"),
    ("trained_with", False, r"(?:is |are |was |were )?(?:trained|optimi[sz]ed)(?: \w+ly)? (?:with|using|via)|(?:optimi[sz]es|minimi[sz]es)"),
    ("evaluated_on", False, r"(?:is |are |was |were )?(?:evaluated|benchmarked|tested) on"),
    ("replaces", False, r"(?:replaces?|replaced|supersedes?|substitutes?)"),
    # "X is less robust than the Y", "X is slower than Y": two things weighed against each other. Not
    # "other than" (it excludes Y), nor a size set against a bound ("files bigger than 8 GiB", "values
    # larger than PY_SSIZE_T_MAX", "longer than 260 characters": 6 of 9 such edges on the Python docs).
    ("compared_with", False, r"vs\.?|versus|(?:is |are )?compared (?:to|with)|instead of|rather than|as opposed to|"
                             r"(?:is |are )?(?:much |far |slightly )?(?:(?:more|less) [a-z]+|(?!other\b|" + SIZE_ER + r")[a-z]{2,}er) than"),
    ("uses", False, r"(?:is |are )?(?:an? )?(?:ensemble|combination|mixture) of|combines?|calls?|invokes?|requires?|depends on|(?:is |are )?(?:computed|estimated|fitted|fit|solved|implemented) (?:with|using|by|via)"),
    ("based_on", False, r"(?:is |are )?derived from|(?:is |are )?built on top of"),
    ("variant_of", False, r"generali[sz]es|(?:is |are )?(?:an? )?(?:special case|specialization|specialisation|subclass|subtype) of"),
    ("is_a", False, r"(?:is|are) (?:an?|one)(?: (?:kind|type|form|sort|instance|example|class) of)?"),
)
GAP_PATTERNS: tuple[tuple[str, bool, re.Pattern[str]], ...] = tuple(
    (rel, rev, re.compile(rf"^\W{{0,3}}{LEAD if rel in LED else ''}(?:{p})\s+{FILL}$", re.I)) for rel, rev, p in GAP_WORDS
)
# Any of them: one match, which fails on nearly every gap, before trying each in turn (exactly their union).
_LED = "|".join(p for rel, _, p in GAP_WORDS if rel in LED)
_UNLED = "|".join(p for rel, _, p in GAP_WORDS if rel not in LED)
ANY_GAP = re.compile(rf"^\W{{0,3}}(?:{LEAD}(?:{_LED})|(?:{_UNLED}))\s+{FILL}$", re.I)
# X (a Y refinement) / X, a variant of Y
PAREN_VARIANT = re.compile(r"^\s*[(,—–-]\s*(?:an?\s+)$", re.I)
PAREN_TAIL = re.compile(r"^\s*(?:refinement|variant|extension|improvement|successor)\b", re.I)
REPLACE_WITH = re.compile(r"^\s+with\s+(?:(?!and|or)[\w'’-]+\s+){0,2}?$", re.I)
ARCH_QUESTION = re.compile(r"\b(?:architectures?|components?|key idea|idea|consists?|made of|built from|= ?\?)", re.I)
LOSS_QUESTION = re.compile(r"\b(?:loss|objectives?)\b", re.I)
PART_TYPES = frozenset({"architecture", "model", "technique", "loss", "retrieval"})


# "the difference between X and Y", "a close connection between X and Y": both sides named, what ties them said first.
BETWEEN = re.compile(r"\b(?P<what>differences?|distinctions?|contrast|trade-?offs?|connections?|relationships?|links?|similarit(?:y|ies))"
                     r"\s+between\s+(?:the\s+|an?\s+)?\W*$", re.I)
AND_GAP = re.compile(r"^\W*\s+and\s+(?:the\s+|an?\s+)?\W*$", re.I)
CONTRASTS = ("difference", "distinction", "contrast", "trade")
# A title naming two concepts and nothing else but how they stand: "GCD and LCM", "Subs/evalf",
# "Comparing OLS and RLM", "Early vs. late fusion", "Differences between X and Y".
TITLE_WORD = re.compile(r"[A-Za-z]+")
TITLE_LINKS = frozenset({"and", "or", "vs", "versus", "the", "of", "between", "with", "to", "a", "an"})
TITLE_COMPARES = frozenset({"vs", "versus", "comparing", "compared", "comparison", "compare", "difference", "differences", "contrast"})


NEGATED = re.compile(r"(?:\bnot|\bno|\bwithout|\bnever|n't)\s+(?:\w+\s+)?$", re.I)


def _arrow(gap: str) -> bool:
    if ":" in gap:  # "Latent diffusion: compress image → latent space" describes X, it does not feed Y
        return False
    count = len(ARROW.findall(gap))
    words = re.findall(r"[A-Za-z]{2,}", gap)
    return count == 1 and len(words) <= 4


def relations_in(
    text: str, found: Sequence[Match], subject: str | None = None, types: Mapping[str, str] | None = None
) -> list[tuple[str, str, str]]:
    """(source, target, relation) triples one sentence states.

    Args:
        text: the sentence (or list item, table row, code line).
        found: concept mentions in `text`, in order.
        subject: the concept the enclosing question is about, for sentences without a subject.
        types: concept id -> type; "trained on" a technique reads as "trained with".
    """
    out: list[tuple[str, str, str]] = []
    mentions = list(found)
    if subject and mentions and mentions[0].concept_id != subject and SUBJECT_VERB.match(text[: mentions[0].start] or "x"):
        mentions.insert(0, Match(subject, 0, 0))
    for left, right in itertools.pairwise(mentions):
        x, y = left.concept_id, right.concept_id
        if x == y:
            continue
        gap = MARKUP.sub("", text[left.end : right.start])  # "is an ensemble of *decision trees*"
        if _arrow(gap):
            out.append((x, y, "feeds"))
            continue
        if AND_GAP.match(gap) and (between := BETWEEN.search(MARKUP.sub("", text[max(0, left.start - 60) : left.start]))):
            contrast = between.group("what").lower().startswith(CONTRASTS)
            out.append((x, y, "compared_with" if contrast else "related"))
            continue
        if PAREN_VARIANT.match(gap) and PAREN_TAIL.match(text[right.end : right.end + 20]):
            out.append((x, y, "variant_of"))
            continue
        for rel, reverse, pattern in GAP_PATTERNS if ANY_GAP.match(gap) else ():
            if pattern.match(gap):
                if rel == "trained_on" and types and types.get(y) not in ("dataset", "benchmark"):
                    rel = "trained_with"
                elif rel == "uses" and not reverse and types and types.get(y) == "loss":
                    rel = "trained_with"  # "encoders ... using a contrastive loss", "replace softmax with sigmoid loss"
                out.append((y, x, rel) if reverse else (x, y, rel))
                break
    # "replaces Y with Z": the subject of the replacement now uses Z.
    for a, b, c in zip(mentions, mentions[1:], mentions[2:]):
        if (a.concept_id, b.concept_id, "replaces") in out and REPLACE_WITH.match(text[b.end : c.start]):
            out.append((a.concept_id, c.concept_id, "trained_with" if types and types.get(c.concept_id) == "loss" else "uses"))
    return list(dict.fromkeys(out))


def question_relations(
    question: str, subject: str, answer: str, found: Sequence[Match], types: Mapping[str, str]
) -> list[tuple[str, str, str]]:
    """Relations implied by a question about `subject` and the concepts its answer names.

    "CLIP loss? Symmetric InfoNCE" -> CLIP trained_with Symmetric InfoNCE;
    "LLaVA architecture? CLIP ViT image encoder -> projection -> LLM" -> LLaVA uses each part.
    A negated mention ("not transformer", "no ViT encoder") implies nothing.
    """
    out: list[tuple[str, str, str]] = []
    for m in found:
        cid = m.concept_id
        if cid == subject or NEGATED.search(answer[max(0, m.start - 20) : m.start]):
            continue
        kind = types.get(cid, "concept")
        if LOSS_QUESTION.search(question) and kind in ("loss", "technique"):
            out.append((subject, cid, "trained_with"))
        elif ARCH_QUESTION.search(question) and kind in PART_TYPES:
            out.append((subject, cid, "uses"))
    return list(dict.fromkeys(out))


def title_relations(title: str, found: Sequence[Match]) -> list[tuple[str, str, str]]:
    """The relation a section title states between the two concepts it names and nothing else:
    "Comparing OLS and RLM", "Early vs. late fusion" (compared_with), "GCD and LCM", "Subs/evalf"
    (related). A title naming more, or with words of its own ("Integration with NumPy and SciPy"),
    states nothing: the two are merely listed.
    """
    ids = list(dict.fromkeys(m.concept_id for m in found))
    if len(ids) != 2:
        return []
    rest = title
    for m in sorted(found, key=lambda m: -m.start):
        rest = rest[: m.start] + " " + rest[m.end :]
    words = {w.lower() for w in TITLE_WORD.findall(rest) if len(w) > 1 or w.lower() == "a"}
    if not words & {"and", "or", "vs", "versus", "between"} and "/" not in rest:
        return []
    if words - TITLE_LINKS - TITLE_COMPARES:
        return []
    a, b = sorted(ids)
    return [(a, b, "compared_with" if words & TITLE_COMPARES else "related")]
