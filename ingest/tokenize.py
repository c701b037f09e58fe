"""The one tokenizer BM25, alias matching and answer scoring share.

Lowercased, Unicode-normalised, English stop words dropped, Snowball
(Porter 2) stemming of plain words, so "normalised" meets "normalization". Compound technical terms stay searchable both whole and in parts:
`ViT-L/14` gives `vit-l/14`, `vit`, `l`, `14`; `IVF-PQ` gives `ivf-pq`, `ivf`, `pq`.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import Stemmer

# Word characters joined by - / . _ + ' (but not ending in them): "vit-l/14", "gpt-4o", "c++".
TOKEN = re.compile(r"[^\W_]+(?:[-/._+'][^\W_]+)*\+*", re.UNICODE)
DASHES = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"), "-")

STOP_WORDS = frozenset(
    ["a", "about", "above", "after", "again", "against", "all", "am", "an", "and", "any", "are", "as", "at", "be", "because", "been", "before", "being", "below", "between", "both", "but", "by", "can", "could", "did", "do", "does", "doing", "down", "during", "each", "few", "for", "from", "further", "had", "has", "have", "having", "he", "her", "here", "hers", "herself", "him", "himself", "his", "how", "i", "if", "in", "into", "is", "it", "its", "itself", "just", "me", "more", "most", "my", "myself", "no", "nor", "not", "now", "of", "off", "on", "once", "only", "or", "other", "our", "ours", "ourselves", "out", "over", "own", "same", "she", "should", "so", "some", "such", "than", "that", "the", "their", "theirs", "them", "themselves", "then", "there", "these", "they", "this", "those", "through", "to", "too", "under", "until", "up", "very", "was", "we", "were", "what", "when", "where", "which", "while", "who", "whom", "why", "will", "with", "would", "you", "your", "yours", "yourself", "yourselves", "s", "t", "don", "doesn", "isn", "aren", "wasn", "weren", "won", "shouldn"]
)


_STEMMER = Stemmer.Stemmer("english")


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """Snowball stem of a plain word; compounds and numbers stay as written."""
    if len(word) <= 3 or not word.isalpha():
        return word
    return _STEMMER.stemWord(word)


# A command-line option as written: `-x`, `-X`, `--force`, `--no-ff` (not `e-mail`, `-1`, `f(x)-y`).
FLAG = re.compile(r"(?<![\w\-/.)\]])(--?)([A-Za-z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)*)(?![\w])")
# Bump when tokens change: snapshots count terms with the tokenizer of their version (ingest.terms).
VERSION = 3


def normalize(text: str) -> str:
    return unicodedata.normalize("NFKC", text).translate(DASHES).casefold()


def flags(text: str) -> list[str]:
    """Command-line options in `text`, as tokens: a one-letter option keeps its case (`-x` and
    `-X` are different options of `git clean`), written `-^x` for a capital so that every token
    stays in normalized (case-folded) form; a long one is lower-cased (`--force`).

    Without them `-a` was the stop word "a" and `-x` the letter "x" that names a variable in
    every other note, so "What does the -a option of git commit do?" could not find `-a::`.
    """
    if "-" not in text:
        return []
    out = []
    for match in FLAG.finditer(unicodedata.normalize("NFKC", text).translate(DASHES)):
        dashes, name = match.groups()
        capital = len(name) == 1 and dashes == "-" and name.isupper()
        out.append(dashes + ("^" if capital else "") + name.casefold())
    return out


def tokenize(text: str, keep_stop_words: bool = False) -> list[str]:
    """Tokens for BM25: whole compounds plus their parts, stemmed, stop words out, and the
    command-line options the text names (`flags`)."""
    if "\n" in text:  # line by line: the tokens of two lines are the tokens of each (options included)
        return [t for line in text.split("\n") for t in tokenize(line, keep_stop_words)]
    out: list[str] = flags(text)
    for match in TOKEN.finditer(normalize(text)):
        word = match.group(0).strip("'")
        if word.endswith("'s"):
            word = word[:-2]
        if not word:
            continue
        parts = [p for p in re.split(r"[-/._+']", word) if p] if re.search(r"[-/._+']", word) else []
        if keep_stop_words or word not in STOP_WORDS:
            out.append(stem(word))
        for part in parts:
            if keep_stop_words or part not in STOP_WORDS:
                out.append(stem(part))
    return out
