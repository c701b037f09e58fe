"""Question/answer cards from the lines of one note.

Four shapes of question are recognised, each keeping the exact lines of its answer:

- a heading that asks (`### 4. What is "Perceiver Resampler"?`, `## 1. What Is X?`)
  or is followed by an `**Answer:**` label (`### 3. Explain ...`);
- a `**Question**: ...` label (the heading above it is only a title); its answer
  is the `**Key Points**:` / `**Components**:` list, or nothing;
- a standalone question line (`**Why does X matter?**`, `1. **"How does LLaVA work?"**`)
  answered by the block below it;
- numbered one-line pairs `12. Question? Answer.`, several per line allowed,
  split by `ingest.spans`.

The answer of a block runs until the next heading, rule, code block, table or
question. A question with no answer in the note becomes a card with an empty
answer; `compose.py` fills it from `ask` or drops it.
"""

from __future__ import annotations

import itertools
import logging
import re
from dataclasses import dataclass

from studygraph.assistant.study.cards import Card, card_id, clean_markup, display_question, normalise_question
from studygraph.assistant.study.keyterms import key_concepts, question_topics
from studygraph.ingest.blocks import parse
from studygraph.ingest.note import Chunk, Note
from studygraph.ingest.spans import split_spans

logger = logging.getLogger(__name__)

LABEL = re.compile(r"^\s*\*\*\s*(?P<name>[A-Za-z][\w &/-]{0,30}?)\s*(?::\s*\*\*|\*\*\s*:)\s*(?P<rest>.*)$")
ANSWER_LABELS = {"answer", "answers", "key points", "components", "expected answer", "solution", "a"}
POINT_LABELS = {"key points", "components"}
QUESTION_LABELS = {"question", "q"}
MARKER = re.compile(r"^\s*(?:[-*+•]|\d{1,4}[.)])\s+")
QUESTION_END = re.compile(r"\?[\s*_\"'”’`]*$")
NUMBERED_QA = re.compile(r"^\s*\d{1,4}[.)]\s+[^?\n]{2,300}\?\s*\S")
STRUCTURE = {"code", "rule", "table"}


@dataclass(frozen=True)
class _Anchor:
    line: int  # 0-based line of the question
    body: int  # 0-based first line after the question
    question: str
    mode: str  # heading | label | line


def _line_kinds(lines: list[str]) -> tuple[list[str], dict[int, tuple[int, str]]]:
    """Per line: blank | heading | code | rule | table | content; headings by first line."""
    headings, atoms = parse(lines)
    kinds = ["blank" if not line.strip() else "content" for line in lines]
    for atom in atoms:
        if atom.kind in STRUCTURE:
            for i in range(atom.start, atom.end + 1):
                kinds[i] = atom.kind
    titles: dict[int, tuple[int, str]] = {}
    for h in headings:
        titles[h.line] = (h.end, h.title)
        for i in range(h.line, h.end + 1):
            kinds[i] = "heading"
    return kinds, titles


def _label(line: str) -> tuple[str, str] | None:
    match = LABEL.match(line)
    return (match.group("name").strip().lower(), match.group("rest").strip()) if match else None


def _standalone_question(lines: list[str], kinds: list[str], i: int) -> bool:
    """A line that is nothing but a question, e.g. `**Why does X matter?**`."""
    line = lines[i].strip()
    if kinds[i] != "content" or not QUESTION_END.search(line) or len(line) > 240 or _label(line):
        return False
    body = MARKER.sub("", line, count=1)
    if body.startswith(("**", "__", '"', "“")) or MARKER.match(line):
        return True
    prev_blank = i == 0 or kinds[i - 1] in ("blank", "heading")
    nxt = next((k for k in range(i + 1, len(lines)) if kinds[k] != "blank"), None)
    return prev_blank and nxt is not None and kinds[nxt] == "content" and nxt > i + 1


def _anchors(lines: list[str], kinds: list[str], titles: dict[int, tuple[int, str]]) -> list[_Anchor]:
    anchors: list[_Anchor] = []
    for i, line in enumerate(lines):
        if i in titles:
            end, title = titles[i]
            if title.rstrip().endswith("?") or _first_label(lines, kinds, end + 1) in ANSWER_LABELS:
                anchors.append(_Anchor(i, end + 1, title, "heading"))
            continue
        label = _label(line) if kinds[i] == "content" else None
        if label and label[0] in QUESTION_LABELS and label[1]:
            anchors.append(_Anchor(i, i + 1, label[1], "label"))
        elif _standalone_question(lines, kinds, i):
            anchors.append(_Anchor(i, i + 1, line, "line"))
    return anchors


