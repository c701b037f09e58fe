"""Key concepts of a reference answer, and whether a student's answer covers them.

A key concept is a short phrase the answer hinges on: an explicit key point,
a bolded term, a technical name (`InfoNCE`, `ViT-L/14`, `BM25`), a
`Short (Long Form)` pair, or failing those a salient content word. Terms the
question already gives away are not key concepts.
"""

from __future__ import annotations

import re
from collections.abc import Collection

from studygraph.ingest.spans import SENTENCE
from studygraph.ingest.tokenize import STOP_WORDS, normalize, tokenize

BOLD = re.compile(r"\*\*(.+?)\*\*")
QUOTED = re.compile(r"[\"“]([^\"”]{3,60})[\"”]")
# Acronyms, mixed case, letters with digits: CLIP, InfoNCE, LLaVA, ViT-L/14, GPT-4o, BM25.
TECHNICAL = re.compile(
    r"(?<![\w-])(?:[A-Za-z]*[A-Z][a-z]*[A-Z][\w]*|[A-Z]{2,}\w*|[A-Za-z]+\d+\w*)(?:[-/][\w.]+)*(?![\w-])"
)
PAIR = re.compile(r"\b([A-Z][\w-]{1,15}) \(([A-Z][^()]{5,60})\)")
CAPITALISED = re.compile(r"(?<![.!?:]\s)(?<!^)\b([A-Z][a-z]+(?: [A-Z][a-z]+)+)\b")
# A capitalised word after a lower-case one is a name: "in Flamingo", "and Skip-gram".
PROPER = re.compile(r"(?<=[a-z,;(] )([A-Z][a-z]{2,}(?:-[A-Za-z]+)*)(?![\w-])")
WORD = re.compile(r"[A-Za-z][A-Za-z-]{3,}")
WEAK = frozenset(["also", "like", "used", "using", "uses", "make", "makes", "often", "many", "much", "well", "better", "good", "based", "etc", "e.g", "thing", "things", "way", "ways", "example", "given", "each", "every", "allow", "allows"])


def concept_tokens(text: str) -> set[str]:
    """Content tokens of a phrase, compounds reduced to their parts (`vit-l/14` -> vit, l, 14)."""
    tokens = tokenize(text)
    return {t for t in tokens if not re.search(r"[-/._+']", t) and (len(t) > 1 or t.isdigit())}


def _clean(phrase: str) -> str:
    words = phrase.strip(" *_`:;,.-—–\"'“”").split()
    while len(words) > 1 and words[0].lower() in STOP_WORDS:
        words = words[1:]  # "Is Multimodal" -> "Multimodal"
    return " ".join(words)


def _point_name(unit: str) -> str:
    """`Projection layer (vision -> language space)` -> `Projection layer`."""
    name = BOLD.sub(r"\1", unit)
    for sep in (" (", ": "):
        head = name.split(sep, 1)[0]
        if len(head) >= 3:
            name = head
    return _clean(name)


def _unit_candidates(unit: str) -> list[str]:
    """Candidate phrases of one unit in order of appearance; its most telling word if none.

    Where candidates overlap (`ASR` inside `ASR (Automatic Speech Recognition)`),
    the longer one wins.
    """
    plain = BOLD.sub(r"\1", unit)
    found: list[tuple[int, int, str]] = []
    for bold in BOLD.findall(unit):
        at = plain.find(bold)
        found.append((at, at + len(bold), bold))
    found += [(m.start(), m.end(), f"{m.group(1)} ({m.group(2)})") for m in PAIR.finditer(plain)]
    for pattern in (QUOTED, CAPITALISED, TECHNICAL, PROPER):
        found += [(m.start(), m.end(), m.group(m.lastindex or 0)) for m in pattern.finditer(plain)]
    found = [f for f in found if concept_tokens(f[2]) and len(f[2]) <= 60 and len(f[2].split()) <= 6]
    kept = [f for f in found if not any(o != f and o[0] <= f[0] and f[1] <= o[1] for o in found)]
    phrases = list(dict.fromkeys(_clean(p) for _, _, p in sorted(kept)))
    if not phrases:
        # Bullets open with a verb ("Takes", "Reduces"); the longest later word carries the idea.
        matches = list(WORD.finditer(plain.strip()))
        if len(matches) > 1 and matches[0].start() == 0:
            matches = matches[1:]
        words = [m.group(0).strip("-") for m in matches]
        words = [w for w in words if w.lower() not in WEAK and concept_tokens(w)]
        if words:
            phrases = [max(words, key=len)]
    return [p for p in phrases if p]


def _sentences(units: list[str]) -> list[str]:
    return [m.group(0).strip() for unit in units for m in SENTENCE.finditer(unit) if m.group(0).strip()]


