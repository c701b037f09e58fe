"""Discover concepts the catalog lacks, from one chunk at a time.

Candidates come from defined terms (`What is "X"?`, `X — what is it?`, `X = ?`,
a bold term opening a list item or table row), `Name (Long Form)` pairs, bold
terms, mixed-case / acronym names and section headings. `select` keeps the
ones that are defined or recur in two chunks, drops labels and junk, merges
spelling variants and gives each a type by rule.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from functools import cache

from studygraph.graph.acronyms import pairs, spells_out
from studygraph.graph.defined import CALL_GLOSS, code_terms, defined_terms, phrase_terms
from studygraph.graph.phrases import GENERIC, known_word
from studygraph.graph.variants import MARKUP
from studygraph.graph.vault import aliases, in_vault, links, note_name
from studygraph.ingest.note import Chunk
from studygraph.ingest.spans import Span
from studygraph.ingest.tokenize import STOP_WORDS

NUMBERING = re.compile(r"^\s*(?:#+\s*)?(?:\d+(?:\.\d+)*[.)]?|[A-Z][.)]|Q\d+[.):]?)\s+")
LEAD_LABEL = re.compile(r"^(?:question|q|set|day|module|pattern|stage|use case|part|section|chapter|step|week|phase|level|lecture|lesson|round|example|case|exercise|problem|task|topic|unit)\s*[\w.]{0,4}\s*:\s*", re.I)
QUOTED = r"[\"“”'‘’`]"
WHAT_IS = re.compile(rf"^(?:what\s+(?:is|are|was|were)|define|explain)\s+(?:(?:an?|the)\s+)?(?:concept\s+of\s+)?(?P<x>{QUOTED}[^\"“”`?]{{2,60}}{QUOTED}|[^,?\"“”()]{{2,60}}?)\s*(?:\((?P<alt>[^()]{{2,40}})\))?\s*(?:\?|,|\.|$)", re.I)
WHAT_IS_IT = re.compile(r"^(?P<x>[^?]{2,40}?)\s*[—–-]+\s*what(?:'s| is)\s+(?:it|this|that)\s*\?", re.I)
# "SimCLR — what are the positive pairs?", "MoCo — what's the trick?": a question card on one thing
ABOUT = re.compile(r"^(?P<x>[^?—–]{2,40}?)\s+[—–]\s+(?:what|how|why|when|which|who)\b[^?]*\?$", re.I)
EQUALS = re.compile(r"^(?P<x>[^?=]{2,40}?)\s*=\s*\?")
BARE = re.compile(r"^(?P<x>[^?\s][^?]{0,30}?)\s*\?$")
BOLD = re.compile(r"\*\*(?P<x>[^*\n]{2,80}?)\*\*")
TERM_ITEM = re.compile(r"^\s*(?:[-*+•]\s+|\d+[.)]\s+|\|\s*)?\*\*(?P<x>[^*\n:]{2,60}?)(?::\*\*|\*\*\s*(?::|\||[—–-]\s))\s*(?P<rest>\S.*)?$")
IS_A = re.compile(r"^(?:\*\*)?(?P<x>[A-Z][\w\-.·/]*(?:\s+[A-Z][\w\-.·/]*){0,3})(?:\*\*)?(?:\s*\([^()]{2,80}\))?\s+(?:is|are)\s+(?:an?|the)\s+(?P<gloss>\w.*)")
STANDS_FOR = re.compile(r"^(?:\*\*)?(?P<x>[A-Z][A-Za-z0-9-]{1,11})(?:\*\*)?\s+(?:is|stands for|means|=)\s+(?P<rest>[A-Z].*)")
# A word of the notes' own jargon: lower case, in prose, that a general English lexicon does not know
# ("reflog", "pathspec", "logit", "covariance", "survfit", "tree-ish"). Not in code or a link, not a LaTeX
# command, not half of a contraction ("doesn" of "doesn't").
# ...not the name of an AsciiDoc inline macro (`linkgit:git-add[1]`, `link:url[text]`): markup, named in 912 passages of git's manual.
JARGON = re.compile(r"(?<![\w`./$\\{'’-])([a-z][a-z]{3,}(?:-[a-z]+)*)(?![\w`/\\'’]|\.\w|-\w|:[^\s\[\]]+\[)(\(?)")  # word, "(" if called
# Word endings of adjectives, adverbs and participles ("hypergeometric", "exogenous", "deterministically",
# "reweighted"): English morphology, which says the word describes rather than names.
DESCRIBES = re.compile(r"(?:ly|ed|able|ible|ous|ive|ic|ical|istic|esque|less|ward|wise)$")
AFFIXES = frozenset({"non", "pre", "re", "un", "multi", "semi", "anti", "co", "sub", "inter", "intra", "post", "over", "under", "self"})
WEB = frozenset({"http", "https", "www", "html", "href"})
CONTRACTION = re.compile(r"\w(?:n['’]t|['’](?:re|ve|ll|d|m))\b|\b(?:it|that|there|here|what|who)['’]s\b", re.I)
# A statistic or constant named after someone and a symbol: "Cohen's d", "Ripley's K", "Harrell's C",
# "Kendall's tau-b" (the Greek letters are the alphabet's names, not any field's words)
EPONYM_SYMBOL = re.compile(
    r"(?<![\w'’])(?P<who>[A-Z][a-z]+)(?:['’]s|s['’]) (?:[A-Za-z]|alpha|beta|gamma|delta|epsilon|kappa|lambda|mu|nu|pi|rho|sigma|tau|phi|"
    r"chi|psi|omega|eta|theta)(?:-[a-z])?(?![\w'’])"
)
PROSE = frozenset({"sentence", "item", "answer", "question", "prompt"})
# Three or more capitalised names in a row, split by commas, slashes, "and"/"or": "CLIP, SigLIP, DINOv2",
# "GPT-4V, LLaVA, Gemini, and Claude", "BFGS, LBFGS and Newton": alternatives of one kind that the notes
# enumerate, where a name used once is still named as a thing.
_NAMEISH = r"[A-Z][\w+-]*(?:\.[\w+-]+)*(?: [A-Z0-9][\w+-]*)?(?:\s*\([^()]{1,40}\))?"  # "CheXpert (chest X-ray)"
ENUMERATION = re.compile(rf"(?<![\w-]){_NAMEISH}(?:(?:\s*[,/]\s*|,?\s+(?:and|or)\s+){_NAMEISH}){{2,}}(?![\w-])")
LISTED = "listed"
NAME = re.compile(r"(?<![\w\-/.$\\·])(?P<x>[A-Za-z][A-Za-z0-9]*(?:[-.·][A-Za-z0-9]+)*)(?![\w\-/·]|\.\w)")
INLINE_CODE = re.compile(r"`[^`\n]*`")
# "If A is a merge commit", "If HEAD ...": a clause opening on a variable, not a name ("if statement",
# "While loops" stay). "If A" matched every "if a" of the git manual (141 passages), a hub of nothing.
CLAUSE = re.compile(r"^(?i:if|unless|whether|while|because|although|though|whereas|whenever)\s+(?:[A-Z]+\b|(?i:the|an?|this|it|you|we)\b)")
JUNK = re.compile(r"^(?:\d|[a-z]?\d+[a-z]?$|[a-z]\d|top-?\d)|[:;!?=$\\{}\[\]<>|@#%^~]|^(?:how|why|what|when|which|where|who|does|do|is|are|can|should|the|a|an|this|that|these|those|it|its)\b", re.I)


@dataclass(frozen=True)
class Candidate:
    """A name that might be a concept: where it came from (`how`) and its long form, if any."""

    name: str
    how: str  # defined | longform | marked | bold | name | capital | heading | phrase | code | jargon
    long: str = ""
    gloss: str = ""  # "X is a <gloss>": the words that say what kind of thing X is


def clean(name: str) -> str:
    """Strip quotes, markup, articles and trailing punctuation from a candidate name."""
    name = MARKUP.sub("", name).strip()
    name = re.sub(r"\s*\([^)]*\)?\s*$", "", name)  # "Latent Diffusion Models (LDM" -> the name before it
    name = name.strip("\"“”'‘’()[]., ")
    name = re.sub(r"^(?:the|a|an)\s+", "", name, flags=re.I)
    return re.sub(r"\s+", " ", name).strip("\"“”'‘’., ")


def plausible(name: str) -> bool:
    """A name short and clean enough to be a node (not a label, a number or a sentence)."""
    if not name or len(name) > 50 or not any(c.isalpha() for c in name) or JUNK.search(name) or CLAUSE.match(name):
        return False
    words = name.split()
    if len(words) > 5 or len(name) < 2 or (len(words) == 1 and (name.lower() in STOP_WORDS or name.lower() in GENERIC)):
        return False  # "They are ...", "Below is ..." name nothing
    if CONTRACTION.search(name):
        return False  # *don't*, "it's": stress on a contraction names nothing
    if len(words) > 1 and len({w.lower() for w in words}) < len(words):
        return False  # "NA NA NA", "estimate estimate": a table's or a PDF's debris, not a name
    if len(words) > 1 and words[-1].lower() in ("and", "or", "of", "for", "with", "to", "in", "on", "vs"):
        return False
    return not (" and " in name or "&" in name or "," in name)


def _name_like(word: str) -> bool:
    """An acronym or product-style name: SigLIP, DINOv2, IVF-PQ, BLIP-2 (not High-Res or AND)."""
    if word.islower() or (word[:1].isupper() and word[1:].islower()):
        return False  # plain words and Capitalised words: the common case, decided fast
    letters = [c for c in word if c.isalpha()]
    if len(letters) < 2 or word.lower() in STOP_WORDS:
        return False
    if word.isalpha() and word.isupper() and len(word) >= 5 and known_word(word.lower()):
        return False  # COMMITS, REBASING, VARIABLES: a shouted section title, not an acronym
    parts = re.split(r"[-.·/]", word)
    caps = max(sum(c.isupper() for c in part) for part in parts)
    inner = any(a.islower() and b.isupper() for part in parts for a, b in itertools.pairwise(part))
    digit = any(c.isdigit() for c in word) and caps >= 1 and not re.match(r"^[A-Za-z]?\d", word)
    return caps >= 2 or inner or digit


def _title(text: str) -> str:
    text = NUMBERING.sub("", text.strip().lstrip("#").strip())
    return LEAD_LABEL.sub("", text).strip()


def _defined_in_title(title: str) -> tuple[str, str] | None:
    for pattern in (WHAT_IS, WHAT_IS_IT, EQUALS, ABOUT):
        m = pattern.match(title)
        if m:
            alt = m.groupdict().get("alt") or ""
            return clean(m.group("x")), clean(alt)
    m = BARE.match(title)
    if m and all(_name_like(w) for w in m.group("x").split()) and len(m.group("x").split()) <= 2:
        return clean(m.group("x")), ""
    return None


def _heading_name(title: str) -> str:
    lead = re.split(r"\s+[(—–]|\s+-\s+|:\s", title, maxsplit=1)[0]
    return clean(lead)


def candidates(chunk: Chunk, spans: list[Span]) -> list[Candidate]:
    """Names in one chunk that might be concepts (before any cross-chunk filtering)."""
    out: list[Candidate] = _vault_names(chunk, spans) if in_vault(chunk.source) else []
    defined_short: dict[str, str] = {}
    jargon: dict[str, bool] = {}  # the chunk's words of jargon (one candidate each), and whether one is called
    plain: set[str] = set()  # ...and its other words, asked about once
    for at, span in enumerate(spans):
        text = span.text
        if span.kind in ("question", "heading"):
            title = _title(text)
            found = _defined_in_title(title)
            if found:
                out.append(Candidate(found[0], "defined"))
                defined_short[span.question or text] = found[0]
            elif span.kind == "heading":
                out.append(Candidate(_heading_name(title), "heading"))
        elif span.kind == "answer" and span.question:
            short = defined_short.get(span.question)
            long = spells_out(short, text) if short else None
            if short and long:
                out.append(Candidate(short, "longform", long))
        term = TERM_ITEM.match(text) if span.kind in ("item", "row") else None
        if term and term.group("rest"):
            out.append(Candidate(clean(term.group("x")), "defined"))
        for m in BOLD.finditer(text):
            after = text[m.end() : m.end() + 1]
            if not m.group("x").rstrip().endswith(":") and after != ":":
                out.append(Candidate(clean(m.group("x")), "bold"))
        is_a = IS_A.match(text) if span.kind in ("sentence", "item", "answer") else None
        if is_a:
            out.append(Candidate(clean(is_a.group("x")), "defined", gloss=" ".join(is_a.group("gloss").split()[:6])))
        stands = STANDS_FOR.match(text) if span.kind in ("sentence", "item", "answer") else None
        long = spells_out(stands.group("x"), stands.group("rest")) if stands else None
        if stands and long:
            out.append(Candidate(stands.group("x"), "longform", long))
        for short, long in pairs(text):
            out.append(Candidate(short, "longform", long))
        for m in EPONYM_SYMBOL.finditer(text):
            if not known_word(m.group("who").lower()):
                # Cohen's d, Ripley's K, Kendall's tau: a measure named after someone, kept when used twice
                out.append(Candidate(m.group(0), "name", gloss="measure"))
        if span.kind == "code":
            continue  # identifiers in code (DataLoader, AutoModel) are not concepts; catalog names still match there
        before_code = at + 1 < len(spans) and spans[at + 1].kind == "code"
        for name, how, gloss in defined_terms(text, span.kind, before_code):
            out.append(Candidate(clean(name), how, gloss=gloss))
        out.extend(Candidate(code, "code", gloss=CALL_GLOSS if called else "") for code, called in code_terms(text))
        if span.kind not in ("question", "heading"):
            out.extend(Candidate(phrase, "phrase") for phrase in phrase_terms(text))
        prose = INLINE_CODE.sub(" ", text)
        if span.kind in ("sentence", "item", "answer"):
            for word, call in JARGON.findall(prose):
                if word in jargon:
                    jargon[word] = jargon[word] or bool(call)  # "survfit(fit)": a function, called
                elif word not in plain and _jargon(word):
                    jargon[word] = bool(call)
                else:
                    plain.add(word)
        listed = [e.span() for e in ENUMERATION.finditer(prose)] if span.kind in PROSE or span.kind == "row" else []
        for m in NAME.finditer(prose):
            word = m.group("x")
            if _name_like(word):
                within = any(a <= m.start() and m.end() <= b for a, b in listed)
                out.append(Candidate(re.sub(r"(?<=[A-Z])s$", "", word), "name", gloss=LISTED if within else ""))
            elif len(word) > 2 and word[0].isupper() and word[1:].islower():
                out.append(Candidate(word, "capital"))  # Flamingo, Whisper: tells the notes' field, never a node alone
    out.extend(Candidate(word, "jargon", gloss=CALL_GLOSS if called else "") for word, called in jargon.items())
    # An option of one word (`--merge::`, a heading "-x") is matched without its dashes, so as a node it would
    # be named in every prose "merge" (98 edges on the git docs); `--first-parent` stays.
    return [c for c in out if (plausible(c.name) or (c.how == "code" and c.name)) and not _bare_option(c.name)]


@cache
def _jargon(word: str) -> bool:
    """A lower-case word the English lexicon does not know, that names rather than describes."""
    if word in STOP_WORDS or word in GENERIC or word in WEB or DESCRIBES.search(word):
        return False
    parts = word.split("-")
    return not all(known_word(p) or p in AFFIXES for p in parts)


def _bare_option(name: str) -> bool:
    """`--merge`, `-n`: an option that is one word (or a letter) once its dashes go."""
    word = name.lstrip("-")
    return name.startswith("-") and (len(word) <= 1 or (word.isalpha() and known_word(word.lower())))


def _vault_names(chunk: Chunk, spans: list[Span]) -> list[Candidate]:
    """Pages a vault names (`[[Page]]` outside code), and the note's own page with its front-matter aliases."""
    out = [Candidate(clean(target), "marked") for s in spans if s.kind != "code" for target, _ in links(s.text)]
    found = aliases(chunk.text) if chunk.start_line == 1 else []
    if found:
        page = clean(note_name(chunk.source))
        out.append(Candidate(page, "marked"))
        out.extend(Candidate(page, "longform", clean(alias)) for alias in found if clean(alias))
    return out