def _first_label(lines: list[str], kinds: list[str], start: int) -> str:
    """Name of the first label in a section, before its next heading."""
    for j in range(start, len(lines)):
        if kinds[j] == "heading":
            return ""
        label = _label(lines[j]) if kinds[j] == "content" else None
        if label:
            return label[0]
    return ""


def _answer_range(lines: list[str], kinds: list[str], anchor: _Anchor, starts: set[int]) -> tuple[int, int, str]:
    """(first, last) 0-based lines of the answer, or (-1, -1); and the answer label ("" if none)."""
    first = last = -1
    label_name = ""
    for j in range(anchor.body, len(lines)):
        kind = kinds[j]
        if kind in STRUCTURE or kind == "heading" or j in starts:
            break
        if kind == "blank":
            continue
        label = _label(lines[j])
        if label and label[0] in ANSWER_LABELS:
            label_name = label[0]
            first = last = j if label[1] else -1
            continue
        if label and not label[1] and label_name:
            break  # e.g. `**Summary:**` after the answer
        if anchor.mode == "label" and not label_name:
            continue  # a `**Question**:` is only answered under an answer label
        first = j if first < 0 else first
        last = j
    return first, last, label_name


def _units(note: Note, lines: list[str], first: int, last: int) -> list[str]:
    """Answer units (items, sentences, rows) of lines first..last, markdown kept."""
    text = "\n".join(lines[first : last + 1])
    chunk = Chunk(id="", source=note.path, text=text, start_line=first + 1, end_line=last + 1)
    units = []
    for span in split_spans(chunk):
        body = span.text
        label = _label(body)
        if label and label[0] in ANSWER_LABELS:
            body = label[1]
        if any(c.isalnum() for c in clean_markup(body)):
            units.append(body.strip())
    return units


def _inline_pairs(note: Note, lines: list[str], i: int) -> list[tuple[str, str]]:
    """(question, answer) pairs of a numbered `Q? A.` line, via ingest.spans."""
    chunk = Chunk(id="", source=note.path, text=lines[i], start_line=i + 1, end_line=i + 1)
    spans = split_spans(chunk)
    pairs = []
    for span, nxt in itertools.pairwise(spans):
        if span.kind == "question" and nxt.kind == "answer" and nxt.question == span.text:
            pairs.append((span.text, nxt.text))
    return pairs


@dataclass(frozen=True)
class _Found:
    line: int  # 0-based question line
    question: str
    units: list[str]
    first: int  # 0-based answer lines, -1 when unanswered
    last: int
    points: bool  # the units are explicit key points


def extract_cards(note: Note) -> list[Card]:
    """All question cards of one note, in note order.

    Returns:
        Cards of kind "qa"; unanswered questions have answer "" and cite the question line.
    """
    lines = note.lines
    kinds, titles = _line_kinds(lines)
    anchors = _anchors(lines, kinds, titles)
    starts = {a.line for a in anchors}
    claimed: set[int] = set(starts)
    found: list[_Found] = []
    for anchor in anchors:
        first, last, label = _answer_range(lines, kinds, anchor, starts)
        units = _units(note, lines, first, last) if first >= 0 else []
        claimed.update(range(first, last + 1) if first >= 0 else ())
        found.append(_Found(anchor.line, anchor.question, units, first, last, label in POINT_LABELS))
    for i, line in enumerate(lines):
        if kinds[i] == "content" and i not in claimed and NUMBERED_QA.match(line):
            found += [_Found(i, q, [a], i, i, False) for q, a in _inline_pairs(note, lines, i)]
    found.sort(key=lambda f: f.line)
    return _to_cards(note.path, found)


def _to_cards(path: str, found: list[_Found]) -> list[Card]:
    cards: list[Card] = []
    seen: dict[str, int] = {}
    for f in found:
        question = display_question(f.question)
        key = normalise_question(question)
        if not key:
            continue
        occurrence = seen.get(key, 0)  # "CLIP loss?" asked twice in one note: two cards
        seen[key] = occurrence + 1
        answered = bool(f.units)
        cards.append(
            Card(
                id=card_id(path, question, occurrence),
                question=question,
                answer="\n".join(clean_markup(u) for u in f.units),
                kind="qa",
                source=path,
                start_line=f.first + 1 if answered else f.line + 1,
                end_line=f.last + 1 if answered else f.line + 1,
                key_concepts=key_concepts(f.units, question, points=f.points),
                note=path,
                question_line=f.line + 1,
                topics=question_topics(question),
            )
        )
    logger.debug("%s: %d cards (%d unanswered)", path, len(cards), sum(1 for c in cards if not c.answer))
    return cards
