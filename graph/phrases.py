"""Noun phrases of plain prose, found without a tagger or a field's word list.

A term a teacher would draw is nearly always a noun phrase: modifiers and a
head noun ("coset table", "free group", "posterior predictive density", "merge
commit"). We read which parts of speech an English word can take from
LemmInflect's lexicon (MIT; its AGID-derived tables ship inside the wheel, no
download) and keep maximal runs of words that can sit in a noun phrase, cut at
punctuation, function words and words that can only be verbs or adverbs.
Words the lexicon does not know (names, jargon: "Todd-Coxeter", "lambdify")
count as nouns. This is the candidate step of C-value term extraction
(Frantzi, Ananiadou & Mima 2000); the corpus-wide termhood lives in
`graph.termhood`.

Why a lexicon and not a tagger: no tagger with its model ships inside a
registry package we could verify (spaCy's models are third-party re-uploads),
and a lookup cached per word is cheap. Measured: in a profile of a cold graph
build of the R vignettes (1.2 MB), noun phrases took 9 of 35 profiled seconds;
a whole cold build of the 11 MB Python docs takes 65 s of CPU.
"""

from __future__ import annotations

import re
from functools import cache

from studygraph.ingest.tokenize import STOP_WORDS

# General English that never starts, ends or sits inside a term: determiners,
# quantifiers, ordinals and vague modifiers ("the following example", "other
# words", "a new way"), and participles that point back at the context ("the resulting
# packfile", "the corresponding entry", "the existing branch"). Not names of any field.
GENERIC = frozenset(
    ["also", "another", "any", "certain", "different", "each", "either", "every", "etc", "e.g", "eg", "i.e", "ie", "following", "first", "second", "third", "fourth", "last", "next", "previous", "former", "latter", "given", "many", "much", "several", "various", "new", "old", "same", "other", "such", "whole", "entire", "own", "particular", "specific", "usual", "usually", "typical", "common", "simple", "basic", "main", "important", "possible", "actual", "like", "unlike", "via", "able", "less", "least", "lot", "lots", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "zero", "below", "above", "here", "there", "now", "then", "thus", "hence", "therefore", "however", "although", "whether", "yes", "okay", "ok", "let", "lets", "let's", "see", "per", "within", "without", "among", "across", "upon", "onto", "toward", "towards", "versus", "vs", "unless", "since", "though", "whereas", "whose", "whichever", "whatever", "whenever", "yet", "else", "using", "including", "according", "regarding", "concerning", "depending", "assuming", "considering", "excluding", "cannot", "must", "might", "may", "shall", "need", "needs", "et", "al", "enough", "rather", "quite", "corresponding", "resulting", "remaining", "containing", "existing", "earlier", "latest"]
)
# Nouns too vague to be a term alone ("way", "case", "example"); inside a longer term they may stay
# ("time series", "CVE number").
VAGUE = frozenset(
    ["way", "ways", "thing", "things", "something", "anything", "everything", "nothing", "case", "cases", "kind", "kinds", "sort", "sorts", "type", "types", "part", "parts", "number", "numbers", "order", "time", "times", "use", "uses", "instance", "instances", "example", "examples", "default", "note", "notes", "section", "sections", "chapter", "chapters", "page", "pages", "value", "values", "result", "results", "information", "detail", "details", "step", "steps", "point", "points", "fact", "reason", "problem", "problems"]
)
SUBJECTS = frozenset(["it", "he", "she", "this", "that", "which", "who", "one", "also", "often", "then", "usually", "always", "never", "simply", "only", "just"])
AUXILIARIES = frozenset(
    ["to", "can", "cannot", "could", "will", "would", "shall", "should", "must", "may", "might", "please", "let", "lets", "don't", "doesn't", "didn't", "won't", "we", "you", "they", "i"]
)
DETERMINERS = frozenset({"a", "an", "the", "this", "that", "these", "those", "each", "every", "its", "their", "all", "no"})
# After "<noun> <word>s", these mark <word>s as the verb: "the module deals with", "it records two".
VERB_FOLLOWERS = DETERMINERS | frozenset(
    ["with", "of", "to", "in", "on", "for", "by", "as", "from", "into", "about", "that", "how", "what", "whether", "up", "out", "one", "two", "three", "four", "several", "many", "some"]
)
ARTICLES = frozenset({"a", "an", "the", "this", "that", "each", "every", "its", "their", "our", "your"})
WORD = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:['’][a-z]+)?(?:-[A-Za-z0-9]+)*")
BREAK = re.compile(r"[^\sA-Za-z0-9'’-]|\s-\s|--")
MAX_WORDS = 5
_VERB_ONLY = frozenset({"VERB"})


@cache
def _tags(word: str) -> frozenset[str]:
    from lemminflect import getAllLemmas  # loaded on first use: the query path never builds a graph

    lower = word.lower()
    found = getAllLemmas(lower)
    if not found and "-" in lower:
        found = getAllLemmas(lower.rsplit("-", 1)[-1])
    return frozenset(found)


def known_word(word: str) -> bool:
    """An ordinary English word (the lexicon knows it), not a name or jargon."""
    return bool(_tags(word))


def can_be_verb(word: str) -> bool:
    """Whether the lexicon knows the word as a verb form ("Remove", "Verifies"; not "Backend", "Simple")."""
    return "VERB" in _tags(word)


def participle(word: str) -> bool:
    """A past participle describing a noun ("merged", "specified", "removed"), not an adjective of its
    own; "-ing" forms stay, as they often name the thing ("training data", "pooling layer")."""
    tags = _tags(word)
    return word.lower().endswith("ed") and "VERB" in tags and not tags & {"ADJ", "NOUN"}


@cache
def bare_verb(word: str) -> bool:
    """A word the lexicon knows only as a verb, in its base form ("merge", "commit"), which English also
    uses as a noun; not an inflected form ("created", "made", "taken", "uses")."""
    from lemminflect import getAllLemmas

    lower = word.lower()
    return _tags(word) == _VERB_ONLY and lower in getAllLemmas(lower).get("VERB", ())


def noun_capable(word: str) -> bool:
    """A word that can head a noun phrase: a noun, or a word the lexicon does not know."""
    if "'" in word or "’" in word:
        return False  # "doesn't", "server's": a contraction or possessive ends no noun phrase
    tags = _tags(word)
    # A gerund names a process ("partial pooling", "importance sampling", "rebasing").
    return not tags or "NOUN" in tags or "PROPN" in tags or word.lower().endswith("ing")


@cache
def _fits(word: str) -> bool:
    lower = word.lower()
    if lower in STOP_WORDS or lower in GENERIC or len(lower) < 2 or lower.endswith("ly"):
        return False
    tags = _tags(word)
    if not tags or tags & {"NOUN", "PROPN", "ADJ"}:
        return True
    # Verb-only words: a participle may modify ("reduced word", "weighted sum"; a leading "-ing" is
    # trimmed later), other verb forms end the phrase.
    return lower.endswith(("ed", "ing"))


def noun_phrases(text: str) -> list[str]:
    """Maximal noun phrases of one sentence, as written (`"free groups"`, `"Todd-Coxeter algorithm"`).

    Runs of words that fit a noun phrase, broken at punctuation and at words that cannot;
    each run is trimmed until it ends on a word that can be a noun and begins on one that
    is not a bare participle, and long runs keep their last MAX_WORDS words.
    """
    out: list[str] = []
    opening = True
    for piece in BREAK.split(text):
        run: list[str] = []
        after_article = False
        found = list(WORD.finditer(piece))
        words = [m.group() for m in found]
        lowers = [w.lower() for w in words] + [""]
        for n, word in enumerate(words):
            lower, following = lowers[n], lowers[n + 1]
            tags = _tags(word)
            if run and following in VERB_FOLLOWERS and lower.endswith("s") and "VERB" in tags:
                _close(run, out, after_article)  # "the merge uses the base": "uses" is the verb
                run, after_article = [], False
                continue
            previous = lowers[n - 1] if n else ""
            imperative = "VERB" in tags and (
                # "Use git merge ...", "Fit it": not "Free groups", "Time series"
                (opening and found[n].start() == len(piece) - len(piece.lstrip()) and "ADJ" not in tags
                 and ("NOUN" not in tags or following in DETERMINERS or not known_word(following or "x")))
                or (not run and previous in AUXILIARIES)  # "you can use SymPy", "to make use of"
                or (not run and previous in SUBJECTS and lower.endswith("s"))  # "it takes care"
            )
            opening = False
            # After an article a verb-only word is a noun ("a merge commit", "the octopus merge").
            # Never a word that only links ("the distribution using ...": "using" is in GENERIC).
            nominal = after_article and tags == _VERB_ONLY and not lower.endswith(("ly", "s")) and lower not in GENERIC
            # "weakly informative prior", "finitely presented group": an adverb inside a modifier.
            graded = lower.endswith("ly") and bool(following) and ("ADJ" in _tags(following) or following.endswith("ed"))
            if (_fits(word) or nominal or graded) and not imperative:
                run.append(word)
                continue
            if run:
                _close(run, out, after_article)
                run = []
            after_article = lower in ARTICLES
        if run:
            _close(run, out, after_article)
    return out


def _close(run: list[str], out: list[str], nominal: bool = False) -> None:
    # After an article a verb-only last word is the head ("the octopus merge"), unless a participle trails the
    # noun ("the ggplot objects created", "the changes made"): that is a clause, not a name.
    while run and not noun_capable(run[-1]) and not (nominal and len(run) > 1 and bare_verb(run[-1])):
        run.pop()
    # A leading -ing verb acts ("Examining dangling objects"), unless an article makes it a modifier ("the
    # dangling objects", "a guessing probability").
    while run and _tags(run[0]) == frozenset({"VERB"}) and run[0].lower().endswith("ing") and not nominal:
        run.pop(0)
    run = run[-MAX_WORDS:]
    if run and not all(w.lower() in VAGUE for w in run):
        out.append(" ".join(run))


def _compound(word: str) -> bool:
    parts = word.split("-")
    # Not one that opens on a function word ("in-place", "up-to-date", "no-op", "out-of-sample"): an adjective.
    return (len(parts) > 1 and all(p.isalpha() for p in parts) and len(parts[-1]) > 1 and noun_capable(parts[-1])
            and (len(parts[0]) == 1 or parts[0].lower() not in STOP_WORDS))  # "t-test" stays


def sub_terms(phrase: str) -> list[str]:
    """Contiguous parts of two or more words that end on a noun-capable word, and a hyphenated
    compound that heads the phrase: the nested candidates C-value counts ("posterior predictive
    density" -> itself, "predictive density"; "leave-one-out cross-validation" -> also "cross-validation")."""
    words = phrase.split()
    # A compound written with hyphens is one word and may be a term alone ("cross-attention", "fast-forward",
    # "log-likelihood") where it heads the phrase; before a noun it mostly describes ("group-level effects").
    out = words[-1:] if _compound(words[-1]) else []
    for i in range(len(words)):
        for j in range(i + 2, len(words) + 1):
            part = words[i:j]
            gerund_first = _tags(part[0]) == frozenset({"VERB"}) and part[0].lower().endswith("ing")
            # The phrase's own last word heads it even where the lexicon knows it only as a verb: `noun_phrases`
            # kept it as a noun after an article ("a three-way merge", "an octopus merge").
            headed = noun_capable(part[-1]) or (j == len(words) and bare_verb(part[-1]))
            if headed and (not gerund_first or (i == 0 and j == len(words))) and not all(w.lower() in VAGUE for w in part):
                out.append(" ".join(part))
    return out
