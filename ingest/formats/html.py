"""Web pages (.html, .htm: saved pages, exported notes, course sites) as Markdown-shaped note text.

Read with the standard library's `html.parser`, so nothing is installed for it:
headings become `#` headings, paragraphs text with a blank line between them,
list items `- ` items (indented by level; a definition list's term and its
description one `- **term**: description` item, as notes write a glossary),
`<pre>` a fenced code block with its lines as they are, tables `| a | b |`
rows, `<strong>`/`<em>`/`<code>` the Markdown marks spans and the concept
graph read. Only what a reader sees is kept: scripts, styles, forms, the
page's navigation, header, footer, sidebars and hidden elements are dropped,
and when the page marks its content (`<main>`, `<article>`, `role="main"`)
only that is read.
Nothing in the page is fetched or run. A web page has no lines a student
edits, so citations count lines of this text, as for a Word file.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from studygraph.errors import NoteError
from studygraph.ingest.blocks import fence_for
from studygraph.ingest.formats import Document

SKIPPED = frozenset({"script", "style", "noscript", "template", "nav", "header", "footer", "form", "button", "select",
                     "svg", "canvas", "iframe", "object", "head", "title", "aside"})
VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr"})
BLOCKS = frozenset({"p", "div", "section", "article", "main", "body", "blockquote", "figure", "figcaption", "details",
                    "summary", "center", "address"})
HEADINGS = {f"h{n}": n for n in range(1, 7)}
MARKS = {"strong": "**", "b": "**", "em": "*", "i": "*", "code": "`", "kbd": "`", "tt": "`", "var": "*"}
CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([\w-]+)""", re.I)
# Landmarks and widgets that are the site's, not the page's: navigation bars, banners, search boxes, sidebars,
# and the permalink marks documentation generators put after headings (Sphinx's "¶" "headerlink").
HIDDEN_ROLES = frozenset({"navigation", "banner", "contentinfo", "search", "complementary", "dialog", "menu", "toolbar"})
HIDDEN_CLASS = re.compile(r"(?:^|\s)(?:headerlink|sphinxsidebar|sidebar|navbar|breadcrumbs?|skip-link|visually-hidden|sr-only)(?:\s|$)")
MARKED_CONTENT = re.compile(r"<(?:main|article)\b|\brole\s*=\s*[\"']?main\b", re.I)
BULLET = re.compile(r"\s*(?:- (?:\*\*.*\*\*: )?|\d+\. )?")  # a bullet, or a glossary term's lead, with no text yet
MATH = re.compile(r"\\\((.+?)\\\)|\\\[(.+?)\\\]")
SPACES = re.compile(r"[ \t\r\n\f\v\u00a0]+")


def _decode(data: bytes, path: str) -> str:
    """The page's text: its byte-order mark, else the charset it declares, else what the notes' decoder detects."""
    declared = CHARSET.search(data[:4096])
    if declared and not data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode(declared.group(1).decode("ascii"))
        except (LookupError, UnicodeDecodeError):
            pass  # a wrong or unknown declaration: detect instead
    from studygraph.ingest.reading import decode  # imported here: reading imports this package's table

    return decode(data, path)[0]


