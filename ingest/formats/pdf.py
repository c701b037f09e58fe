"""Text PDFs (papers, slides, textbooks) as note text, one unit per page.

Extractor: pypdfium2 (PDFium; Apache-2.0/BSD-3-Clause), chosen over pypdf
(BSD-3-Clause) by measurement on ten LaTeX-made R vignettes from Debian, scored
against their own .Rnw sources (benchmarks/sources_extractors.py): share of
extracted words found in the source 0.936 against 0.919, adjacent word pairs
found adjacent in the source (reading order) higher on 9 of 10 files, as few
glued words (0.30 per 1,000 both), and 0.52 s/MB against 6.84 s/MB.
PyMuPDF is AGPL and pdfplumber's default text drops spaces on LaTeX PDFs.

What a page's text is: PDFium's text of the page, line for line, with
- a line set in a heading size (larger than the body text, shaped as a title)
  marked `#`, `##`, ... by size, so chunks never cross a section and its title
  leads the passages under it;
- running headers and footers (a first or last line repeated, digits aside, on
  at least a quarter of the pages and three of them) and bare page numbers left
  out, so they are never quoted as sentences;
- a line set in a fixed-pitch font (code, console input and output: every glyph
  advance a whole multiple of one width) indented four spaces, so spans read it
  as code and answers and the concept graph never take `R> fm <- lm(y ~ x)` for
  a sentence (on the R survival vignettes, answers had quoted such lines);
- PDFium's marks cleaned: U+FFFE (a hyphen it removed when joining a broken
  word) dropped, the T1-encoding ligature codes of LaTeX fonts (0x1B-0x1F) read
  as ff, fi, fl, ffi, ffl, other control characters dropped.
Citations count the lines of that text (units: "page"). Pages follow each other
in the note's text with a blank line between them, except when a sentence runs
on overleaf (no closing punctuation, next page starts in lower case): then the
paragraph continues and a chunk may cross the break, as the issue asks.
"""

from __future__ import annotations

import ctypes
import itertools
import re
import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from studygraph.errors import NoteError
from studygraph.ingest.formats import CODE_INDENT, Document, pdf_worker
from studygraph.ingest.units import Unit, encode

MAX_PAGES = 3000  # a textbook is under 1,500; more is a generated file or a bomb
MIN_PAGE_CHARS = 3  # fewer non-space characters: the page has no text layer
LIGATURES = {"\x1b": "ff", "\x1c": "fi", "\x1d": "fl", "\x1e": "ffi", "\x1f": "ffl"}
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1a\x7f\ufffe\uffff]")
PAGE_NUMBER = re.compile(r"^(?:page\s+)?(?:\d{1,4}|[ivxlc]{1,7})(?:\s*(?:/|of)\s*\d{1,4})?$", re.IGNORECASE)
SENTENCE_OPEN = re.compile(r"[^.!?:;]$")
EDGE = 2  # lines at the top and at the bottom of a page where furniture is looked for
HEADING_RATIO = 1.08  # a heading's font is this much larger than the body text's, or more (LaTeX: 12pt and up over 10.9pt)
SIZE_SAMPLES = 5  # characters of a line whose font size is read
MAX_TITLE = 100  # characters; a longer line set large is a display paragraph, not a heading


# PDFium is not thread-safe, not even across documents (pypdfium2's documentation), and the app
# reads and draws PDFs from several sessions' threads: every use of it holds this lock.
PDFIUM = threading.RLock()

MONO_SAMPLE = 32  # characters of a line whose advances are read
MONO_MIN = 5  # advances needed to call a line monospaced (`> fm.mefp` has six)


@dataclass(frozen=True)
class Line:
    text: str  # cleaned
    size: float  # the font size most of its characters are set in (0 when unknown)
    mono: bool = False  # set in a fixed-pitch font: code, console input or output
    chars: range = range(0)  # its PDFium char indexes on the page: where its characters are drawn


