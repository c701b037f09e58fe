"""Everything one chunk says about concepts, given the lexicon: where each is
mentioned, which co-occur in one sentence or question/answer pair, which typed
relations its sentences state, and which of its lines define a concept.

The result is plain tuples so it can be cached by chunk id and reused when the
chunk comes back unchanged.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from studygraph.graph.acronyms import pairs
from studygraph.graph.defined import CALLED
from studygraph.graph.lexicon import Lexicon, Match
from studygraph.graph.relations import NEGATED, question_relations, relations_in, title_relations
from studygraph.graph.units import Group, Piece, pieces
from studygraph.graph.vault import in_vault, links, note_name
from studygraph.ingest.note import Chunk
from studygraph.ingest.spans import Span

DEFINES = re.compile(
    r"^[*_`\"“”']*\s*(?:\([^()]{1,80}\)\s*)?(?:[—–:-]\s*|,\s*)?(?:is|are|refers to|means|stands for)\s+"
    r"(?:(?:(?:basically|simply|essentially|just)\s+)?(?:an?|the|one)\b"
    # "Gaussian integers are numbers of the form ...", "logits are logs of odds": a plural, defined by a plural
    r"|(?<=are\s)(?:[a-z][\w-]*\s+){0,2}[a-z][\w-]*[^s\W]s\s+(?:of|that|which|whose|with|where|for)\b)", re.I)
# What it is for, a weaker definition: "The cyclical component is intended to capture ...", "A flush packet is
# used to mark the end of the message" (not "is intended to be efficient").
PURPOSE = re.compile(r"^[*_`\"“”']*\s*(?:\([^()]{1,80}\)\s*)?(?:is|are)\s+(?:intended|used|designed|meant)\s+to\s+(?!be\b)", re.I)
# Where a sentence starts inside a piece (a list item or an answer of several sentences): after its end mark.
SENTENCE_START = re.compile(r"[.!?][*_`\"”')]*\s+[*_`\"“']*(?:the\s+)?$", re.I)
TERM_ROW = re.compile(r"^\W*\*\*[^*]+\*\*\s*(?::\*\*|:|\||[—–-])?\s*(?P<rest>\S.*?)\s*\|?\s*$")
LIST_GAP = re.compile(r"^[\s*_`\"'’”)]*(?:,|;|/|\||,?\s*(?:and|or|as well as)\b)[\s*_`\"'‘“(]*$", re.I)
# "git-clean - Remove untracked files from the working tree" (a manual's NAME line), "Flamingo — a
# visual language model that ...": a name, a dash or colon, then words saying what it is or does.
DESCRIBED = re.compile(r"^[*_`\"“”']*[ \t]*(?:\([^()]{1,80}\)[ \t]*)?(?:[ \t][-–—]|[—–]|:)[ \t]+(?P<rest>[A-Za-z][\w'’-]*(?:[ \t]+\S+){3,})")
# "The `GenericLikelihoodModel` class eases the process of ...", "The **MASS** package contains ...": a name
# set apart as one, the kind of thing it is, then what it does.
ARTICLE = re.compile(r"^(?:the|an?)\s+", re.I)
KIND_DOES = re.compile(
    r"^[*_`\"“”']*(?:\(\))?[*_`\"“”']*\s+(?:class|function|method|command|module|package|file|object|ref|option|"
    r"attribute|routine|model|algorithm|estimator|procedure|test|statistic|distribution)\s+"
    r"(?:is|are|can|will|has|does|[a-z]{2,}[a-rt-z]s)\b")
# ...but not a sentence that leans on its context ("The `ref_grid` function finds a nested structure in
# this model:", "The `get_forecast` method is more general"): it says how X is used there, not what X is.
LEANS_ON = re.compile(r"\b(?:this|these|here|above|below|more|also)\b", re.I)
# A first line about the document rather than the subject ("This notebook illustrates ...", "In this
# example we ..."), one that leans on what came before ("So far ...", "the above example", "as
# previously"), or a lead-in to a formula, list or code ("... is written as:"). "This hook is invoked
# by ..." speaks of the section's subject and stays.
LEANS_BACK = re.compile(
    r"\b(?:this|these|the following|the next)\b[\w -]{0,30}?\b(?:notebook|tutorial|example|page|section|chapter|document|"
    r"vignette|guide|paper|note|post)s?\b|^\W*(?:so far|note that|as an example)\b|"
    r"\b(?:also|above|below|previous(?:ly)?|here)\b|:\s*$", re.I)
# "This is also called the sample distribution.": what "this" is stands in the sentence before ("This new
# worktree is called a linked worktree" names it, and stays).
POINTING = re.compile(r"^\W*(?:this|that|these|those|it|they)\s+(?:is|are|was|were)\b", re.I)
FIELD_LINE = re.compile(r"^[\s>*_`-]*[\w ]{1,30}[*_`]*\s*:")  # "> **Topic**: ...", "Week: 8": a field, not what X is
ADDRESS = re.compile(r"(?:https?://|www\.)[^\s<>()\[\]\"'`]+|\b[\w-]+(?:\.[\w-]+)*\.[a-z]{2,6}/[^\s<>()\[\]\"'`]*")
MAX_QUOTE = 300
MIN_DEFINITION = 40  # characters; shorter first answers are kept only when nothing better follows
MAX_GROUP_LINES = 20  # a heading pairs with the lines just under it, not a whole chapter


@dataclass(frozen=True)
class ChunkFacts:
    """Lexicon-dependent facts of one chunk. Lines are 1-based and inclusive."""

    chunk_id: str
    mentions: tuple[tuple[str, int, int], ...]  # (concept id, lines of its first mention)
    pairs: tuple[tuple[str, str, int, int], ...]  # co-occurring ids (sorted) and the lines holding both
    typed: tuple[tuple[str, str, str, int, int], ...]  # (source, target, relation, start, end)
    definitions: tuple[tuple[str, int, int, str, int], ...]  # (concept id, start, end, quote, rank)

    def concepts(self) -> set[str]:
        return {cid for cid, _, _ in self.mentions}


def _without_addresses(text: str) -> str:
    """The text with web addresses blanked out, offsets kept: "mc-stan.org/bayesplot/reference/MCMC-traces"
    names neither bayesplot nor MCMC traces; a sampled edge stood on such a link."""
    if "/" not in text:
        return text
    return ADDRESS.sub(lambda m: " " * len(m.group()), text)


def _line_of(piece: Piece, pos: int) -> int:
    return piece.start_line + piece.text.count("\n", 0, pos)


def _subject(group: Group, found: list[Match], lexicon: Lexicon) -> str | None:
    """What a question or heading is about: the term it defines, the name it opens with,
    or (questions only) the one concept it names."""
    for name in (group.term, group.lead):
        cid = lexicon.lookup(name) if name else None
        if cid:
            return cid
    ids = list(dict.fromkeys(m.concept_id for m in found))
    return ids[0] if len(ids) == 1 and group.kind == "question" else None


def _quote(text: str) -> str:
    text = text.strip()
    if len(text) <= MAX_QUOTE:
        return text
    cut = text.rfind(". ", 0, MAX_QUOTE)
    return text[: cut + 1] if cut > 40 else text[:MAX_QUOTE]


def extract(chunk: Chunk, lexicon: Lexicon, spans: list[Span] | None = None) -> ChunkFacts:
    """Mentions, co-occurrences, typed relations and definitions in one chunk.

    Args:
        chunk: the chunk.
        lexicon: the concepts to look for.
        spans: `split_spans(chunk)`, when the caller already has them.
    """
    types = lexicon.types
    parts, groups = pieces(chunk, spans)
    by_index = {g.index: g for g in groups}
    found = [lexicon.find(_without_addresses(p.text)) for p in parts]
    mentions: dict[str, tuple[int, int]] = {}
    pairs: set[tuple[str, str, int, int]] = set()
    typed: list[tuple[str, str, str, int, int]] = []
    definitions: list[tuple[str, int, int, str, int]] = []
    subjects = {g.index: _subject(g, found[g.index], lexicon) for g in groups}
    defined_given: dict[int, int] = {}
    vault = in_vault(chunk.source)
    page = lexicon.lookup(note_name(chunk.source)) if vault else None  # a vault note is the page of one concept

    def pair(ids, start: int, end: int, others=None, apart: frozenset = frozenset()) -> None:
        for a in ids:
            for b in others if others is not None else ids:
                if (a < b or (others is not None and a != b)) and frozenset((a, b)) not in apart:
                    x, y = sorted((a, b))
                    pairs.add((x, y, start, end))

    for _i, (piece, matches) in enumerate(zip(parts, found)):
        for m in matches:
            line = _line_of(piece, m.start)
            mentions.setdefault(m.concept_id, (line, line))
        # "no ViT encoder", "not transformer": named, but not related to what the sentence is about.
        matches = [m for m in matches if not NEGATED.search(piece.text[max(0, m.start - 20) : m.start])]
        ids = list(dict.fromkeys(m.concept_id for m in matches))
        if piece.kind == "code":
            continue  # names side by side in code (arguments, arrows of a diagram) state no relation
        pair(ids, piece.start_line, piece.end_line, apart=_siblings(piece.text, matches))
        for src, tgt, rel in relations_in(piece.text, matches, types=types):
            typed.append((src, tgt, rel, piece.start_line, piece.end_line))
        if piece.kind == "heading":
            typed.extend((src, tgt, rel, piece.start_line, piece.end_line) for src, tgt, rel in title_relations(piece.text, matches))
        if vault:
            typed.extend(_links(piece, page or subjects.get(piece.group), lexicon))
        _definition(piece, matches, lexicon, definitions)
        group = by_index.get(piece.group)
        if group is None or piece.kind in ("question", "heading"):
            continue
        question = parts[group.index]
        start = question.start_line
        subject = subjects.get(group.index)
        if subject and piece.end_line - start <= MAX_GROUP_LINES:
            pair([subject], start, piece.end_line, ids)
        if not subject:
            continue
        if group.term and lexicon.lookup(group.term) == subject and defined_given.get(group.index, 0) < 2 and piece.text.strip():
            # The first answer line defines the term; a terse one ("Component in Flamingo.") yields to the next.
            rank = 0 if len(piece.text.strip()) >= MIN_DEFINITION else 1
            defined_given[group.index] = defined_given.get(group.index, 0) + (2 if rank == 0 else 1)
            definitions.append((subject, piece.start_line, piece.end_line, _quote(piece.text), rank))
        elif (group.kind == "heading" and group.index not in defined_given and piece.kind in ("sentence", "answer", "item")
              and lexicon.lookup(group.lead) == subject and len(piece.text.strip()) >= MIN_DEFINITION
              and not FIELD_LINE.match(piece.text)):
            # "### 4.2 Flamingo (DeepMind, 2022)" then its first line of prose: what the section says it is,
            # unless it leans on what came before ("In this example we show how ...", "This is the
            # default command if ...", "Some initial steps ...:"): then the section defines nothing.
            defined_given[group.index] = 2
            if not LEANS_BACK.search(piece.text):
                definitions.append((subject, piece.start_line, piece.end_line, _quote(piece.text), 3))
        for src, tgt, rel in relations_in(piece.text, matches, subject, types):
            row = (src, tgt, rel, piece.start_line, piece.end_line)
            if subject in (src, tgt) and subject not in ids:
                row = (src, tgt, rel, start, piece.end_line)
                pair([subject], start, piece.end_line, [tgt if src == subject else src])
            typed.append(row)
        for src, tgt, rel in question_relations(group.text, subject, piece.text, matches, types):
            typed.append((src, tgt, rel, start, piece.end_line))
    return ChunkFacts(
        chunk_id=chunk.id,
        mentions=tuple((cid, a, b) for cid, (a, b) in mentions.items()),
        pairs=tuple(sorted(pairs)),
        typed=tuple(dict.fromkeys(typed)),
        definitions=tuple(definitions),
    )


def _links(piece: Piece, source: str | None, lexicon: Lexicon) -> list[tuple[str, str, str, int, int]]:
    """`[[Page]]` links of a vault: `links_to` edges from the note's page (else the section's
    subject) to each page linked, evidenced by the line holding the link."""
    if not source:
        return []
    out = []
    for target, at in links(piece.text):
        cid = lexicon.lookup(target)
        if cid and cid != source:
            line = _line_of(piece, at)
            out.append((source, cid, "links_to", line, line))
    return out


def _siblings(text: str, matches: list[Match]) -> frozenset:
    """Pairs of concepts that only stand in one list ("BGE, E5, GTE and Cohere embed"): items of an
    enumeration of three or more are siblings, not related to one another by that line.
    A blind judge rejected such pairs as edges on every corpus."""
    runs: list[list[str]] = [[matches[0].concept_id]] if matches else []
    for left, right in itertools.pairwise(matches):
        if LIST_GAP.match(text[left.end : right.start]):
            runs[-1].append(right.concept_id)
        else:
            runs.append([right.concept_id])
    out: set[frozenset] = set()
    for run in runs:
        if len(set(run)) >= 3:
            out |= {frozenset((a, b)) for a in run for b in run if a != b}
    return frozenset(out)


def _written_as_name(text: str) -> bool:
    """A name set apart as one (`stan_nlmer`, **bayesplot**, SAS), not a plain word that only
    modifies the kind after it ("The password file can be ..." is about the file)."""
    return bool(re.search(r"[`*_A-Z0-9]", text.strip()))


def _defining(after: str) -> int:
    """How well the words after a sentence's opening name define it: 1 for "is a ...", 3 for what it is for, else 0."""
    return 1 if DEFINES.match(after) else 3 if PURPOSE.match(after) else 0