class _Page(HTMLParser):
    """Collects the visible text as Markdown-shaped lines."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self.line: list[str] = []
        self.skipping: list = []  # [tag, depth] of the dropped element we are inside (its own tag counted, as
        # HTML leaves <p> and <li> unclosed)
        self.content: list | None = None  # [tag, depth] of the content element, when the page marks one
        self.marked = False  # the page marks its content (<main>, <article>, role="main")
        self.lists: list[str] = []  # "ul" / "ol" nesting
        self.counters: list[int] = []
        self.pre = 0
        self.pre_text: list[str] = []
        self.row: list[str] | None = None
        self.cell: list[str] | None = None
        self.rows_in_table: list[int] = []
        self.term: str | None = None  # a definition list's term waiting for its description

    # -- text

    def _emit(self, text: str) -> None:
        if self.cell is not None:
            self.cell.append(text)
        else:
            self.line.append(text)

    def _flush(self, blank: bool = True) -> None:
        joined = "".join(self.line)
        text = MATH.sub(lambda m: f"${m.group(1).strip()}$" if m.group(1) is not None else f"$${m.group(2).strip()}$$",
                        SPACES.sub(" ", joined).strip())  # MathJax's \( \) and \[ \]: the $ the app's KaTeX reads
        self.line = []
        if text:
            indent = joined[: len(joined) - len(joined.lstrip(" "))]  # a nested item's depth
            self.lines.append(indent + text)
        if blank and self.lines and self.lines[-1] != "":
            self.lines.append("")

    def _paragraphs(self) -> bool:
        """Whether blocks here are paragraphs apart: outside lists, and in a definition's description (an API
        entry's paragraphs), not in a list item, whose paragraphs continue it."""
        return not self.lists or self.lists[-1] == "dl"

    def _outside(self) -> bool:
        return bool(self.skipping) or (self.marked and self.content is None)

    def handle_data(self, data: str) -> None:
        if self._outside():
            return
        if self.pre:
            self.pre_text.append(data)
        else:
            self._emit(data)

    # -- tags

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if self.skipping:
            self.skipping[1] += tag == self.skipping[0]
            return
        if tag not in VOID and (tag in SKIPPED or "hidden" in attributes or attributes.get("aria-hidden") == "true"
                                or attributes.get("role") in HIDDEN_ROLES or HIDDEN_CLASS.search(attributes.get("class") or "")
                                or "display:none" in (attributes.get("style") or "").replace(" ", "")):
            self.skipping = [tag, 1]  # its end tag ends the skip, and is not counted below either
            return
        if self.content is not None:
            self.content[1] += tag == self.content[0]
        elif self.marked and tag not in VOID and _marks_content(tag, attributes):
            self.content = [tag, 1]
        if self._outside():
            return
        if tag in VOID:
            if tag == "br":
                self._flush(blank=False) if not self.pre else self.pre_text.append("\n")
            elif tag == "hr":
                self._flush()
            elif tag == "img" and attributes.get("alt"):
                self._emit(f" {attributes['alt']} ")
            return
        if tag == "pre":
            self._flush()
            self.pre += 1
            return
        if self.pre:
            return
        if tag in HEADINGS or tag in BLOCKS or tag == "table":
            if not BULLET.fullmatch("".join(self.line)):  # an item's first paragraph stays on its bullet's line
                self._flush(blank=self._paragraphs())
            if tag == "table":
                self.rows_in_table.append(0)
        elif tag in ("ul", "ol", "dl"):
            self._flush(blank=not self.lists)
            self.lists.append(tag)
            self.counters.append(0)
        elif tag == "li":
            self._flush(blank=False)
            kind = self.lists[-1] if self.lists else "ul"
            if self.counters:
                self.counters[-1] += 1
            depth = "  " * max(0, len(self.lists) - 1)
            self.line.append(depth + (f"{self.counters[-1]}. " if kind == "ol" and self.counters else "- "))
        elif tag == "dt":
            self._flush(blank=False)
        elif tag == "dd":
            self._flush(blank=False)
            term, self.term = self.term, None
            self.line.append(f"- **{term}**: " if term else "  ")
        elif tag == "tr":
            self.row = []
        elif tag in ("td", "th"):
            self.cell = []
        elif tag in MARKS:
            self._emit(MARKS[tag])
        if tag in HEADINGS:
            self.line.append("#" * HEADINGS[tag] + " ")

    def handle_endtag(self, tag: str) -> None:
        if self.skipping:
            if tag == self.skipping[0]:
                self.skipping[1] -= 1
                if not self.skipping[1]:
                    self.skipping = []
            return
        if self.content is not None and tag == self.content[0]:
            self.content[1] -= 1
            if not self.content[1]:
                self._flush()
                self.content = None
                return
        if self.marked and self.content is None:
            return
        if tag == "pre" and self.pre:
            self.pre -= 1
            if not self.pre:
                body = "".join(self.pre_text).strip("\n")
                self.pre_text = []
                if body.strip():
                    lines = body.split("\n")
                    fence = fence_for(lines)
                    self.lines.extend([fence, *lines, fence, ""])
            return
        if self.pre:
            return
        if tag in HEADINGS or tag in BLOCKS or tag == "li":
            self._flush(blank=tag != "li" and self._paragraphs())
        elif tag == "table":
            self._flush()
            if self.rows_in_table:
                self.rows_in_table.pop()
        elif tag in ("ul", "ol", "dl"):
            if self.term:
                self.lines.append(f"- **{self.term}**")
                self.term = None
            if self.lists:
                self.lists.pop()
                self.counters.pop()
            self._flush(blank=not self.lists)
        elif tag == "dt":
            text = SPACES.sub(" ", "".join(self.line)).strip()
            self.line = []
            if self.term:  # a term with no description of its own
                self.lines.append(f"- **{self.term}**")
            self.term = text or None
        elif tag == "dd":
            self._flush(blank=False)
        elif tag in ("td", "th") and self.cell is not None:
            text = SPACES.sub(" ", "".join(self.cell)).strip().replace("|", "\\|")
            self.cell = None
            if self.row is not None:
                self.row.append(text)
        elif tag == "tr" and self.row is not None:
            row, self.row = self.row, None
            if any(row):
                self._flush(blank=False)
                self.lines.append("| " + " | ".join(row) + " |")
                if self.rows_in_table:
                    self.rows_in_table[-1] += 1
                    if self.rows_in_table[-1] == 1:
                        self.lines.append("|" + "---|" * len(row))
        elif tag in MARKS:
            self._emit(MARKS[tag])

    def text(self) -> str:
        self._flush()
        lines = [line.rstrip() for line in self.lines]
        out: list[str] = []
        for line in lines:  # no runs of blank lines
            if line or (out and out[-1]):
                out.append(line)
        return "\n".join(out).strip("\n")


def _marks_content(tag: str, attributes: dict) -> bool:
    return tag in ("main", "article") or attributes.get("role") == "main"


def read_html(data: bytes, path: str, max_chars: int) -> Document:
    """A web page's visible text as Markdown-shaped note text.

    Raises:
        NoteError: the bytes are not text, or the page shows no text.
    """
    html = _decode(data, path)
    page = _Page()
    page.marked = bool(MARKED_CONTENT.search(html))
    try:
        page.feed(html)
        page.close()
    except (AssertionError, ValueError) as exc:  # html.parser gives up on some broken markup
        raise NoteError(path, f"is not readable HTML ({exc})") from exc
    text = page.text()
    if not text.strip():
        raise NoteError(path, "shows no text (an empty page, or one built by scripts)")
    return Document(text)