def _monospaced(textpage: Any, pos: int, line: str) -> bool:
    """Whether a line is set in a fixed-pitch font: every advance between its first characters
    is a whole multiple of one width (prose fonts give each letter its own width).

    Read from the glyph positions, not the font: the R vignettes' LaTeX fonts carry no
    name or flags PDFium can read. On their pages code and R output lines show 2-3
    distinct advances, prose lines 12-20.
    """
    x, y = ctypes.c_double(), ctypes.c_double()
    xs = []
    for i, ch in enumerate(line[:MONO_SAMPLE]):
        if ch != " ":
            pdfium_c.FPDFText_GetCharOrigin(textpage.raw, pos + i, ctypes.byref(x), ctypes.byref(y))
            xs.append((i, x.value))
    steps = [(b - a) / (j - i) for (i, a), (j, b) in itertools.pairwise(xs) if b > a]
    if len(steps) < MONO_MIN:
        return False
    width = sorted(steps)[len(steps) // 2]
    return sum(abs(step - width) <= 0.03 * width for step in steps) >= 0.9 * len(steps)


def clean(text: str) -> str:
    """One line of PDFium's text with its marks cleaned (see the module's docstring)."""
    text = text.replace("\r", " ").replace("\n", " ")
    for code, letters in LIGATURES.items():
        text = text.replace(code, letters)
    return CONTROL.sub("", text)


def _chars(textpage: Any, start: int, length: int) -> range:
    """PDFium char indexes of the text's characters start..start+length-1 (the text leaves out a
    few chars, such as NULs, so text offsets and char indexes can drift apart on a page)."""
    if length <= 0:
        return range(0)
    first = pdfium_c.FPDFText_GetCharIndexFromTextIndex(textpage.raw, start)
    last = pdfium_c.FPDFText_GetCharIndexFromTextIndex(textpage.raw, start + length - 1)
    return range(first, last + 1) if 0 <= first <= last else range(0)


def _lines(textpage: Any) -> list[Line]:
    """A page's lines with the font size of each (PDFium counts one char per UTF-16 unit,
    generated line breaks included, so text offsets are char indexes)."""
    count = textpage.count_chars()
    text = textpage.get_text_range(0, count) if count else ""
    sized = len(text) == count
    out, pos = [], 0
    for line in text.split("\r\n"):
        letters = [i for i, ch in enumerate(line) if not ch.isspace()] if sized else []
        sample = letters[:: max(1, len(letters) // SIZE_SAMPLES)][:SIZE_SAMPLES]  # a size per char costs a call
        sizes = Counter(round(2 * pdfium_c.FPDFText_GetFontSize(textpage.raw, pos + i)) / 2 for i in sample)
        out.append(
            Line(
                clean(line),
                sizes.most_common(1)[0][0] if sizes else 0.0,
                sized and _monospaced(textpage, pos, line),
                _chars(textpage, pos, len(line)),
            )
        )
        pos += len(line) + 2
    return out


def raw_lines(data: bytes, path: str, max_chars: int = 0) -> list[list[Line]]:
    """PDFium's lines of every page, cleaned, furniture still in.

    Args:
        max_chars: when > 0, refuse once the pages counted so far hold more characters,
            before their text is copied out (a small file can hold a huge text).

    Read by a worker process within a time and memory limit (ingest/formats/pdf_worker.py).

    Raises:
        NoteError: encrypted with a password, not a PDF, damaged, too many pages or characters,
            too slow or too big to read (a PDF bomb).
    """
    lines: list[list[Line]] = pdf_worker.run(path, f"{__name__}:read_lines_here", data, path, max_chars, MAX_PAGES)
    return lines


def open_document(data: bytes, path: str) -> Any:
    """The PDF as a PDFium document (call under PDFIUM; the caller closes it).

    Raises:
        NoteError: encrypted with a password, or not a readable PDF.
    """
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        message = str(exc)
        if "password" in message.lower():
            raise NoteError(path, "is an encrypted PDF that needs a password; save a copy without the password and ingest that") from exc
        raise NoteError(path, f"is not a readable PDF ({message})") from exc


def read_lines_here(
    data: bytes, path: str, max_chars: int, max_pages: int, *, progress: Callable[[int], None] = lambda pages: None
) -> list[list[Line]]:
    """`raw_lines` in this process, with no limit of time or memory (the worker's part);
    `progress` is told the number of pages read after each one."""
    with PDFIUM:
        return _read_lines(data, path, max_chars, max_pages, progress)


def _read_lines(
    data: bytes, path: str, max_chars: int, max_pages: int, progress: Callable[[int], None]
) -> list[list[Line]]:
    pdf = open_document(data, path)
    try:
        if len(pdf) > max_pages:
            raise NoteError(path, f"has {len(pdf):,} pages, over the {max_pages:,}-page limit for a PDF")
        pages, chars = [], 0
        for index in range(len(pdf)):
            page = pdf[index]
            textpage = page.get_textpage()
            try:
                chars += textpage.count_chars()
                if 0 < max_chars < chars:
                    raise NoteError(path, f"has over {max_chars:,} characters of text, over the {max_chars:,}-byte limit (STUDYGRAPH_MAX_NOTE_BYTES)")
                pages.append(_lines(textpage))
                progress(len(pages))
            finally:
                textpage.close()
                page.close()
        return pages
    finally:
        pdf.close()


def raw_pages(data: bytes, path: str) -> list[str]:
    """PDFium's text of every page, cleaned, furniture still in, headings unmarked."""
    return ["\n".join(line.text for line in page) for page in raw_lines(data, path)]


def _key(line: str) -> str:
    """A line as it repeats from page to page: page numbers and case aside."""
    return re.sub(r"\d+", "#", line.strip().lower())


def _edges(lines: list[str]) -> list[str]:
    kept = [line for line in lines if line.strip()]
    return kept[:EDGE] + kept[-EDGE:] if len(kept) > 2 * EDGE else kept


def furniture(pages: list[list[str]]) -> set[str]:
    """Keys of the running headers and footers: top or bottom lines repeated on many pages."""
    counts = Counter(key for lines in pages for key in {_key(line) for line in _edges(lines)})
    floor = max(3, len(pages) // 4)
    return {key for key, n in counts.items() if n >= floor}


def heading_levels(pages: list[list[Line]]) -> dict[float, int]:
    """Font size -> heading level: sizes set well above the body text's, largest first.

    The body size is the one most characters are set in; a size counts as a
    heading size only when some line in it reads as a title (see `_titled`).
    """
    chars: Counter[float] = Counter()
    for page in pages:
        for line in page:
            chars[line.size] += len(line.text.strip())
    if not chars:
        return {}
    body = chars.most_common(1)[0][0]
    sizes = sorted({line.size for page in pages for line in page if line.size >= HEADING_RATIO * body and _titled(line.text)},
                   reverse=True)
    return {size: min(level, 6) for level, size in enumerate(sizes, 1)}


def _titled(text: str) -> bool:
    """A short line with words, not ending a sentence or a clause: a title's shape."""
    stripped = text.strip()
    return 3 <= len(stripped) <= MAX_TITLE and sum(ch.isalpha() for ch in stripped) >= 3 and stripped[-1] not in ".,;"


def kept(pages: list[list[Line]]) -> list[range]:
    """Each page's lines that citations count, as indexes into its PDFium lines: furniture
    out, blank edges trimmed. Line n of page p (1-based) is `pages[p - 1][kept(pages)[p - 1][n - 1]]`,
    which is how a cited line finds its characters on the page (ingest/formats/pdf_page.py)."""
    split = [[line.text for line in page] for page in pages]
    repeated = furniture(split)

    def is_furniture(line: str) -> bool:
        stripped = line.strip()
        return not stripped or _key(stripped) in repeated or bool(PAGE_NUMBER.match(stripped))

    out = []
    for lines in split:
        top, bottom = 0, len(lines)
        for _ in range(EDGE + 1):  # blank lines at the edges are trimmed too, beyond the edge lines
            while top < bottom and not lines[top].strip():
                top += 1
            if top < bottom and is_furniture(lines[top]):
                top += 1
        for _ in range(EDGE + 1):
            while bottom > top and not lines[bottom - 1].strip():
                bottom -= 1
            if bottom > top and is_furniture(lines[bottom - 1]):
                bottom -= 1
        out.append(range(top, bottom))
    return out


def page_lines(pages: list[list[Line]]) -> list[list[str]]:
    """Each page's lines as citations count them: the `kept` lines, those set in a
    heading size marked `#`, `##`, ... as Markdown, code indented."""
    levels = heading_levels(pages)
    out = []
    for page, lines in zip(pages, kept(pages)):
        kept_lines, previous = [], 0.0
        for line in page[lines.start : lines.stop]:
            # A title set on two lines is marked once: the second line reads on under it.
            heading = line.size in levels and _titled(line.text) and line.size != previous and not line.mono
            if heading:
                kept_lines.append("#" * levels[line.size] + " " + line.text.strip())
            else:
                kept_lines.append(CODE_INDENT + line.text.lstrip() if line.mono and line.text.strip() else line.text)
            previous = line.size if line.size in levels else 0.0
        out.append(kept_lines)
    return out


def read_pages(data: bytes, path: str, max_chars: int = 0) -> list[list[str]]:
    """Each page's lines as the note holds them (what a citation's lines count)."""
    return page_lines(raw_lines(data, path, max_chars))


def read_pdf(data: bytes, path: str, max_chars: int) -> Document:
    """A text PDF as note text, one unit per page with text.

    Raises:
        NoteError: encrypted, damaged, too many pages, or no text layer at all (a scan).
    """
    pages = read_pages(data, path, max_chars)
    lines: list[str] = []
    units: list[Unit] = []
    blank: list[int] = []
    size = 0
    for number, page in enumerate(pages, 1):
        if sum(len(line.strip()) for line in page) < MIN_PAGE_CHARS:
            blank.append(number)
            continue
        if lines and not (SENTENCE_OPEN.search(lines[-1].rstrip()) and page[0][:1].islower()):
            lines.append("")  # a new paragraph on the new page; else the sentence runs on overleaf
        units.append(Unit(number, len(lines) + 1, len(lines) + len(page)))
        lines.extend(page)
        size += sum(len(line) + 1 for line in page)
        if size > max_chars:
            raise NoteError(path, f"has over {max_chars:,} characters of text, over the {max_chars:,}-byte limit (STUDYGRAPH_MAX_NOTE_BYTES)")
    if not units:
        raise NoteError(path, f"has no text layer on any of its {len(pages)} page(s) (a scanned PDF?); "
                              "only PDFs with a text layer can be read (no OCR)")
    warnings: tuple[str, ...] = ()
    if blank:
        shown = ", ".join(str(n) for n in blank[:10]) + (", ..." if len(blank) > 10 else "")
        warnings = (f"{len(blank)} of {len(pages)} page(s) have no text layer (scanned or images only) and were left out: {shown}",)
    return Document("\n".join(lines), encode("page", units), warnings)
