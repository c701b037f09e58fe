"""How any notes name a thing, beyond capitals: defined terms, marked terms,
recurring noun phrases and inline code.

- `X is a ...` with a lowercase X ("A free group is a group ..."), `called X`,
  `known as X`, `referred to as X`, `termed X`;
- terms marked as such: `:term:`/`:dfn:` roles, emphasis (`*X*`, `_X_`), an
  AsciiDoc or Markdown definition-list term (`X::`, `X` then `: definition`);
- every noun phrase of two or more words (`graph.phrases`), for C-value;
- inline code (`` `git merge` ``, ``core.autocrlf``): the commands, functions
  and settings technical notes teach.

Each finding is `(name, how, gloss)`; `graph.discover` turns them into candidates.
"""

from __future__ import annotations

import re

from studygraph.graph.phrases import GENERIC, VAGUE, known_word, noun_capable, noun_phrases
from studygraph.graph.variants import ROLE_SYNTAX
from studygraph.ingest.tokenize import STOP_WORDS

ARTICLE = r"(?:(?:a|an|the)\s+)?"
NP = r"[A-Za-z][\w'’-]*(?:\s+[A-Za-z][\w'’-]*){0,4}"
IS_A_LOWER = re.compile(
    rf"^\s*{ARTICLE}(?P<x>{NP}?)\s+(?:is|are)\s+(?:(?:an?|the|one)\s|called\s|defined\s+(?:as|by)\s|said\s+to\s+be\s)(?P<gloss>.*)",
    re.I,
)
CALLED = re.compile(
    r"\b(?:(?:is|are|be|was|were)\s+(?:often\s+|also\s+|then\s+|sometimes\s+)?(?:called|known\s+as|referred\s+to\s+as|termed|named|denoted)"
    r"|we\s+(?:call|refer\s+to)\s+(?:this|these|it|them|such\s+\w+)\s+(?:as\s+)?|so-called)\s+"
    r"(?:(?:an?|the)\s+)?(?P<x>[*_`\"“'‘]{0,2}[A-Za-z][^.,;:()\"”’*_`]{1,60})",
    re.I,
)
ROLE = re.compile(r":(?:term|dfn):`(?P<x>[^`<]{2,60})(?:<[^>]*>)?`")
EMPHASIS = re.compile(r"(?<![*\w])\*(?P<a>[^*\s][^*\n]{0,58}[^*\s]|[^*\s])\*(?![*\w])|(?<![_\w])_(?P<b>[^_\s][^_\n]{0,58}[^_\s])_(?![_\w])")
LIST_TERM = re.compile(r"^\s*(?P<x>[^\s:][^:]{0,60}?)::\s*$")
OPTION = re.compile(r"(?<![\w-])--?[A-Za-z][\w-]*")
CODE = re.compile(r"``(?P<a>[^`\n]{2,60})``|(?<!`)`(?P<b>[^`\n]{2,60})`(?!`)")
IDENTIFIER = re.compile(r"^(?:[A-Za-z][\w.:-]*|[A-Za-z][\w.-]*(?:\s+-{0,2}[a-z][\w.-]*){1,3}|--?[a-z][\w-]+)$")
# "the ``solveset`` function", "the function ``lambdify``", "method ``evalf``": named as a function
FUNCTION_AFTER = re.compile(r"\s+(?:function|method|command|routine|subroutine|procedure)s?\b", re.I)
FUNCTION_BEFORE = re.compile(r"\b(?:function|method|command|routine|subroutine|procedure)s?\s+(?:called\s+)?$", re.I)
CALL_GLOSS = "()"  # the gloss of a code name written as a call: a function, whatever its name
CROSS_REFERENCE = re.compile(r":(?:ref|doc|numref|download|any):$")  # reStructuredText link roles
ROLE_BEFORE = re.compile(ROLE_SYNTAX + "$")  # :func:, :py:meth: right before a backquote
CODE_JUNK = re.compile(r"^(?:true|false|none|null|nan|self|cls|args|kwargs|x|y|z|i|j|n|foo|bar|baz)$", re.I)


