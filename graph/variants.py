"""Spelling variants of one name reduce to one key.

`CLIP`, `clip`, `Contrastive Language–Image Pre-training`, `LLMs`, `DALL·E` and
`multimodal chain-of-thought` all become keys that ignore case, hyphens, Unicode
dashes, spaces and a plural ending. Names are compared token by token, where a
token is a run of letters and digits (`1.5` stays one token so `Gemini 1.5`
does not read as `Gemini 15` in a different order).
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

TOKEN = re.compile(r"[^\W_]+(?:\.[0-9]+)*")
# Characters that may sit between two tokens of one name: spaces, hyphens, every
# Unicode dash, the middle dot of DALL·E, slash (ViT-L/14) and underscore.
JOINERS = frozenset(" \t-\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u00b7/_")
# ...and a soft wrap: one line break inside a paragraph, with the indentation around it ("the code\n
# printers"). Hard-wrapped notes (reStructuredText, AsciiDoc, most Markdown) otherwise lose every
# multi-word name that straddles a line end.
JOIN_GAP = re.compile("[" + re.escape("".join(sorted(JOINERS))) + "]{1,3}|[ \t]*\n[ \t]*")
APOSTROPHES = "'\u2019"
# Inline markup around words (`*x*`, `**x**`, `` `x` ``, `_x_`), never the underscore inside `stan_glm`.
MARKUP = re.compile(r"[*`]+|(?<!\w)_+|_+(?!\w)")
# The name of a reStructuredText role right before its backquoted text: `:func:`, `:py:meth:`.
ROLE_SYNTAX = r"(?<![\w`]):(?:[A-Za-z][\w.+-]*:)+"
ROLE_NAME = re.compile(ROLE_SYNTAX + "(?=`)")


@dataclass(frozen=True)
class Token:
    text: str
    start: int
    end: int
    joined: bool  # True when only joiner characters separate it from the previous token


def token_spans(text: str) -> list[tuple[int, int, bool]]:
    """(start, end, joined) of each token of `text`; `joined` when only joiner
    characters (space, hyphen, dash, slash, middle dot) separate it from the previous one.

    A possessive `'s` is dropped, and a plural one (`Somers' D`) joins, as do a dot or `::` inside a name
    (`core.autocrlf`, `lme4::lmer`); a single line break (a soft wrap) joins like a space;
    any other gap (punctuation, brackets, quotes, a blank line) breaks a name. The name of a reStructuredText role (`:func:`,
    `:py:meth:` before a backquote) is markup, not a word of the text: read as one,
    a concept the Python docs call "func" was named in 761 of their passages.
    """
    out: list[tuple[int, int, bool]] = []
    prev_end = -1
    fullmatch = JOIN_GAP.fullmatch
    roles = [m.span() for m in ROLE_NAME.finditer(text)] if ":`" in text else []
    for match in TOKEN.finditer(text):
        start, end = match.span()
        if roles and any(a <= start < b for a, b in roles):
            prev_end = -1  # the role's name is markup, and it breaks a name
            continue
        if prev_end >= 0 and end - start == 1 and text[start - 1] in APOSTROPHES and text[start] in "sStT":
            prev_end = end
            continue
        joined = prev_end >= 0 and (
            fullmatch(text, prev_end, start) is not None
            # a dotted name: `core.autocrlf`, `data.frame`, `np.mean` (a dot with a space after it ends a sentence),
            # and a namespaced one: `lme4::lmer`, `std::vector`
            or (start - prev_end == 1 and text[prev_end] == ".")
            or text[prev_end:start] == "::"
            # a plural possessive joins like 's does: "Somers' D", "Wilks' lambda"
            or (text[prev_end - 1] in "sS" and text[prev_end] in APOSTROPHES and fullmatch(text, prev_end + 1, start) is not None)
        )
        out.append((start, end, joined))
        prev_end = end
    return out


def tokens(text: str) -> list[Token]:
    """Tokens of one line of text with their character offsets (see `token_spans`)."""
    return [Token(text[a:b], a, b, joined) for a, b, joined in token_spans(text)]


@lru_cache(maxsize=65536)
def plural_stem(word: str) -> str:
    """Harman's S-stemmer: plurals only (`embeddings` -> `embedding`, `LLMs` -> `llm`),
    so distinct technical terms (`tokenization`, `tokens`) never meet."""
    if len(word) <= 3 or not word.isalpha():
        return word
    if word.endswith("ies") and not word.endswith(("eies", "aies")):
        return word[:-3] + "y"
    if word.endswith(("sses", "xes", "ches", "shes")):
        return word[:-2]
    if word.endswith("es") and not word.endswith(("aes", "ees", "oes")):
        return word[:-1]
    if word.endswith("s") and not word.endswith(("us", "ss", "is")):
        return word[:-1]
    return word


def fold(text: str) -> str:
    """NFKC + casefold: the case-blind form of one token."""
    return unicodedata.normalize("NFKC", text).casefold()


def token_key(word: str) -> str:
    return fold(word)


def loose_key(words: list[str]) -> str:
    """Case-, separator- and plural-blind key of a name given as tokens."""
    if not words:
        return ""
    keys = [token_key(w) for w in words]
    keys[-1] = plural_stem(keys[-1])
    return "".join(keys)


def exact_key(words: list[str]) -> str:
    """Case-keeping key of a name given as tokens (separators still ignored)."""
    return "".join(unicodedata.normalize("NFKC", w) for w in words)


def name_words(name: str) -> list[str]:
    return [name[a:b] for a, b, _ in token_spans(name)]


@lru_cache(maxsize=1 << 18)  # a build asks for ~150k keys of ~60k distinct names (12 MB docs)
def key_of(name: str) -> str:
    """The variant key of a whole name: `key_of("Sentence BERT") == key_of("sentence-bert")`."""
    return loose_key(name_words(name))


def is_strict(name: str, kind: str) -> bool:
    """Whether a name only matches with its own capitals.

    Acronyms and mixed-case names (CLIP, ALIGN, SigLIP, LLaVA) must keep their
    capitals so that `clip`, `align` or `sam` in running text do not match; a
    single capitalised word naming a model or data set (Whisper, Gemini, Donut)
    must keep its capital. Tokens with digits (BM25, Word2Vec, T5) are
    unambiguous and match in any case. A camelCase identifier keeps its capitals.
    """
    words = name_words(name)
    for word in words:
        if any(c.isdigit() for c in word):
            continue
        if sum(c.isupper() for c in word) >= 2:
            return True
        if any(a.islower() and b.isupper() for a, b in itertools.pairwise(word)):
            return True  # camelCase (`insteadOf`, `sslVerify`): never the words "instead of" in prose
    if len(words) == 1 and kind in ("model", "dataset", "benchmark", "retrieval"):
        word = words[0]
        return word[:1].isupper() and not any(c.isdigit() for c in word)
    return False


def _strict_token(word: str) -> bool:
    return not any(c.isdigit() for c in word) and sum(c.isupper() for c in word) >= 2


def case_keys(words: list[str]) -> tuple[str, str]:
    """Two case-keeping keys of a name: as written, and with only its acronym-like
    tokens keeping their capitals (`Visual QA` -> `visualQA`)."""
    raw = exact_key(words)
    semi = "".join(exact_key([w]) if _strict_token(w) else token_key(w) for w in words)
    return raw, semi


def exact_forms(name: str) -> set[str]:
    """Case-keeping keys a strict name accepts (compare with `case_keys` of a text).

    A name with acronym-like tokens (`CLIP`, `visual QA`) fixes only those tokens'
    capitals; a capitalised single word (`Whisper`) must be written as such.
    """
    words = name_words(name)
    raw, semi = case_keys(words)
    if any(_strict_token(w) for w in words):
        return {semi, semi + "s"}
    return {raw, raw.upper(), raw + "s"}


def slug(name: str) -> str:
    """A readable, stable node id: `ViT-L/14` -> `vit-l-14`."""
    text = fold(name).replace("+", "plus")
    text = re.sub(r"[^0-9a-z.]+", "-", unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode())
    return text.strip("-.") or "concept"
