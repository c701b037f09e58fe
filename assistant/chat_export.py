"""A conversation as Markdown for the student to keep: each answer's [n] becomes a
footnote giving the note, the lines and the exact quote; an answer read with the
chat's tag filter names the tag under it.

Also the one reading of an answer's citation markers that the app and the export
share (`pieces`): only numbers the answer cites are markers, so a note's own "[3]"
quoted inside an answer stays text.
"""

from __future__ import annotations

import re
import time
from collections.abc import Sequence

from studygraph.assistant.chat_history import Message
from studygraph.assistant.output import cited_at, display_path
from studygraph.assistant.types import Answer, Citation
from studygraph.ingest.units import place

MARKER = re.compile(r"\[(\d{1,3})\]")


def pieces(text: str, numbers: set[int]) -> list[str | int]:
    """The text cut at its citation markers: strings, and the cited numbers in between.
    A run of sentences citing one source keeps only its last marker (an LLM writes
    "A [1]. B [1]."; the extractive composer already writes one per group)."""
    raw: list[str | int] = []
    at = 0
    for match in MARKER.finditer(text):
        if int(match.group(1)) in numbers:
            raw += [text[at : match.start()], int(match.group(1))]
            at = match.end()
    raw.append(text[at:])
    out: list[str | int] = []
    for piece in raw:
        if isinstance(piece, int) and len(out) >= 2 and out[-2] == piece and isinstance(out[-1], str):
            between = str(out.pop())
            out.pop()  # the earlier marker of the run
            if out and isinstance(out[-1], str):
                out[-1] = str(out[-1]).rstrip() + (between if between.strip() else "")
            else:
                out.append(between.lstrip())
        out.append(piece)
    return [p for p in out if p != ""]


def footnote(label: str, citation: Citation, titles: dict[str, str], units: str = "") -> str:
    """`[^label]: Title (seeds/a.md, lines 3-5): "the quote"`, on one line; a PDF page, slide
    or notebook cell is named with the lines counted in it (`lab.ipynb cell 3, lines 1-2`),
    as the chat and the CLI name it, given the cited chunk's `units`."""
    title = titles.get(citation.source, "")
    if place(units, citation.start_line, citation.end_line):
        where = cited_at(citation.source, citation.start_line, citation.end_line, units)
    else:
        where = f"{display_path(citation.source)}, {citation.label()}"
    quote = " ".join(citation.quote.split()).replace('"', "'")
    return f'[^{label}]: {title + " (" + where + ")" if title else where}: "{quote}"'


def answer_markdown(answer: Answer, turn: int, titles: dict[str, str]) -> tuple[str, list[str]]:
    """The answer's text with [n] as footnote references, and its footnotes."""
    numbers = {c.n for c in answer.citations}
    text = "".join(f"[^{turn}-{p}]" if isinstance(p, int) else p for p in pieces(answer.text, numbers))
    units = {h.chunk.id: h.chunk.units for h in answer.hits}
    notes = [footnote(f"{turn}-{c.n}", c, titles, units.get(c.chunk_id, "")) for c in answer.citations]
    return text, notes


def _tagged(message: Message) -> list[str]:
    """The line under a reply read with the chat's tag filter, as the app shows it above:
    a reader of the export should know the answer saw only the notes so tagged."""
    return [f"*Answered from notes tagged #{message.tag}*", ""] if message.tag else []


def to_markdown(messages: Sequence[Message], titles: dict[str, str], now: float | None = None) -> str:
    """The conversation as Markdown: questions, answers, then every footnote."""
    stamp = time.strftime("%Y-%m-%d %H:%M", time.localtime(time.time() if now is None else now))
    out = [f"# Chat with my notes ({stamp})", ""]
    notes: list[str] = []
    for turn, message in enumerate(messages, 1):
        if message.role == "user":
            out += [f"**Q:** {message.content}", ""]
            continue
        answer = message.answer
        if answer is None or not answer.found:
            out += [f"**A:** {message.content or (answer.text if answer else '')}", "", *_tagged(message)]
            continue
        text, footnotes = answer_markdown(answer, turn, titles)
        if answer.read_as:
            out += [f"*Read as: {answer.read_as}*", ""]
        out += [f"**A:** {text}", "", *_tagged(message)]
        related = list(dict.fromkeys(r.concept for r in answer.related))
        if related:
            out += [f"Related: {', '.join(related)}", ""]
        notes += footnotes
    return "\n".join(out + notes) + "\n"


def answer_plain(answer: Answer, titles: dict[str, str]) -> str:
    """An answer to paste elsewhere: its text with [n], then one line per source."""
    numbers = {c.n for c in answer.citations}
    text = "".join(f"[{p}]" if isinstance(p, int) else p for p in pieces(answer.text, numbers))
    units = {h.chunk.id: h.chunk.units for h in answer.hits}
    sources = [footnote(str(c.n), c, titles, units.get(c.chunk_id, "")).replace(f"[^{c.n}]:", f"[{c.n}]", 1)
               for c in answer.citations]
    return "\n".join([text, "", *sources]) if sources else text
