"""Scoring the quotable spans of the top hits against a question, and quoting them.

Pure given the question vector and the index: span vectors were computed at
ingest (each answer embedded with the question it answers), so asking costs no
encoding beyond the query. A span scores by dense similarity, idf-weighted term
overlap with it and with its question/heading, hit rank and kind. A span is quoted
with its group (a Q&A answer, a short section, or neighbouring prose), in the
note's order, the group ending with one [n] citation of the exact lines quoted.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from studygraph.assistant.bm25 import BM25Plus
from studygraph.assistant.index import SearchIndex
from studygraph.assistant.types import Citation, Hit
from studygraph.ingest.markup import plain
from studygraph.ingest.spans import Span, indexed_spans
from studygraph.ingest.tokenize import tokenize

logger = logging.getLogger(__name__)
QUOTABLE = {"answer", "item", "sentence", "row", "code", "prompt"}
KIND_PRIOR = {"answer": 0.05, "item": 0.03, "sentence": 0.03, "prompt": 0.02, "row": 0.01, "code": -0.05}
# Key-value front matter ("**Difficulty**: Senior | **Time**: 20 minutes") informs no answer.
FRONT_MATTER = re.compile(r"^\s*>?\s*\*\*[^*]{1,30}\*\*\s*:?\s*\S.{0,60}$")
# Not a sentence to quote: a label that only introduces what follows ("Examples:",
# "partitions:"), an interpreter prompt (">>> f(x)", "... more"), a bare identifier
# or cross-reference target (no space, joined by _ . / -).
LEAD_IN = re.compile(r"^\W*(?:\S+\s+){0,3}\S+:\W*$")
PROMPT = re.compile(r"^\s*(?:>>>|\.\.\.|\$|In \[\d+\]:)\s")
IDENTIFIER = re.compile(r"^\W*\w+(?:[_./:-]\w+)+\W*$")
# A lead-in ending in words that only point at what follows: nothing of its own to quote.
POINTS_ON = re.compile(
    r"\b(?:follows|following|below|here|this|these|thus|so|do|run|type|use|call|try|write|get|gives?|returns?|"
    r"e\.g\.|i\.e\.|example|instance|like|as|with|by|from|to|of)\W*:$",
    re.IGNORECASE,
)
BRACKETED = re.compile(r"\[[^\[\]]*\]")
# Words that open a sentence by leaning on the one before ("Instead, ...", "This means ...").
LEANS_BACK = re.compile(r"^\W*(?:this|these|that|those|it|its|they|such|instead|however|but|so|thus|hence|therefore)\b", re.IGNORECASE)
# "How many / how much" asks for a number: a span that states one about the asked thing comes first.
QUANTITY = re.compile(
    r"\bhow\s+(?:many|much|large|big|long|often|fast|far|wide|deep|high)\b|"
    r"\bwhat\s+(?:is\s+the\s+|are\s+the\s+)?(?:number|size|count|amount|percentage|fraction|dimension)s?\s+of\b",
    re.IGNORECASE,
)
# A number standing alone ("32", "400M", "0.7", "10-50x", "4×", "12%"), not a piece of a name ("GPT-4V", "ViT-L/14").
NUMBER = re.compile(
    r"(?<![\w./-])\d+(?:[.,]\d+)*(?:[-–]\d+(?:[.,]\d+)*)?(?:[kKMBx×%]|\s?%)?(?![\w/-])|"
    r"\b(?:two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|hundred|"
    r"thousand|million|billion|dozen|twice|half)\b",
    re.IGNORECASE,
)
NUMBERED = re.compile(r"^\s*(?:[-*+]\s+)?\d{1,4}[.)]\s+")
STATES_NUMBER = 0.06
MAX_HITS = 4
GROUP_SPANS = 8
RUNNERS_UP = 3  # best spans of a long section quoted with the best one, wherever they stand


@dataclass(frozen=True)
class Scored:
    span: Span
    hit: Hit
    score: float
    relevance: float
    order: int = 0  # position of the span in its chunk, so quotes keep the note's order


def clean(text: str) -> str:
    """Inline markup and table pipes out, for reading; the quote keeps the original."""
    text = text.strip()
    if text.startswith("|"):
        cells = [c.strip() for c in text.strip("|").split("|") if c.strip()]
        text = f"{cells[0]}: {'; '.join(cells[1:])}" if len(cells) > 1 else " ".join(cells)
    text = plain(text)  # inline markup as the words it shows, as the model read it
    text = re.sub(r"::$", ":", text)
    text = re.sub(r"^>\s*", "", text)
    return re.sub(r"\s+", " ", text).strip()


def quotable(text: str) -> bool:
    """A span worth quoting as part of an answer (see LEAD_IN, PROMPT, IDENTIFIER, _synopsis)."""
    plain_text = clean(text)
    return not (LEAD_IN.match(text) or PROMPT.match(text) or IDENTIFIER.match(plain_text) or _synopsis(plain_text))


def _synopsis(text: str) -> bool:
    """A command's usage line ("git clean [-d] [-f] [-x | -X] [--] [<pathspec>...]", "usage:
    prog [-h] [--out FILE]"): three or more bracketed options making up most of it. It says
    which options exist, not what they do; on the blind git set 5 of 57 answers quoted one."""
    groups = BRACKETED.findall(text)
    return len(groups) >= 3 and sum(len(g) for g in groups) >= 0.5 * len(text.replace(" ", ""))


def states_number(text: str) -> bool:
    """Whether a span states a number (its own list numbering aside)."""
    return bool(NUMBER.search(NUMBERED.sub("", clean(text))))


def _overlap(query: set[str], text: str, bm25: BM25Plus) -> float:
    if not query:
        return 0.0
    terms = set(tokenize(text))
    total = sum(bm25.idf_of(t) for t in query)
    return sum(bm25.idf_of(t) for t in query & terms) / total if total else 0.0


def score_spans(
    question: str, vector: np.ndarray, hits: Sequence[Hit], index: SearchIndex, limit: int = MAX_HITS
) -> list[Scored]:
    """Every quotable span of the top `limit` hits, scored against the question."""
    query = set(tokenize(question))
    quantity = bool(QUANTITY.search(question))
    out = []
    for hit in hits[:limit]:
        position = index.position(hit.chunk.id)
        spans = indexed_spans(hit.chunk)
        sims = index.span_scores(position, vector) if position is not None else np.zeros(len(spans))
        if len(sims) != len(spans):
            # Vectors from another span division (an index older than the code): never misalign.
            logger.warning("span vectors of chunk %s do not match its spans; run `studygraph rebuild`", hit.chunk.id)
            sims = np.zeros(len(spans))
        for order, (span, sim) in enumerate(zip(spans, sims)):
            # The answer of a "Q? A." pair may be a bare name ("ViT-L/14."): it is what was asked.
            if span.kind not in QUOTABLE or (span.kind != "answer" and not quotable(span.text)):
                continue
            lex = _overlap(query, span.text, index.bm25)
            ctx = _overlap(query, span.question, index.bm25)
            prior = KIND_PRIOR.get(span.kind, 0.0) - (0.15 if FRONT_MATTER.match(span.text) else 0.0)
            if quantity and (lex or ctx) and states_number(span.text):
                prior += STATES_NUMBER
            score = 0.6 * float(sim) + 0.2 * lex + 0.1 * ctx + prior + 0.05 / hit.rank
            out.append(Scored(span, hit, score, max(float(sim), 0.9 * lex, 0.8 * ctx), order))
    return sorted(out, key=lambda s: -s.score)


def _section(best: Scored, scored: Sequence[Scored]) -> list[Scored]:
    """The quotable spans of the best one's Q&A or section in its chunk, in the note's order."""
    same = [s for s in scored if s.hit.chunk.id == best.hit.chunk.id and s.span.question == best.span.question]
    same = [s for s in same if s is best or not (FRONT_MATTER.match(s.span.text) or s.span.kind == "code")]
    return sorted(same, key=lambda s: s.order)


def _group(best: Scored, scored: Sequence[Scored], budget: int) -> list[Scored]:
    """The spans that answer together with the best one: its whole Q&A or short
    section when that fits, else the best span and its strong neighbours."""
    same = _section(best, scored)
    if len(same) <= GROUP_SPANS and sum(len(clean(s.span.text)) + 6 for s in same) <= budget:
        return same
    floor = best.score - 0.1
    near = {id(s) for s in same if s.score >= floor and abs(s.span.start_line - best.span.start_line) <= 6}
    # The group's runners-up answer with it wherever they stand (a section's third sentence).
    near |= {id(s) for s in sorted(same, key=lambda s: -s.score)[:RUNNERS_UP] if s.score >= best.score - 0.05}
    # The sentences the best one needs: the next one, which often completes it ("There is no Div
    # class. Instead, division is a power."), and the one before when the best leans back on it.
    at = next(i for i, s in enumerate(same) if s is best)
    if at + 1 < len(same):
        near.add(id(same[at + 1]))
    if at > 0 and LEANS_BACK.match(clean(best.span.text)):
        near.add(id(same[at - 1]))
    _with_lists(same, at, near)
    return [s for s in same if id(s) in near] or [best]


def _with_lists(same: Sequence[Scored], at: int, near: set[int]) -> None:
    """A lead-in ending in a colon brings the list it introduces ("Harvey and Jaeger consider
    two models:" and both items), and a best item the lead-in of its list; which of them
    fit the budget is `_around`'s choice, nearest to the best first."""
    start = at
    while start > 0 and same[start].span.kind == "item":
        start -= 1
    if start < at and clean(same[start].span.text).endswith(":"):
        near.add(id(same[start]))
    for i, s in enumerate(same):
        if id(s) in near and clean(s.span.text).endswith(":"):
            j = i + 1
            while j < len(same) and same[j].span.kind == "item":
                near.add(id(same[j]))
                j += 1


def _question_line(scored: Scored) -> int | None:
    """Line of the question/heading a span answers, when it lies inside the chunk."""
    for span in indexed_spans(scored.hit.chunk):
        if span.text == scored.span.question and span.kind in ("question", "heading", "prompt"):
            return span.start_line
    return None


def _citation(n: int, group: Sequence[Scored], lead: bool) -> Citation:
    """Cite exactly what is quoted: the lines, and the exact text from the first
    quoted span (or the question it answers) to the last."""
    chunk = group[0].hit.chunk
    start = min(s.span.start_line for s in group)
    end = max(s.span.end_line for s in group)
    first_text = group[0].span.text
    question_line = _question_line(group[0]) if lead else None
    lines = chunk.text.split("\n")
    skipped = lines[question_line - chunk.start_line + 1 : start - chunk.start_line] if question_line is not None else []
    between = [line.strip() for line in skipped if line.strip()]
    # The question right above what is quoted (past a label such as "**Answer:**"), never across the
    # code or text of the section that the quote leaves out.
    if question_line is not None and question_line <= start and (not between or (len(between) == 1 and len(between[0]) <= 40)):
        start, first_text = question_line, group[0].span.question
    region = chunk.text if chunk.start_line == chunk.end_line else "\n".join(
        lines[start - chunk.start_line : end - chunk.start_line + 1]
    )
    begin = region.find(first_text)
    finish = region.rfind(group[-1].span.text)
    if begin >= 0 and finish >= begin:
        region = region[begin : finish + len(group[-1].span.text)]
    return Citation(n, chunk.id, chunk.source, start, end, chunk.heading, region)


def _lead(group: Sequence[Scored]) -> str:
    """The question or heading a group answers, so the answer names its subject."""
    topic = clean(group[0].span.question)
    if any(clean(s.span.text) == topic for s in group):
        # The group quotes its own question (a "**Question**:" prompt): name the section instead.
        topic = clean(group[0].hit.chunk.heading.rsplit(" > ", 1)[-1])
        if any(clean(s.span.text) == topic for s in group):
            return ""
    topic = re.sub(r"^(?:question\s+)?[\dA-Z]{1,4}[.):]\s+", "", topic, flags=re.IGNORECASE).strip()
    if not topic or len(topic) > 120:
        return ""
    return topic.rstrip("?:.=- ")


def _shown_lead(group: Sequence[Scored], lead: str) -> str:
    """The lead to write before the quote: none when it is the passage's own heading, which
    every reader of the answer sees as the source's title (the app's source, the CLI's
    citation line), so "How does CLIP achieve Zero-Shot classification: It doesn't ..."
    no longer repeats it; an inline question ("BERT's MLM masking ratio? 15% ...") stays."""
    heading = clean(group[0].hit.chunk.heading.rsplit(" > ", 1)[-1])
    heading = re.sub(r"^(?:question\s+)?[\dA-Z]{1,4}[.):]\s+", "", heading, flags=re.IGNORECASE).strip()
    return "" if heading.rstrip("?:.=- ").lower() == lead.lower() else lead


def _sentence(s: Scored, lead: str) -> str:
    text = clean(s.span.text)
    if lead:
        text = f"{lead}: {text}"
    return text if text.endswith((".", "?", "!", ":")) else text + "."


def _introduces(spans: Sequence[Scored], i: int) -> bool:
    """Whether span i is followed, in what is quoted, by the span right after it in the note,
    and that one is no lead-in itself (two examples' captions, their code left out)."""
    following = spans[i + 1] if i + 1 < len(spans) else None
    return (following is not None and following.hit.chunk.id == spans[i].hit.chunk.id
            and following.order == spans[i].order + 1 and not clean(following.span.text).endswith(":"))


def _closed(spans: Sequence[Scored], sentences: Sequence[str]) -> tuple[list[Scored], list[str]]:
    """No quoted sentence ends in a colon that introduces nothing quoted (the code, output or
    list after it was left out): a lead-in that only points on ("It is used as follows:",
    "..., and do:") goes; a sentence that states something ("..., and the returned polynomial
    is monic:") ends with a period. Measured on the blind sets: 65 of 308 answers had such a
    colon; dropping every such sentence lost the evidence of 5 answers on SymPy and the R
    vignettes, ending them with a period lost none."""
    kept: list[Scored] = []
    closed: list[str] = []
    for i, (span, sentence) in enumerate(zip(spans, sentences)):
        if sentence.endswith(":") and not _introduces(spans, i):
            if POINTS_ON.search(sentence):
                continue
            sentence = sentence[:-1].rstrip() + "."
        kept.append(span)
        closed.append(sentence)
    return kept, closed


def _around(group: Sequence[Scored], best: Scored, lead: str, budget: int) -> list[Scored]:
    """The spans to quote, in the note's order: the whole group when it fits, else
    the best span and its nearest neighbours that fit (first the one before when
    it introduces the best with a colon, then by distance, the one after on a
    tie), so a long section never crowds out the sentence that answers."""
    cost = [len(_sentence(s, "")) + 5 for s in group]
    if sum(cost) + len(lead) + 2 <= budget or best not in group:
        return list(group)
    at = group.index(best)
    chosen, used = {at}, cost[at] + len(lead) + 2

    def nearness(i: int) -> tuple[int, int]:
        introduces = i == at - 1 and clean(group[i].span.text).endswith(":")
        return (0 if introduces else abs(i - at), 0 if i > at else 1)  # nearest first, the one after on a tie

    for i in sorted((i for i in range(len(group)) if i != at), key=nearness):
        if used + cost[i] <= budget:
            chosen.add(i)
            used += cost[i]
    return [group[i] for i in sorted(chosen)]


def _render(
    group: Sequence[Scored], n: int, lead: str, budget: int, best: Scored | None = None, then: Sequence[Scored] = ()
) -> tuple[str, list[Scored]]:
    """The group's sentences with one [n] after the last: they all quote the same source;
    `then`, spans read on after the last one chosen, while they fit."""
    chosen = _around(group, best, lead, budget) if best is not None else list(group)
    if then and chosen:
        chosen = [*chosen, *(s for s in then if s.order > chosen[-1].order)]
    marker = f" [{n}]"
    sentences: list[str] = []
    used: list[Scored] = []
    for s in chosen:
        sentence = _sentence(s, lead if not used else "")
        if used and sum(len(x) + 1 for x in sentences) + len(sentence) + len(marker) > budget:
            break
        sentences.append(sentence)
        used.append(s)
    used, sentences = _closed(used, sentences)
    return " ".join(sentences) + marker if sentences else "", used


@dataclass(frozen=True)
class Quote:
    """A quoted group: its text ending in [n], its citation, the spans it quotes (in the note's
    order) and the lead it was written with, so reading on can only add to it."""

    text: str
    citation: Citation
    spans: tuple[Scored, ...]
    lead: str
    named: bool  # whether the citation starts at the question or heading the group answers


def quote_group(best: Scored, scored: Sequence[Scored], n: int, budget: int) -> Quote | None:
    """`best` with the spans it needs (citation number `n`), within `budget` characters;
    None when nothing fits."""
    group = _group(best, scored, budget)
    lead = _lead(group)
    shown = _shown_lead(group, lead)
    text, used = _render(group, n, shown, budget, best)
    if not used or len(text) > budget:
        return None
    return Quote(text, _citation(n, used, bool(lead)), tuple(used), shown, bool(lead))


def quote(best: Scored, scored: Sequence[Scored], n: int, budget: int) -> tuple[str, Citation] | None:
    """The text quoting `best` with the spans it needs, and its citation (see quote_group)."""
    quoted = quote_group(best, scored, n, budget)
    return None if quoted is None else (quoted.text, quoted.citation)


def read_on(quoted: Quote, scored: Sequence[Scored], budget: int) -> Quote:
    """`quoted` with the sentences that follow its last one in its section, while the whole
    stays within `budget` characters: every span quoted before stays, in its place."""
    n = quoted.citation.n
    text, used = _render(quoted.spans, n, quoted.lead, budget, then=_section(quoted.spans[0], scored))
    if len(used) <= len(quoted.spans) or len(text) > budget:
        return quoted
    return Quote(text, _citation(n, used, quoted.named), tuple(used), quoted.lead, quoted.named)