def key_concepts(units: list[str], question: str, points: bool = False, limit: int = 6) -> tuple[str, ...]:
    """Key concepts of a reference answer.

    Args:
        units: the answer's items/sentences, markdown kept (bold marks terms).
        question: the card's question; terms it contains are not key concepts.
        points: the units are explicit key points (each one is a concept).
        limit: at most this many concepts.
    """
    asked = concept_tokens(question)
    if points:
        if len(units) == 1 and units[0].count(", ") >= 2:
            units = units[0].split(", ")  # `**Components**: storage, encoder, cache`
        names = [_point_name(u) for u in units]
        return tuple(n for n in names if n and not concept_tokens(n) <= asked)[:limit]
    out: list[str] = []
    taken: set[str] = set()
    sentences = _sentences(units)
    limit = min(limit, 2 + len(sentences))
    queues = [_unit_candidates(u) for u in sentences]
    # Round-robin over sentences, so every part of the answer is represented.
    for rank in range(max((len(q) for q in queues), default=0)):
        for queue in queues:
            if rank >= len(queue):
                continue
            phrase = queue[rank]
            tokens = concept_tokens(phrase)
            if not tokens or tokens <= asked or tokens <= taken:
                continue
            out.append(phrase)
            taken |= tokens
    return tuple(out[:limit])


def question_topics(question: str) -> tuple[str, ...]:
    """What a question is about: its quoted terms, else its technical or capitalised names."""
    quoted = [_clean(q) for q in QUOTED.findall(question)]
    if quoted:
        return tuple(dict.fromkeys(quoted))
    names = [_clean(m.group(0)) for m in TECHNICAL.finditer(question)]
    names += [_clean(m.group(1)) for m in CAPITALISED.finditer(question)]
    return tuple(dict.fromkeys(n for n in names if n and n.lower() not in STOP_WORDS))


MATH = re.compile(r"\$[^$]*\$|\\[A-Za-z]+")


def is_concept(phrase: str, known: Collection[str] = ()) -> bool:
    """Whether a key phrase names a concept a student should be told they missed.

    A concept is one the notes' graph knows, a name (capitals inside it, an
    acronym of three letters or more, a name with digits: `InfoNCE`, `BM25`), a
    bolded or multi-word phrase, or a long content word; not a function word, a
    two-letter abbreviation the graph does not know ("ID") or a short common word
    ("see").
    """
    text = _clean(MATH.sub(" ", phrase))
    if not text or not concept_tokens(text):
        return False
    folded = {normalize(k) for k in known}
    if normalize(text) in folded:
        return True
    words = text.split()
    if len(words) > 1:
        return any(w.lower() not in STOP_WORDS and len(w) > 2 for w in words)
    word = words[0]
    if re.search(r"\d", word) and re.search(r"[A-Za-z]", word):
        return True
    letters = re.sub(r"[^A-Za-z]", "", word)
    if re.search(r"[a-z][A-Z]|[A-Z].*[A-Z]", word):
        return len(letters) >= 3
    return len(letters) >= 6 and word.lower() not in STOP_WORDS


def named(text: str, known: Collection[str] = ()) -> list[str]:
    """Names of concepts a text mentions: known concept names and written names (`CLIP`, `ViT-L/14`)."""
    tokens = set(tokenize(text))
    found = [spelled for k in known if (kt := concept_tokens(k)) and kt <= tokens and (spelled := _spelled(k, text))]
    found += [m.group(0) for m in TECHNICAL.finditer(MATH.sub(" ", text)) if is_concept(m.group(0), known)]
    found += [_clean(m.group(1)) for m in CAPITALISED.finditer(text)]
    return list(dict.fromkeys(f for f in found if f))


def _spelled(name: str, text: str) -> str:
    """How the text spells a known name ("" if it does not): its words together, as
    words; an acronym only in capitals ("CLIP", not "a video clip")."""
    words = [re.escape(w) for w in re.split(r"[\s-]+", name) if w]
    if not words:
        return ""
    flags = 0 if name.isupper() else re.IGNORECASE
    match = re.search(r"(?<![\w])" + r"[\s-]*".join(words) + r"(?![\w])", text, flags)
    return match.group(0) if match else ""


def covered(concept: str, answer_tokens: set[str]) -> bool:
    """Whether an answer mentions a concept (or, for `A (B)`, either form).

    Half of the concept's content tokens must appear; a shared 5-letter stem
    counts ("normalises" meets "normalization").
    """
    forms = [concept]
    pair = re.match(r"^(.+?) \((.+)\)$", concept)
    if pair:
        forms = [pair.group(1), pair.group(2)]
    stems = {t[:5] for t in answer_tokens if len(t) >= 5}
    for form in forms:
        tokens = concept_tokens(form)
        if not tokens:
            continue
        hits = sum(1 for t in tokens if t in answer_tokens or (len(t) >= 5 and t[:5] in stems))
        if hits / len(tokens) >= 0.5:
            return True
    return False
