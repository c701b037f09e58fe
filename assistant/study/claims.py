"""What a short answer claims, read from its words: clauses, negation, antonyms,
direction ("X from Y"), which concept each word belongs to, and whether there is
a claim at all (a bare list of terms has none).

These are the checks an embedding cannot make: "image and text embeddings
cluster in the same region" and "... in different regions" are near neighbours
to the model, and so are "CBOW predicts the centre from the context" and its
reverse. Every check compares the answer with the reference answer; the only
word lists are of general English (negators, auxiliaries, opposites), never of
one field's names.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from studygraph.assistant.compare import comparison_sides
from studygraph.ingest.tokenize import STOP_WORDS, stem

WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’]*(?:[-/.][A-Za-z0-9]+)*")
CLAUSE_END = re.compile(r"(?<=[.!?;])\s+|\n+|;\s*|\s+(?:while|whereas|but)\s+|,\s+")
# "prevent X" and "avoid X" deny X as "not X" does.
NEGATORS = frozenset(["not", "no", "never", "none", "nothing", "neither", "nor", "cannot", "without", "instead",
                      "rather", "unable", "lacks", "lack", "fails", "fail", "prevent", "prevents", "avoid", "avoids"])
# Auxiliaries, modals and subject pronouns: a clause with one of them states something.
CLAIM_WORDS = frozenset(["is", "are", "was", "were", "be", "been", "being", "has", "have", "had", "do", "does",
                         "did", "can", "could", "will", "would", "should", "may", "might", "must", "it", "they",
                         "we", "you", "this", "that", "which", "who", "so", "because", "by", "if", "when", "than",
                         "into", "instead", "rather", "without"])
# Opposites of general English (stems); "un-", "in-", "non-", ... opposites are found by prefix.
OPPOSITES = [
    ("same", "differ"), ("fix", "variabl"), ("increas", "decreas"), ("increas", "reduc"), ("more", "less"),
    ("more", "fewer"), ("higher", "lower"), ("high", "low"), ("larg", "small"), ("larger", "smaller"),
    ("big", "small"), ("fast", "slow"), ("faster", "slower"), ("cheap", "expens"), ("cheaper", "costlier"),
    ("easi", "difficult"), ("easi", "hard"), ("easier", "harder"), ("strong", "weak"), ("stronger", "weaker"),
    ("befor", "after"), ("togeth", "apart"), ("pull", "push"), ("common", "rare"), ("frequent", "rare"),
    ("upweight", "downweight"), ("maxim", "minim"), ("add", "remov"), ("includ", "exclud"), ("earli", "late"),
    ("first", "last"), ("long", "short"), ("wide", "narrow"), ("static", "dynam"), ("better", "wors"),
    ("best", "worst"), ("good", "bad"), ("robust", "fragil"), ("clean", "noisi"), ("simpl", "complex"),
    ("shallow", "deep"), ("local", "global"), ("input", "output"), ("posit", "negat"), ("true", "fals"),
    ("help", "hurt"), ("improv", "degrad"), ("improv", "hurt"), ("gain", "loss"),
    ("freez", "train"), ("frozen", "trainabl"), ("open", "close"), ("dens", "spars"), ("continu", "discret"),
    ("explicit", "implicit"), ("singl", "multipl"), ("major", "minor"), ("maximum", "minimum"), ("up", "down"),
    ("sharpen", "smooth"), ("separ", "joint"), ("independ", "joint"), ("parallel", "sequenti"), ("all", "none"),
    ("abund", "scarc"), ("separ", "share"), ("rais", "reduc"), ("rais", "lower"), ("spread", "cluster"), ("expand", "compress"), ("lower", "upper"), ("accur", "inaccur"), ("symmetr", "asymmetr"),
]
KEPT = frozenset(w for pair in OPPOSITES for w in pair)  # opposites that are also stop words ("same", "more")
PREFIXES = ("un", "in", "im", "ir", "il", "dis", "non", "non-", "a", "de")
SCOPE_END = frozenset(["with", "by", "for", "to", "from", "in", "on", "at", "of", "because", "so", "and", "or", "but",
                       "which", "that", "when", "while", "as", "via", "through", "into", "using"])
PRONOUNS = frozenset(["it", "them", "this", "that", "these", "those", "they", "him", "her"])
COMPARING = frozenset(["than", "vs", "versus", "compared", "whereas"])  # two sides: an opposite may only swap them
SENTENCES = re.compile(r"(?<=[.!?;])\s+|\n+")
DIRECTIONS = frozenset(["from", "into", "to", "than", "over", "onto", "toward", "towards"])


def words(text: str) -> list[str]:
    """Lower-case words; "doesn't" -> "does", "not"."""
    out = []
    for match in WORD.finditer(text.replace("’", "'")):
        word = match.group(0).lower()
        if word.endswith("n't"):
            out += [word[:-3] or "not", "not"] if word not in ("can't", "won't") else [word[:2], "not"]
        else:
            out.append(word.removesuffix("'s").strip("'"))
    return [w for w in out if w]


def content(text: str) -> list[str]:
    """Stems of the content words, in order (compounds kept whole and split)."""
    out = []
    for word in words(text):
        if (word in STOP_WORDS and stem(word) not in KEPT) or word in NEGATORS:
            continue
        parts = re.split(r"[-/.]", word) if re.search(r"[-/.]", word) else []
        out += [stem(word)] + [stem(p) for p in parts if p and p not in STOP_WORDS]
    return out


def clauses(text: str, min_words: int = 3) -> list[str]:
    """Sentences and clauses; pieces shorter than `min_words` content words join the
    one before, unless they negate."""
    out: list[str] = []
    for piece in CLAUSE_END.split(text):
        piece = piece.strip(" ,.-–—*")
        if not piece:
            continue
        negates = any(w in NEGATORS for w in words(piece))  # "cannot be precomputed" keeps its own clause
        if out and len(content(piece)) < min_words and not negates:
            out[-1] = f"{out[-1]}, {piece}"
        else:
            out.append(piece)
    if len(out) > 1 and len(content(out[0])) < min_words:
        out[1] = f"{out[0]}, {out[1]}"
        out = out[1:]
    return out


def polarities(text: str, reach: int = 2) -> dict[str, set[bool]]:
    """Per content stem, whether it is said under a negation (True) or not, each time.

    A negator reaches the next `reach` content words of its clause: in "It doesn't
    predict class ID", "predict" and "class" are negated; in "does not prevent
    forgetting", "forgetting" is negated twice, so affirmed.
    """
    out: dict[str, set[bool]] = {}
    for clause in clauses(text, min_words=1):
        open_scopes: list[int] = []
        for word in words(clause):
            if word in NEGATORS:
                open_scopes.append(reach)
            elif word in SCOPE_END:
                open_scopes = [n for n in open_scopes if n == reach]  # "prevent it with X": X is not denied
            elif word not in STOP_WORDS or stem(word) in KEPT:
                out.setdefault(stem(word), set()).add(len(open_scopes) % 2 == 1)
                open_scopes = [n - 1 for n in open_scopes if n > 1]
            elif open_scopes and word in PRONOUNS:
                open_scopes = [n - 1 for n in open_scopes if n > 1]
    return out


def _opposite(a: str, b: str) -> bool:
    if (a, b) in _PAIRS:
        return True
    return any((a == p + b or b == p + a) and min(len(a), len(b)) >= 4 for p in PREFIXES)


_PAIRS = {pair for x, y in OPPOSITES for pair in ((x, y), (y, x))}


def negated(text: str) -> bool:
    """An odd number of negators ("not", "never", "without", "rather than", "prevents")."""
    return sum(1 for w in words(text) if w in NEGATORS) % 2 == 1


def _comparing(text: str) -> bool:
    """Whether a text weighs two sides ("faster than", "vs"); "rather than" and
    "instead of" deny one side instead, as "not" does."""
    said = words(text)
    return any(w in COMPARING and not (w == "than" and i and said[i - 1] == "rather") for i, w in enumerate(said))


def opposites(answer: str, reference: str) -> list[tuple[str, str]]:
    """(answer word, reference word) opposites said with the same polarity, where
    neither text also says the other word ("same" for "different", but not "not
    small" for "large")."""
    ours, theirs = polarities(answer), polarities(reference)
    out = []
    for a in set(ours) - set(theirs):
        for r in set(theirs) - set(ours):
            if _opposite(a, r) and ours[a] & theirs[r]:
                out.append((a, r))
    return sorted(out)


def contradicts(answer: str, reference: str) -> str:
    """Why an answer clause contradicts the reference clause it restates ("" if it does not).

    A word both say, negated in one and not in the other ("not robust" for
    "robust"), or an opposite said the same way ("same" for "different"); a
    negated opposite ("not small" for "large") restates.
    """
    if _comparing(answer) or _comparing(reference):
        return ""
    flips = opposites(answer, reference)
    ours, theirs = polarities(answer), polarities(reference)
    denied = [w for w, said in ours.items()
              if len(w) > 2 and len(said) == 1 and len(theirs.get(w, ())) == 1 and said != theirs[w]]
    if denied and not any(_opposite(a, r) for a in set(ours) - set(theirs) for r in set(theirs) - set(ours)):
        shown = next((w for w in words(answer) if stem(w) == denied[0]), denied[0])
        return f"says {shown!r} the other way round"
    if flips:
        return "says " + ", ".join(f"{a!r} where the notes say {r!r}" for a, r in flips[:2])
    return ""


def is_claim(text: str) -> bool:
    """Whether a text states something, rather than listing terms.

    A list is several short comma/semicolon/line-separated items, or three or
    more words with no function word at all; a clause with an auxiliary, a
    pronoun or a linking word (is, it, by, so, than, ...) is a claim.
    """
    all_words = words(text)
    if not all_words:
        return False
    items = [i for i in re.split(r"[;\n]", text) if i.strip()]
    if len(items) < 2:
        items = [i for i in re.split(r"[,;\n]|\s+[-–—]\s+", text) if i.strip()]
    lengths = [len(words(i)) for i in items]
    has_claim_word = any(w in CLAIM_WORDS or w in NEGATORS for w in all_words)
    if len(items) >= 3 and sum(lengths) / len(lengths) <= 3.5 and not has_claim_word:
        return False
    return not (len(all_words) >= 3 and not any(w in STOP_WORDS or w in NEGATORS for w in all_words))


@dataclass(frozen=True)
class Mention:
    concept: str
    at: int  # index into the content stems of the text


def owners(stems: list[str], mentions: list[Mention]) -> list[str]:
    """Per content stem, the concept it belongs to: the nearest mention before it in
    the same text, else the first mention after it ("" when the text names none)."""
    out = []
    ordered = sorted(mentions, key=lambda m: m.at)
    for i in range(len(stems)):
        before = [m for m in ordered if m.at <= i]
        owner = before[-1] if before else (ordered[0] if ordered else None)
        out.append(owner.concept if owner else "")
    return out


def _mentions(stems: list[str], names: Iterable[str], read: Callable[[str], list[str]]) -> list[Mention]:
    out = []
    for name in names:
        forms = read(name)
        if not forms:
            continue
        for i in range(len(stems) - len(forms) + 1):
            if stems[i : i + len(forms)] == forms:
                out.append(Mention(name, i))
    return out


def _plain(text: str) -> list[str]:
    return [stem(w) for w in words(text) if w not in STOP_WORDS or w in DIRECTIONS or stem(w) in KEPT]


def triples(text: str, names: Iterable[str] = ()) -> set[tuple[str, str, str, str]]:
    """(concept, left stem, direction word, right stem) around "from", "into", "than", ...

    The concept is the one the words belong to ("" when the sentence names none),
    so "CBOW (predict center from context) and Skip-gram (predict context from
    center)" holds both directions, each for its own concept.
    """
    names = list(names)
    out = set()
    for sentence in SENTENCES.split(text):
        kept = [w for w in _plain(sentence) if w not in NEGATORS]
        own = owners(kept, _mentions(kept, names, _plain))
        for i, w in enumerate(kept):
            if w not in DIRECTIONS:
                continue
            left = next((x for x in reversed(kept[max(0, i - 3) : i]) if x not in DIRECTIONS), "")
            right = next((x for x in kept[i + 1 : i + 4] if x not in DIRECTIONS), "")
            if left and right and left != right:
                out.add((own[i], left, w, right))
    return out


def reversed_direction(answer: str, reference: str, names: Iterable[str] = ()) -> str:
    """A direction the answer turns round ("context from centre" for "centre from context")."""
    names = list(names)
    ref = triples(reference, names)
    for owner, left, word, right in triples(answer, names):
        if (owner, right, word, left) in ref and (owner, left, word, right) not in ref:
            return f"turns round {right!r} {word} {left!r}" + (f" for {owner}" if owner else "")
    return ""


PARENS = re.compile(r"\([^()]*\)")
PIECES = re.compile(r",\s+|;\s*|\s+(?:while|whereas|but)\s+|\s+[-–—]\s+")


def spells_out(name: str, acronym: str) -> bool:
    """Whether a name is the long form of an acronym ("Continuous bag-of-words", "CBOW")."""
    initials = "".join(w[0] for w in re.split(r"[\s-]+", name) if w).upper()
    return acronym.isupper() and len(acronym) >= 2 and (initials == acronym or name.upper() == acronym)


def _canonical(names: Iterable[str]) -> dict[str, str]:
    """Each name -> the name it stands for: a long form -> its acronym when both are named
    ("Inverted File Index" and "IVF" are one concept)."""
    names = list(dict.fromkeys(n for n in names if n))
    acronyms = [n for n in names if n.isupper() and len(n) >= 2]
    return {n: next((a for a in acronyms if a != n and spells_out(n, a)), n) for n in names}


def _named_in(piece: str, names: list[str], same: dict[str, str]) -> list[Mention]:
    """The concepts a clause is about: a name that opens it ("GPT-4o processes ...") or
    labels it in parentheses ("Cluster vectors (IVF)"), longest first where names nest
    ("GPT-4o", not "GPT" inside it). A name further in is not what the clause speaks of
    ("Adds cross-attention inside the LLM layers" is not about the LLM), and a
    parenthesis after a clause that opens on a name is an aside ("(ASR → LLM → TTS)")."""
    opening = _longest(_mentions(content(PARENS.sub(" ", piece)), names, content))
    if opening:
        return [Mention(same[m.concept], m.at) for m in opening if m.at == 0]
    labels = [n for label in PARENS.findall(piece) for n in names if content(n) == content(label)]
    return [Mention(same[n], 0) for n in dict.fromkeys(labels)]


def _longest(found: list[Mention]) -> list[Mention]:
    """Mentions not inside a longer one at the same place."""
    kept: list[Mention] = []
    for m in sorted(found, key=lambda m: -len(content(m.concept))):
        size = len(content(m.concept))
        if not any(k.at <= m.at and m.at + size <= k.at + len(content(k.concept)) for k in kept):
            kept.append(m)
    return kept


def _pieces(sentence: str) -> list[str]:
    """A sentence cut at its clause breaks, never inside parentheses ("(ASR, TTS)")."""
    asides = [m.span() for m in PARENS.finditer(sentence)]
    cuts = [m for m in PIECES.finditer(sentence) if not any(a <= m.start() < b for a, b in asides)]
    starts = [0, *(m.end() for m in cuts)]
    ends = [*(m.start() for m in cuts), len(sentence)]
    return [sentence[a:b] for a, b in zip(starts, ends)]


def bound_clauses(text: str, names: Iterable[str]) -> dict[str, list[str]]:
    """Per named concept, the clauses that speak of it alone: a clause naming one concept,
    and the clauses after it in its sentence that name none ("Cluster vectors (IVF), then
    quantize each cluster's residuals (PQ)" gives IVF the first clause and PQ the second)."""
    names = [n for n in names if n]
    same = _canonical(names)
    out: dict[str, list[str]] = {}
    for sentence in re.split(r"(?<=[.!?])\s+|\n+", text):
        current = ""
        for piece in _pieces(sentence):
            if not piece.strip():
                continue
            concepts = {m.concept for m in _named_in(piece, names, same)}
            if len(concepts) > 1:
                current = ""
                continue
            current = next(iter(concepts), current)
            if current:
                out.setdefault(current, []).append(piece.strip())
    return out


def bound(text: str, names: Iterable[str]) -> dict[str, set[str]]:
    """Per named concept, the content stems of the clauses that speak of it alone
    ("Encoder-only (BERT): bidirectional" gives BERT "encoder-only", "bidirectional")."""
    names = [n for n in names if n]
    same = _canonical(names)
    own = {c: {s for n, m in same.items() if m == c for s in content(n)} for c in set(same.values())}
    return {concept: {s for piece in pieces for s in content(piece)} - own[concept]
            for concept, pieces in bound_clauses(text, names).items()}


def sides(question: str, reference: str) -> list[str]:
    """The things a comparing question sets against each other (`compare.comparison_sides`), as
    the reference names them ("Why negative sampling vs full softmax?" -> "negative sampling",
    "full softmax"; "How does a tree object differ from a blob?" over notes that say "tree" ->
    "tree", "blob"): the longest run of each side's words that the reference says too."""
    said = content(reference)
    out = []
    for part in comparison_sides(question):
        found = [w.group(0) for w in WORD.finditer(part)]
        runs = sorted(((i, j) for i in range(len(found)) for j in range(i + 1, min(len(found), i + 5) + 1)
                       if found[i].lower() not in STOP_WORDS and found[j - 1].lower() not in STOP_WORDS),
                      key=lambda ij: ij[0] - ij[1])
        name = next((" ".join(found[i:j]) for i, j in runs
                     if content(" ".join(found[i:j])) and _mentions(said, [" ".join(found[i:j])], content)), "")
        if name and name not in out:
            out.append(name)
    return out if len(out) >= 2 else []


def denied_of(answer: str, reference: str, names: Iterable[str]) -> str:
    """A concept the answer says the reverse of: what the notes say of it, negated, or
    what they deny of it, affirmed ("GPT-4o routes audio through a separate speech
    pipeline" where the notes say it does so "not via a separate speech pipeline")."""
    names = list(names)
    theirs = bound_clauses(reference, names)
    for concept, pieces in bound_clauses(answer, names).items():
        if concept in theirs:
            reason = contradicts("; ".join(pieces), "; ".join(theirs[concept]))
            if reason:
                return f"{reason} for {concept}"
    return ""


LABEL = re.compile(r"(?:^|(?<=[.!?;])\s+|\n)\s*([A-Za-z][\w /-]{1,40}?)\s*(?:\([^)]*\))?:\s")


def labels(text: str) -> list[str]:
    """Terms a text describes one by one: the heads of "Cosine: normalized. Dot product: ..." """
    return list(dict.fromkeys(m.group(1).strip() for m in LABEL.finditer(text) if len(m.group(1).split()) <= 4))


def misbound(answer: str, reference: str, names: Iterable[str]) -> str:
    """A concept the answer gives what the reference gives another concept
    ("Decoder-only (BERT)" where the notes say "Encoder-only (BERT)")."""
    names = list(names)
    ref = bound(reference, names)
    if len(ref) < 2:
        return ""
    ans = bound(answer, names)
    for concept, stems in ans.items():
        if concept not in ref:
            continue
        others = set().union(*(v for k, v in ref.items() if k != concept))
        borrowed = sorted(s for s in stems - ref[concept] if s in others)
        own = stems & ref[concept]
        if len(borrowed) >= 2 and len(borrowed) >= len(own - others):
            return f"gives {concept} what the notes say of another concept"
    return ""
