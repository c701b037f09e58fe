"""Line-level structure of a note: headings and the atoms a chunk may never split.

Markdown (ATX and setext headings, fences, tables, lists), reStructuredText
(underlined/overlined titles, `::` literal blocks, directives) and plain
numbered lines (`12. Question? Answer.`) all reduce to the same two things:
`Heading`s, which open sections, and `Atom`s, contiguous line ranges that stay
whole inside one chunk whenever they fit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")
ATX = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)(?:\s+#+)?\s*$")
LIST_ITEM = re.compile(r"^(\s*)(?:[-*+•]|\d{1,4}[.)])\s+\S")
TABLE_ROW = re.compile(r"^\s*\|")
RULE = re.compile(r"^\s{0,3}([-*_=])(?:\s*\1){2,}\s*$")
UNDERLINE = re.compile(r"^([=\-~^\"'`#*+:.<>_])\1{2,}\s*$")
# "A. Bag of words and TF-IDF", "IV. Results": lettered section titles.
LETTER_TITLE = re.compile(r"^\s*(?:[A-Z]|[IVX]{1,4})[.)]\s+([^?]{1,70})$")
TERMINAL = ".,;:?!)]}\"'*`|"


@dataclass(frozen=True)
class Heading:
    line: int  # 0-based index
    level: int
    title: str
    end: int  # last line of the heading itself (underlines belong to it)


@dataclass(frozen=True)
class Atom:
    start: int  # 0-based, inclusive
    end: int  # 0-based, inclusive
    kind: str  # "text" | "list" | "table" | "code" | "quote" | "rule"


def _is_blank(line: str) -> bool:
    return not line.strip()


def _short_title(lines: list[str], i: int) -> bool:
    """A short unpunctuated line standing alone before a list or paragraph, such
    as "Quick fire" in a plain-text question bank, reads as a title."""
    line = lines[i].strip()
    if not (3 <= len(line) <= 60) or line[-1] in TERMINAL or not line[0].isupper():
        return False
    if LIST_ITEM.match(lines[i]) or TABLE_ROW.match(lines[i]) or not any(c.isalpha() for c in line):
        return False
    prev_plain = i > 0 and not _is_blank(lines[i - 1]) and not LIST_ITEM.match(lines[i - 1])
    if prev_plain and not lines[i - 1].strip().startswith("#"):
        return False
    if i + 1 >= len(lines) or _is_blank(lines[i + 1]) or UNDERLINE.match(lines[i + 1].strip()):
        return False
    # A definition-list term (an RST glossary entry) is read as such by
    # ingest/spans.py, not as a section.
    return not indented_below(lines, i)


def indented_below(lines: list[str], i: int) -> bool:
    """The next line, with no blank between, is indented deeper than line i: line i
    is a definition-list term and the lines below it its definition."""
    following = lines[i + 1] if i + 1 < len(lines) else ""
    return bool(following.strip()) and indent_of(following) > indent_of(lines[i])


def _title_line(lines: list[str], i: int) -> bool:
    letter = LETTER_TITLE.match(lines[i])
    return bool(letter and not lines[i].rstrip().endswith(".")) or _short_title(lines, i)


def parse(lines: list[str]) -> tuple[list[Heading], list[Atom]]:
    """Split lines into headings and atoms (blank lines belong to neither)."""
    headings: list[Heading] = []
    atoms: list[Atom] = []
    underline_levels: dict[tuple[str, bool], int] = {}
    n = len(lines)
    i = 0

    def underline_level(char: str, over: bool) -> int:
        key = (char, over)
        if key not in underline_levels:
            underline_levels[key] = min(len(underline_levels) + 1, 6)
        return underline_levels[key]

    while i < n:
        line = lines[i]
        stripped = line.strip()
        if not stripped:
            i += 1
            continue
        fence = FENCE.match(line)
        if fence:
            marker = fence.group(1)
            j = i + 1
            while j < n and not lines[j].lstrip().startswith(marker):
                j += 1
            end = min(j, n - 1)
            atoms.append(Atom(i, end, "code"))
            i = end + 1
            continue
        heading = ATX.match(line)
        if heading and heading.group(2):
            headings.append(Heading(i, len(heading.group(1)), heading.group(2).strip(), i))
            i += 1
            continue
        # reStructuredText overline + title + underline.
        if (
            UNDERLINE.match(stripped)
            and i + 2 < n
            and lines[i + 2].strip() == stripped
            and lines[i + 1].strip()
            and len(lines[i + 1].strip()) <= len(stripped) + 2
        ):
            headings.append(Heading(i, underline_level(stripped[0], True), lines[i + 1].strip(), i + 2))
            i += 3
            continue
        # Setext / reStructuredText underline: a lone line followed by ===, ---, ~~~.
        if (
            i + 1 < n
            and UNDERLINE.match(lines[i + 1].strip())
            and not LIST_ITEM.match(line)
            and not TABLE_ROW.match(line)
            and (i == 0 or _is_blank(lines[i - 1]) or bool(ATX.match(lines[i - 1])))
            and len(lines[i + 1].strip()) >= min(len(stripped), 3)
        ):
            headings.append(Heading(i, underline_level(lines[i + 1].strip()[0], False), stripped, i + 1))
            i += 2
            continue
        if RULE.match(line):
            atoms.append(Atom(i, i, "rule"))
            i += 1
            continue
        if _title_line(lines, i):
            headings.append(Heading(i, 7, stripped, i))
            i += 1
            continue
        if TABLE_ROW.match(line):
            j = i
            while j + 1 < n and TABLE_ROW.match(lines[j + 1]):
                j += 1
            atoms.append(Atom(i, j, "table"))
            i = j + 1
            continue
        item = LIST_ITEM.match(line)
        if item:
            indent = len(item.group(1))
            j = i
            # Continuation: indented lines, or lazy lines that are not new blocks.
            while j + 1 < n:
                nxt = lines[j + 1]
                if _is_blank(nxt):
                    # A blank line continues the item only if indented text follows.
                    k = j + 1
                    while k < n and _is_blank(lines[k]):
                        k += 1
                    if k < n and indent_of(lines[k]) > indent and not LIST_ITEM.match(lines[k]):
                        j = k
                        continue
                    break
                if LIST_ITEM.match(nxt) and indent_of(nxt) <= indent:
                    break
                if _block_start(lines, j + 1) or (indent_of(nxt) <= indent and _title_line(lines, j + 1)):
                    break
                if LIST_ITEM.match(nxt) and indent_of(nxt) > indent:
                    break  # a nested item is its own atom
                j += 1
            atoms.append(Atom(i, j, "list"))
            i = j + 1
            continue
        if stripped.startswith(">"):
            j = i
            while j + 1 < n and lines[j + 1].strip().startswith(">"):
                j += 1
            atoms.append(Atom(i, j, "quote"))
            i = j + 1
            continue
        # Paragraph: up to a blank line or the start of another block.
        j = i
        while j + 1 < n and not _is_blank(lines[j + 1]) and not _block_start(lines, j + 1):
            if LIST_ITEM.match(lines[j + 1]) or _title_line(lines, j + 1):
                break
            j += 1
        kind = "text"
        if lines[j].rstrip().endswith("::") or stripped.startswith(".. "):
            # reStructuredText literal block (the paragraph ends with "::") or directive:
            # the indented body is code, and a "# comment" in it is not a heading.
            k = j + 1
            while k < n and (_is_blank(lines[k]) or indent_of(lines[k]) > indent_of(line)):
                k += 1
            while k - 1 > j and _is_blank(lines[k - 1]):
                k -= 1
            if k - 1 > j:
                j = k - 1
                kind = "code"
        atoms.append(Atom(i, j, kind))
        i = j + 1
    return headings, atoms


def indent_of(line: str) -> int:
    """Leading whitespace characters of a line."""
    return len(line) - len(line.lstrip())


def _block_start(lines: list[str], i: int) -> bool:
    line = lines[i]
    if FENCE.match(line) or ATX.match(line) or TABLE_ROW.match(line) or RULE.match(line):
        return True
    if UNDERLINE.match(line.strip()):
        return True
    return bool(i + 1 < len(lines) and UNDERLINE.match(lines[i + 1].strip()) and len(line.strip()) <= 80)