def _np_shaped(name: str) -> bool:
    words = name.split()
    if not words or len(words) > 5 or not noun_capable(words[-1]):
        return False
    return not (words[0].lower() in GENERIC or all(w.lower() in VAGUE or w.lower() in GENERIC for w in words))


def _marked_shaped(name: str) -> bool:
    """A term the writer marked (emphasis, quotes, a role) may end on any word the lexicon
    reads as a verb ("*octopus merge*"), but not on a function word, and says no sentence."""
    words = name.split()
    if not words or len(words) > 4 or not any(c.isalpha() for c in name):
        return False
    if len(words) == 1 and name.islower() and known_word(name):
        return False  # "*still*", "_cannot_", "*specify*": one stressed English word marks emphasis, not a term
    ends = {words[0].lower(), words[-1].lower()}
    if ends & STOP_WORDS or ends & GENERIC or all(w.lower() in VAGUE for w in words):
        return False
    return not any(w.lower() in STOP_WORDS for w in words[1:-1])


def _first_phrase(text: str) -> str:
    phrases = noun_phrases(text)
    return phrases[0] if phrases and text.lower().lstrip("*_`\"“'‘ ").startswith(phrases[0].lower()[:3]) else ""


def defined_terms(text: str, kind: str, before_code: bool = False) -> list[tuple[str, str, str]]:
    """Terms a line defines or marks as terms. `before_code`: the next span is code, so a phrase ending
    in "::" opens a reStructuredText literal block ("For instance::"), not an AsciiDoc term."""
    out: list[tuple[str, str, str]] = []
    if kind in ("sentence", "item", "answer"):
        m = IS_A_LOWER.match(text)
        if m and _np_shaped(m.group("x")) and noun_phrases(m.group("x")) == [m.group("x")]:
            out.append((m.group("x"), "defined", " ".join(m.group("gloss").split()[:6]).rstrip(".,;:")))
        for m in CALLED.finditer(text):
            marked = re.match(r"^[*_`\"“'‘]{1,2}([^*_`\"”’]{2,60})", m.group("x"))
            name = marked.group(1).strip() if marked else _first_phrase(m.group("x"))
            if name and (_marked_shaped(name) if marked else _np_shaped(name)):
                out.append((name, "defined", ""))
    for m in ROLE.finditer(text):
        out.append((m.group("x").strip(), "defined", ""))
    for m in EMPHASIS.finditer(text):
        name = (m.group("a") or m.group("b") or "").strip()
        if " " not in name and (text[m.start() - 1 : m.start()] == "-" or text.startswith("-", m.end())):
            continue  # a stressed piece of a word: "the *non*-bias-adjusted results" ("non" was named in 81 passages)
        if _marked_shaped(name):
            out.append((name, "marked", ""))
    m = LIST_TERM.match(text)
    if m:
        name = m.group("x").strip("`*_' ")
        if before_code and " " in name:
            pass  # "For instance::", "All code examples assume::" open a literal block; "partitions::" names what it shows
        elif _np_shaped(name) or IDENTIFIER.match(name):
            out.append((name, "defined", ""))
    return out


def phrase_terms(text: str) -> list[str]:
    """Noun phrases of two or more words in a line, inline code and link targets left out."""
    plain = CODE.sub(" , ", text)
    plain = re.sub(r"<[^>]*>|https?://\S+|\[[^\]]*\]\([^)]*\)", " , ", plain)
    plain = OPTION.sub(" , ", plain)  # "--no-checkout": an option, whose words without the dashes are no term
    return [p for p in noun_phrases(plain) if " " in p or "-" in p.strip("-")]


def _english(word: str) -> bool:
    return known_word(word) or word in STOP_WORDS or word in GENERIC


