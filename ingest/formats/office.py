"""Word (.docx, python-docx) and PowerPoint (.pptx, python-pptx) as Markdown-shaped note text.

Word: headings ("Heading n", "Title" styles) become `#` headings, list
paragraphs `- ` items (indented by level), tables `| a | b |` rows, code
(`_is_code`: a code or preformatted style, or every character in a fixed-pitch
font) a fenced block, other paragraphs text with a blank line between them; the
document's order is kept. Code read as prose had answers quote `fit <- lm(y ~ x)`
as a sentence, as the PDF reader's monospaced lines had before it marked them.
A .docx has no pages of its own, so citations count lines of this text.

PowerPoint: one unit per slide (cited as "page", as the issue's JSON asks):
the slide's title as a `#` heading ("Slide n" when it has none, so a slide
never borrows the previous one's), its text boxes top to bottom and left to
right (body text as `- ` items by level), tables as rows, then the speaker
notes under `## Speaker notes`. Slides are separated by a blank line.

Both are zip files: one that unpacks to far more than a note may hold, or has
members packed past any real document's ratio, is refused before it is opened.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from studygraph.errors import NoteError
from studygraph.ingest.formats import Document
from studygraph.ingest.note import split_lines
from studygraph.ingest.units import Unit, encode

# Word's and pandoc's styles for code ("Source Code", "HTML Preformatted", "Plain Text", "Macro
# Text", "Verbatim Char", "HTML Code") and fixed-pitch font families (Courier New, Consolas,
# Menlo, Monaco, Lucida Console, any "... Mono" or "... Code").
CODE_STYLE = re.compile(r"\bcode\b|preformatted|verbatim|plain text|macro text", re.IGNORECASE)
FIXED_PITCH = re.compile(r"mono|\bcode\b|courier|consol|menlo|monaco|inconsolata|typewriter|\bhack\b", re.IGNORECASE)
FENCE = "```"  # consecutive code paragraphs, one fenced block
MAX_MEMBERS = 10_000
MAX_RATIO = 200  # XML packs 10-30x; a member packed past 200x and over a megabyte is a bomb
UNPACKED_PER_CHAR = 20  # unpacked bytes allowed per character of the note limit (images, styles, themes)


def check_zip(data: bytes, path: str, kind: str, max_chars: int) -> None:
    """Refuse what is not a zip, or unpacks to a bomb, before any library inflates it.

    Raises:
        NoteError: not a zip archive, too many members, too much unpacked, or a member packed too well.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError) as exc:
        raise NoteError(path, f"is not a readable {kind} file (not a zip archive: {exc})") from exc
    with archive:
        members = archive.infolist()
        if len(members) > MAX_MEMBERS:
            raise NoteError(path, f"holds {len(members):,} files, more than {MAX_MEMBERS:,} (a zip bomb?); refused")
        unpacked = sum(m.file_size for m in members)
        limit = UNPACKED_PER_CHAR * max_chars
        if unpacked > limit:
            raise NoteError(path, f"unpacks to {unpacked:,} bytes, over {limit:,} (a zip bomb?); refused")
        for m in members:
            if m.file_size > 1 << 20 and m.file_size > MAX_RATIO * max(1, m.compress_size):
                raise NoteError(path, f"has {m.filename} packed {m.file_size // max(1, m.compress_size):,} to 1 (a zip bomb?); refused")


def _open(opener: Any, data: bytes, path: str, kind: str, max_chars: int) -> Any:
    """What `opener` (docx.Document, pptx.Presentation) reads from `data`, once `check_zip` let it through.

    Raises:
        NoteError: not a `kind` file, damaged, or a zip bomb.
    """
    check_zip(data, path, kind, max_chars)
    try:
        return opener(io.BytesIO(data))
    except Exception as exc:  # KeyError, ValueError, BadZipFile, lxml's and the libraries' own: no shared base
        raise NoteError(path, f"is not a readable {kind} file ({type(exc).__name__}: {str(exc)[:120]})") from exc


def _cells(cells: Iterable[str]) -> list[str]:
    shown: list[str] = []
    for text in cells:
        text = " ".join(text.split())
        if not shown or text != shown[-1]:  # a merged cell repeats its text in each cell it spans
            shown.append(text)
    return shown


def _table(rows: list[list[str]]) -> list[str]:
    """Markdown table rows, the first row as the header."""
    shown = [_cells(row) for row in rows]
    if not shown:
        return []
    lines = ["| " + " | ".join(shown[0]) + " |", "| " + " | ".join("---" for _ in shown[0]) + " |"]
    return lines + ["| " + " | ".join(row) + " |" for row in shown[1:]]


def _docx_blocks(document: Any) -> Iterator[tuple[str, list[str]]]:
    """(kind, lines) in document order: kind is "heading", "item", "text" or "table"."""
    from docx.table import Table

    for block in document.iter_inner_content():
        if isinstance(block, Table):
            yield "table", _table([[cell.text for cell in row.cells] for row in block.rows])
            continue
        text = block.text
        if not text.strip():
            continue
        style = (block.style.name if block.style is not None else "") or ""
        ppr = block._p.pPr
        numbered = ppr is not None and ppr.numPr is not None
        last = style.split()[-1] if style.split() else ""
        if style == "Title" or style.startswith("Heading"):
            level = int(last) + 1 if last.isdigit() else 1  # the Title above "Heading 1"
            yield "heading", ["#" * min(level, 6) + " " + " ".join(text.split())]
        elif _is_code(block, style):
            yield "code", split_lines(text)
        elif numbered or style.startswith("List"):
            if numbered and ppr.numPr.ilvl is not None:
                level = int(ppr.numPr.ilvl.val)
            else:
                level = int(last) - 1 if last.isdigit() else 0  # "List Bullet 2" is the second level
            first, *rest = split_lines(text)
            yield "item", ["  " * int(level) + "- " + first] + ["  " * (int(level) + 1) + r for r in rest]
        else:
            yield "text", split_lines(text)


