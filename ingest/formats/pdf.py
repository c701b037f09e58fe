"""Text PDFs (papers, slides, textbooks) as note text, one unit per page.

Extractor: pypdfium2 (PDFium; Apache-2.0/BSD-3-Clause), chosen over pypdf
(BSD-3-Clause) by measurement on ten LaTeX-made R vignettes from Debian, scored
against their own .Rnw sources (benchmarks/sources_extractors.py): share of
extracted words found in the source 0.936 against 0.919, adjacent word pairs
found adjacent in the source (reading order) higher on 9 of 10 files, as few
glued words (0.30 per 1,000 both), and 0.52 s/MB against 6.84 s/MB.
PyMuPDF is AGPL and pdfplumber's default text drops spaces on LaTeX PDFs.

What a page's text is: PDFium's text of the page, line for line, with
- running headers and footers (a first or last line repeated, digits aside, on
  at least a quarter of the pages and three of them) and bare page numbers left
  out, so they are never quoted as sentences;
- PDFium's marks cleaned: U+FFFE (a hyphen it removed when joining a broken
  word) dropped, the T1-encoding ligature codes of LaTeX fonts (0x1B-0x1F) read
  as ff, fi, fl, ffi, ffl, other control characters dropped.
Citations count the lines of that text (units: "page"). Pages follow each other
in the note's text with a blank line between them, except when a sentence runs
on overleaf (no closing punctuation, next page starts in lower case): then the
paragraph continues and a chunk may cross the break, as the issue asks.
"""

from __future__ import annotations

import re
from collections import Counter

import pypdfium2 as pdfium

from studygraph.errors import NoteError
from studygraph.ingest.formats import Document
from studygraph.ingest.units import Unit, encode

MAX_PAGES = 3000  # a textbook is under 1,500; more is a generated file or a bomb
MIN_PAGE_CHARS = 3  # fewer non-space characters: the page has no text layer
LIGATURES = {"\x1b": "ff", "\x1c": "fi", "\x1d": "fl", "\x1e": "ffi", "\x1f": "ffl"}
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1a\x7f\ufffe\uffff]")
PAGE_NUMBER = re.compile(r"^(?:page\s+)?(?:\d{1,4}|[ivxlc]{1,7})(?:\s*(?:/|of)\s*\d{1,4})?$", re.IGNORECASE)
SENTENCE_OPEN = re.compile(r"[^.!?:;]$")
EDGE = 2  # lines at the top and at the bottom of a page where furniture is looked for


def clean(text: str) -> str:
    """PDFium's page text with its marks cleaned (see the module's docstring); \\n line ends."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    for code, letters in LIGATURES.items():
        text = text.replace(code, letters)
    return CONTROL.sub("", text)


def raw_pages(data: bytes, path: str) -> list[str]:
    """PDFium's text of every page, cleaned, furniture still in.

    Raises:
        NoteError: encrypted with a password, not a PDF, damaged, or too many pages.
    """
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        message = str(exc)
        if "password" in message.lower():
            raise NoteError(path, "is an encrypted PDF that needs a password; save a copy without the password and ingest that") from exc
        raise NoteError(path, f"is not a readable PDF ({message})") from exc
    try:
        if len(pdf) > MAX_PAGES:
            raise NoteError(path, f"has {len(pdf):,} pages, over the {MAX_PAGES:,}-page limit for a PDF")
        pages = []
        for index in range(len(pdf)):
            page = pdf[index]
            textpage = page.get_textpage()
            try:
                pages.append(clean(textpage.get_text_range()))
            finally:
                textpage.close()
                page.close()
        return pages
    finally:
        pdf.close()


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


def page_lines(pages: list[str]) -> list[list[str]]:
    """Each page's lines as citations count them: furniture out, blank edges trimmed."""
    split = [page.split("\n") for page in pages]
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
        out.append(lines[top:bottom])
    return out


def read_pdf(data: bytes, path: str, max_chars: int) -> Document:
    """A text PDF as note text, one unit per page with text.

    Raises:
        NoteError: encrypted, damaged, too many pages, or no text layer at all (a scan).
    """
    pages = page_lines(raw_pages(data, path))
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
