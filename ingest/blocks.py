"""Line-level structure of a note: headings and the atoms a chunk may never split.

Markdown (ATX and setext headings, fences, tables, lists), reStructuredText
(underlined/overlined titles, `::` literal blocks, directives) and plain
numbered lines (`12. Question? Answer.`) all reduce to the same two things:
`Heading`s, which open sections, and `Atom`s, contiguous line ranges that stay
whole inside one chunk whenever they fit.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")
BACKTICKS = re.compile(r"`{3,}")
ATX = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)(?:\s+#+)?\s*$")
LIST_ITEM = re.compile(r"^(\s*)(?:[-*+•]|\d{1,4}[.)])\s+\S")
TABLE_ROW = re.compile(r"^\s*\|")
RULE = re.compile(r"^\s{0,3}([-*_=])(?:\s*\1){2,}\s*$")
UNDERLINE = re.compile(r"^([=\-~^\"'`#*+:.<>_])\1{2,}\s*$")
# "A. Bag of words and TF-IDF", "IV. Results": lettered section titles.
LETTER_TITLE = re.compile(r"^\s*(?:[A-Z]|[IVX]{1,4})[.)]\s+([^?]{1,70})$")
TERMINAL = ".,;:?!)]}\"'*`|"
YAML_KEY = re.compile(r"^[A-Za-z_][\w -]*:(?:\s|$)")


def fence_for(lines: list[str]) -> str:
    """An opening fence longer than any run of backticks in the lines, so nothing in them can close it
    (a notebook cell, a web page's `<pre>`, each set in note text as a fenced block)."""
    longest = max((len(m.group(0)) for line in lines for m in BACKTICKS.finditer(line)), default=2)
    return "`" * max(3, longest + 1)


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
    kind: str  # "text" | "list" | "table" | "code" | "quote" | "rule" | "meta" (front matter)


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


def front_matter_end(lines: list[str]) -> int:
    """Last line (0-based) of YAML front matter opening the note (Obsidian, Jekyll, Hugo), or -1.

    `---` on the first line, `key:` lines, and `---` or `...` closing within 200 lines.
    """
    if not lines or lines[0].rstrip() != "---" or len(lines) < 3 or not YAML_KEY.match(lines[1]):
        return -1
    for j in range(2, min(len(lines), 200)):
        if lines[j].rstrip() in ("---", "..."):
            return j
    return -1


def front_matter(text: str) -> dict:
    """The YAML front matter opening `text` as a mapping; {} when there is none or PyYAML's
    safe loader cannot read it (the note is still read as text)."""
    lines = text.splitlines()
    end = front_matter_end(lines)
    if end < 0:
        return {}
    import yaml  # a dependency; only notes with front matter pay its import

    try:
        data = yaml.safe_load("\n".join(lines[1:end]))
    except yaml.YAMLError:
        return {}
    return data if isinstance(data, dict) else {}


def parse(lines: list[str]) -> tuple[list[Heading], list[Atom]]:
    """Split lines into headings and atoms (blank lines belong to neither).

    Front matter is one atom of kind "meta": its `---` lines are no rules or
    heading underlines, its keys no paragraph.
    """
    headings: list[Heading] = []
    atoms: list[Atom] = []
    levels: dict[tuple[str, bool], int] = {}
    i = 0
    meta = front_matter_end(lines)
    if meta > 0:
        atoms.append(Atom(0, meta, "meta"))
        i = meta + 1
    while i < len(lines):
        if _is_blank(lines[i]):
            i += 1
            continue
        block = _read_block(lines, i, levels)
        if isinstance(block, Heading):
            headings.append(block)
        else:
            atoms.append(block)
        i = block.end + 1
    return headings, atoms


def _read_block(lines: list[str], i: int, levels: dict[tuple[str, bool], int]) -> Heading | Atom:
    """The heading or atom that starts at non-blank line i.

    The order is the grammar: a fence wins over everything (its body is never
    read), headings over rules, and whatever is left is a paragraph.
    """
    return (
        _read_fence(lines, i)
        or _read_atx_heading(lines, i)
        or _read_overlined_title(lines, i, levels)
        or _read_underlined_title(lines, i, levels)
        or _read_rule(lines, i)
        or _read_title_line(lines, i)
        or _read_table(lines, i)
        or _read_list_item(lines, i)
        or _read_quote(lines, i)
        or _read_paragraph(lines, i)
    )


def _underline_level(levels: dict[tuple[str, bool], int], char: str, over: bool) -> int:
    """reStructuredText ranks title adornments by first use, not by character:
    the first style a note uses is level 1, the next new one level 2, and so on."""
    return levels.setdefault((char, over), min(len(levels) + 1, 6))


def _read_fence(lines: list[str], i: int) -> Atom | None:
    """A fenced code block, up to its closing fence (or the end of the note)."""
    fence = FENCE.match(lines[i])
    if not fence:
        return None
    marker = fence.group(1)
    j = i + 1
    while j < len(lines) and not lines[j].lstrip().startswith(marker):
        j += 1
    return Atom(i, min(j, len(lines) - 1), "code")


def _read_atx_heading(lines: list[str], i: int) -> Heading | None:
    """`## Title`; a run of `#` with no title is not a heading."""
    heading = ATX.match(lines[i])
    if not (heading and heading.group(2)):
        return None
    return Heading(i, len(heading.group(1)), heading.group(2).strip(), i)


def _read_overlined_title(lines: list[str], i: int, levels: dict[tuple[str, bool], int]) -> Heading | None:
    """A reStructuredText title between an overline and an identical underline."""
    stripped = lines[i].strip()
    if not (
        UNDERLINE.match(stripped)
        and i + 2 < len(lines)
        and lines[i + 2].strip() == stripped
        and lines[i + 1].strip()
        and len(lines[i + 1].strip()) <= len(stripped) + 2
    ):
        return None
    return Heading(i, _underline_level(levels, stripped[0], True), lines[i + 1].strip(), i + 2)


def _read_underlined_title(lines: list[str], i: int, levels: dict[tuple[str, bool], int]) -> Heading | None:
    """Setext / reStructuredText: a lone line followed by ===, ---, ~~~.

    Only after a blank line or a heading, so the last line of a paragraph
    followed by a rule stays text.
    """
    line = lines[i]
    if not (
        i + 1 < len(lines)
        and UNDERLINE.match(lines[i + 1].strip())
        and not LIST_ITEM.match(line)
        and not TABLE_ROW.match(line)
        and (i == 0 or _is_blank(lines[i - 1]) or bool(ATX.match(lines[i - 1])))
        and len(lines[i + 1].strip()) >= min(len(line.strip()), 3)
    ):
        return None
    return Heading(i, _underline_level(levels, lines[i + 1].strip()[0], False), line.strip(), i + 1)


def _read_rule(lines: list[str], i: int) -> Atom | None:
    return Atom(i, i, "rule") if RULE.match(lines[i]) else None


def _read_title_line(lines: list[str], i: int) -> Heading | None:
    """A lettered or short stand-alone title: a section below every marked-up level."""
    return Heading(i, 7, lines[i].strip(), i) if _title_line(lines, i) else None


def _read_table(lines: list[str], i: int) -> Atom | None:
    if not TABLE_ROW.match(lines[i]):
        return None
    return Atom(i, _last_of_run(lines, i, lambda line: bool(TABLE_ROW.match(line))), "table")


def _read_quote(lines: list[str], i: int) -> Atom | None:
    if not lines[i].strip().startswith(">"):
        return None
    return Atom(i, _last_of_run(lines, i, lambda line: line.strip().startswith(">")), "quote")


def _last_of_run(lines: list[str], i: int, belongs: Callable[[str], bool]) -> int:
    """Last line of the run of consecutive lines from i on that `belongs` accepts."""
    j = i
    while j + 1 < len(lines) and belongs(lines[j + 1]):
        j += 1
    return j


def _read_list_item(lines: list[str], i: int) -> Atom | None:
    """One list item with its continuation lines; a nested item is its own atom."""
    item = LIST_ITEM.match(lines[i])
    if not item:
        return None
    indent = len(item.group(1))
    n = len(lines)
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
        if LIST_ITEM.match(nxt):
            break  # a sibling ends the item; a nested one starts its own atom
        if _block_start(lines, j + 1) or (indent_of(nxt) <= indent and _title_line(lines, j + 1)):
            break
        j += 1
    return Atom(i, j, "list")


def _read_paragraph(lines: list[str], i: int) -> Atom:
    """A paragraph: up to a blank line or the start of another block.

    A reStructuredText literal block (the paragraph ends with "::") or directive
    takes its indented body along as code, so a "# comment" in it is not read
    as a heading.
    """
    j = i
    while j + 1 < len(lines) and not _is_blank(lines[j + 1]) and not _block_start(lines, j + 1):
        if LIST_ITEM.match(lines[j + 1]) or _title_line(lines, j + 1):
            break
        j += 1
    if lines[j].rstrip().endswith("::") or lines[i].strip().startswith(".. "):
        body_end = _indented_body_end(lines, j, indent_of(lines[i]))
        if body_end > j:
            return Atom(i, body_end, "code")
    return Atom(i, j, "text")


def _indented_body_end(lines: list[str], j: int, indent: int) -> int:
    """Last non-blank line of the lines after j indented deeper than `indent`
    (blank lines between them included); j when there are none."""
    k = j + 1
    while k < len(lines) and (_is_blank(lines[k]) or indent_of(lines[k]) > indent):
        k += 1
    while k - 1 > j and _is_blank(lines[k - 1]):
        k -= 1
    return k - 1


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