def _is_code(paragraph: Any, style: str) -> bool:
    """A paragraph of code: a code paragraph style, every run with text in a code character
    style, or every such run in a fixed-pitch font (the run's own, else its paragraph style's)."""
    if CODE_STYLE.search(style):
        return True
    runs = [run for run in paragraph.runs if run.text.strip()]
    inherited = paragraph.style.font.name if paragraph.style is not None else None
    styled = bool(runs) and all(CODE_STYLE.search(run.style.name if run.style is not None else "") for run in runs)
    return styled or _fixed_pitch(runs, inherited)


def read_docx(data: bytes, path: str, max_chars: int) -> Document:
    """A Word document as Markdown-shaped text (no units: a .docx has no pages of its own).

    Raises:
        NoteError: not a .docx, damaged, or a zip bomb.
    """
    import docx

    document = _open(docx.Document, data, path, ".docx", max_chars)
    lines: list[str] = []
    previous = ""
    for kind, block in _docx_blocks(document):
        if previous == "code" and kind != "code":
            lines.append(FENCE)
        if lines and not (kind == previous and kind in ("item", "code")):
            lines.append("")
        if kind == "code" and previous != "code":
            lines.append(FENCE)
        lines.extend(block)
        previous = kind
    if previous == "code":
        lines.append(FENCE)
    return Document("\n".join(lines))


def _shape_lines(shape: Any, body: bool) -> list[str]:
    """A shape's text: paragraphs (as `- ` items by level in a body placeholder), table rows, groups' shapes."""
    if getattr(shape, "has_table", False) and shape.has_table:
        return _table([[cell.text for cell in row.cells] for row in shape.table.rows])
    if shape.shape_type is not None and int(shape.shape_type) == 6:  # MSO_SHAPE_TYPE.GROUP
        return [line for inner in _ordered(shape.shapes) for line in _shape_lines(inner, body)]
    if not getattr(shape, "has_text_frame", False) or not shape.has_text_frame:
        return []
    out: list[str] = []
    code: list[str] = []
    for paragraph in shape.text_frame.paragraphs:
        text = " ".join(paragraph.text.split("\v"))
        if not text.strip():
            continue
        if _fixed_pitch(paragraph.runs):
            code.extend(split_lines(text))
            continue
        if code:
            out += [*_fenced(code, bool(out)), ""]
            code = []
        if body or paragraph.level:
            out.append("  " * paragraph.level + "- " + text.strip())
        else:
            out.extend(split_lines(text))
    return out + (_fenced(code, bool(out)) if code else [])


def _fixed_pitch(runs: Sequence[Any], inherited: str | None = None) -> bool:
    """Every run with text set in a fixed-pitch font (its own, else `inherited`): code."""
    runs = [run for run in runs if run.text.strip()]
    return bool(runs) and all(FIXED_PITCH.search(run.font.name or inherited or "") for run in runs)


def _fenced(code: list[str], after: bool) -> list[str]:
    """Code lines as a fenced block, set apart from the lines before and after it."""
    return [*([""] if after else []), FENCE, *code, FENCE]


def _ordered(shapes: Iterable[Any]) -> list[Any]:
    """Reading order on a slide: top to bottom, then left to right."""
    return sorted(shapes, key=lambda s: (s.top or 0, s.left or 0))


def _slide_lines(number: int, slide: Any) -> list[str]:
    title_shape = slide.shapes.title
    title = " ".join(title_shape.text_frame.text.split()) if title_shape is not None and title_shape.has_text_frame else ""
    lines = [f"# {title or f'Slide {number}'}"]
    for shape in _ordered(slide.shapes):
        if title_shape is not None and shape.shape_id == title_shape.shape_id:
            continue
        body = bool(shape.is_placeholder and int(shape.placeholder_format.type) in (2, 7))  # BODY, OBJECT
        block = _shape_lines(shape, body)
        if block:
            lines += ["", *block]
    if slide.has_notes_slide:
        notes = slide.notes_slide.notes_text_frame
        text = notes.text if notes is not None else ""
        if text.strip():
            lines += ["", "## Speaker notes", "", *split_lines(text.strip())]
    return lines


def read_pptx(data: bytes, path: str, max_chars: int) -> Document:
    """A PowerPoint deck as Markdown-shaped text, one unit ("page") per slide.

    Raises:
        NoteError: not a .pptx, damaged, or a zip bomb.
    """
    import pptx

    deck = _open(pptx.Presentation, data, path, ".pptx", max_chars)
    lines: list[str] = []
    units: list[Unit] = []
    for number, slide in enumerate(deck.slides, 1):
        block = _slide_lines(number, slide)
        if lines:
            lines.append("")
        units.append(Unit(number, len(lines) + 1, len(lines) + len(block)))
        lines.extend(block)
    return Document("\n".join(lines), encode("page", units))