def code_terms(text: str) -> list[tuple[str, bool]]:
    """Names in inline code that look like commands, functions or settings, not values, each with
    whether it is written as a call (`simplify()`, `pp_check()`) or called a function: a function."""
    out = []
    for m in CODE.finditer(text):
        raw = (m.group("a") or m.group("b") or "").strip()
        if raw.endswith(":"):
            continue  # `From:`, `Tested-by:`: a field's label (an e-mail header, a trailer), not a name to learn
        if CROSS_REFERENCE.search(text, max(0, m.start() - 12), m.start()):
            continue  # :ref:`c-api-index`, :doc:`tutorial/index`: where a link goes, not a name to learn
        if raw.startswith(("~", "!")) and ROLE_BEFORE.search(text, max(0, m.start() - 24), m.start()):
            # What Sphinx shows: :class:`~sympy.core.add.Add` "Add", :py:func:`~.construct_domain` "construct_domain",
            # :func:`!name` "name". Unread, these targets were no names at all (SymPy recall 0.66 -> 0.71).
            raw = raw.lstrip("!")
            raw = raw[1:].rsplit(".", 1)[-1] if raw.startswith("~") else raw
        name = raw.removesuffix("()")
        called = raw.endswith("()") or bool(FUNCTION_AFTER.match(text, m.end()) or FUNCTION_BEFORE.search(text, 0, m.start()))
        if name.startswith("-"):
            continue  # `--merge` alone would name every "merge" in prose; `git merge --abort` stays whole
        if (len(name) >= 3 or (called and len(name) == 2)) and IDENTIFIER.match(name) and not CODE_JUNK.match(name) and any(c.isalpha() for c in name):
            word = name.strip("_")
            if word.isalpha() and word.islower() and _english(word):
                # `cross`, `zoo`: an English word in code is a value or argument, not a name to learn; so is
                # `and_` (a keyword made a name), which became a concept "And" matched in every "and".
                # Even a function's (`test()`, `plot()`, `solve()`): as a node it would be matched in every
                # prose "test" (measured: R vignettes' `test()` joined 152 chunks, 32 new edges).
                continue
            out.append((name, called))
    return out


# What a section is, not what it is about: document structure in any field.
STRUCTURE = frozenset(
    ["abstract", "answer", "answers", "appendix", "api", "background", "caveat", "caveats", "changelog", "conclusion", "conclusions", "contents", "contributing", "credits", "definition", "definitions", "description", "details", "discussion", "example", "examples", "exercise", "exercises", "faq", "formulation", "glossary", "goal", "goals", "guide", "hint", "hints", "idea", "ideas", "implementation", "index", "installation", "intro", "introduction", "license", "limitation", "limitations", "motivation", "note", "notes", "option", "options", "overview", "preface", "prerequisite", "prerequisites", "problem", "problems", "pros", "cons", "question", "questions", "recap", "reading", "reference", "references", "remark", "remarks", "requirement", "requirements", "result", "results", "review", "setup", "solution", "solutions", "summary", "synopsis", "tip", "tips", "todo", "tutorial", "usage", "warning", "warnings"]
)
QUESTION_WORD = frozenset(["how", "why", "what", "when", "which", "where", "who", "whom", "whose", "can", "does", "do", "is", "are", "should"])


# Structure words that, singular, also head names of things in any field: "sparse index", "Gini index",
# "identification problem", "call option", "closed-form solution", "C API". As the head they make a label only
# with nothing but structure or generic words before them ("Index", "Solution"); plural ("Merge options", "Known
# problems") and the other structure words ("Basic usage", "Mathematical formulation") always do.
NAMING_HEADS = frozenset(["index", "option", "problem", "solution", "api"])


def is_label(name: str) -> bool:
    """A section label rather than a thing: "Examples", "Basic usage", "Mathematical formulation", "See also"."""
    words = re.findall(r"[A-Za-z]+", name.lower())
    if not words:
        return True
    if (words[-1] in STRUCTURE and words[-1] not in NAMING_HEADS) or words[-1] in ("also", "more", "further"):
        return True
    return all(w in STRUCTURE or w in GENERIC or w in VAGUE for w in words)


def names_a_thing(title: str) -> bool:
    """A section title that is a name (a noun phrase of at most four words), not a question,
    an instruction ("Creating a branch", "Install it") or a sentence."""
    words = title.split()
    if not words or len(words) > 4 or words[0].lower() in QUESTION_WORD or is_label(title):
        return False
    phrases = noun_phrases(title)
    return phrases == [title] or (len(phrases) == 1 and re.sub(r"[^\w\s-]", "", title) == phrases[0])