def _definition(piece: Piece, matches: list[Match], lexicon: Lexicon, out: list) -> None:
    """`X is a ...` sentences (at a piece's start or a later sentence's), `... is called X` sentences,
    `**X**: ...` items or rows, `X - what it does` lines, and, weaker, `The X function does ...` and
    `X is used to ...` sentences define X (best first, by rank)."""
    if not matches or piece.kind in ("question", "heading", "code"):
        return
    called = CALLED.search(piece.text)
    if called and not POINTING.match(piece.text):
        named = [m for m in matches if m.start >= called.start("x") - 3 and m.start <= called.start("x") + 3]
        if named:
            out.append((named[0].concept_id, piece.start_line, piece.end_line, _quote(piece.text), 1))
            return
    opened = [m for m in matches if piece.text[m.end : m.end + 2].lstrip().startswith("(")]
    spelled = {short for short, _ in pairs(piece.text)} if opened else set()
    for m in opened:
        if piece.text[m.start : m.end] in spelled:
            # "CLIP (Contrastive Language-Image Pretraining) enables ...": the line that spells it out.
            out.append((m.concept_id, piece.start_line, piece.end_line, _quote(piece.text), 2))
            return
    first = matches[0]
    lead = ARTICLE.match(piece.text)
    if (lead and first.start <= lead.end() + 2 and KIND_DOES.match(piece.text[first.end :])
            and _written_as_name(piece.text[lead.end() : first.end + 2]) and not LEANS_ON.search(piece.text)):
        out.append((first.concept_id, piece.start_line, piece.end_line, _quote(piece.text), 3))
        return
    for m in matches[1:]:
        # A later sentence of a list item or an answer defines what it opens with ("... in the sets module.
        # ``ImageSet`` is an image of a set under a function."), beside whatever the piece's opening defines.
        opening = SENTENCE_START.search(piece.text, max(0, m.start - 12), m.start)
        if opening is None:
            continue
        rank = _defining(piece.text[m.end :])
        if rank:
            line = piece.start_line + piece.text.count("\n", 0, opening.start() + 1)
            out.append((m.concept_id, line, piece.end_line, _quote(piece.text[opening.start() + 1 :]), rank))
            break
    if first.start > 4:
        return
    opening_rank = _defining(piece.text[first.end :])
    if opening_rank == 1:
        out.append((first.concept_id, piece.start_line, piece.end_line, _quote(piece.text), 1))
        return
    row = TERM_ROW.match(piece.text) if piece.kind in ("item", "row") else None
    if row and lexicon.lookup(re.sub(r"[*]", "", piece.text.split("**")[1]).strip()) == first.concept_id:
        out.append((first.concept_id, piece.start_line, piece.end_line, _quote(row.group("rest").rstrip("| ")), 2))
        return
    described = DESCRIBED.match(piece.text[first.end :])
    # Not a link's title ("[Monotonic Effects: A Principled Approach ...](...)") nor code ("def f(x): y = ...").
    if (described and not FIELD_LINE.match(piece.text[: first.end + 3]) and not piece.text.lstrip().startswith("[")
            and "=" not in described.group("rest")):
        out.append((first.concept_id, piece.start_line, piece.end_line, _quote(piece.text), 2))
    elif opening_rank == 3:
        out.append((first.concept_id, piece.start_line, piece.end_line, _quote(piece.text), 3))
