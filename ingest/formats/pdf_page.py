"""A cited PDF page as an image, the cited lines highlighted.

A citation counts the lines of a page's text as the PDF reader made it (`pdf.read_pages`);
the box of line n is the union of the boxes of the PDFium characters that make that
line, found through the reader's own lines (`pdf.raw_lines` and `pdf.kept`), never by
reading lines again another way, so line n's box is where line n's words are. The page
is drawn by the PDF worker (ingest/formats/pdf_worker.py), within its time and memory
limits and one drawing at a time (Streamlit draws for several sessions at once, and
PDFium is not thread-safe); the line layout is kept here, per file content.

A hostile PDF can ask for a page of 200 x 200 inches: the scale is bounded
(`MAX_SCALE`) and shrunk until the bitmap fits a pixel budget (`MAX_PIXELS`).
"""

from __future__ import annotations

import ctypes
import hashlib
import io
import math
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from studygraph.errors import NoteError
from studygraph.ingest.formats import pdf, pdf_worker

MAX_SCALE = 3.0  # 216 dpi: more adds pixels, not legibility
MAX_PIXELS = 4_000_000  # a Letter page at scale 2 is 1.9 million
PAD = 2.0  # points around a line's characters, so the highlight does not touch the glyphs
HIGHLIGHT = (255, 200, 0, 96)  # translucent amber: the text under it stays legible
CONTEXT = 0.2  # of the page's height shown above and below the highlighted lines
LAYOUTS = 8  # PDFs whose line layout is kept in memory

_layouts: OrderedDict[str, list[list[range]]] = OrderedDict()
_lock = threading.Lock()


@dataclass(frozen=True)
class Box:
    """A rectangle in pixels of an image: left, top inclusive; right, bottom exclusive."""

    left: int
    top: int
    right: int
    bottom: int


@dataclass(frozen=True)
class PageImage:
    """A band of a rendered page around the highlighted lines, as PNG bytes."""

    png: bytes
    width: int
    height: int
    boxes: tuple[Box, ...]  # one per highlighted line with visible characters, in this image
    page: int
    first: int
    last: int
    scale: float


def fitted_scale(width: float, height: float, scale: float, max_pixels: int = MAX_PIXELS) -> float:
    """`scale`, bounded by MAX_SCALE and shrunk so a `width` x `height` point page fits `max_pixels`."""
    scale = min(max(scale, 0.0), MAX_SCALE)
    area = max(width, 1.0) * max(height, 1.0)
    return min(scale, math.sqrt(max_pixels / area))


def page_chars(data: bytes, path: str) -> list[list[range]]:
    """PDFium char indexes of each line of each page, lines as citations count them.

    Reading every page is needed (running headers are found across pages), so the result
    is kept per file content for the next citation of the same PDF.

    Raises:
        NoteError: the PDF cannot be read.
    """
    digest = hashlib.sha256(data).hexdigest()
    with _lock:
        if digest in _layouts:
            _layouts.move_to_end(digest)
            return _layouts[digest]
    pages = pdf.raw_lines(data, path)
    layout = [[page[i].chars for i in lines] for page, lines in zip(pages, pdf.kept(pages))]
    with _lock:
        _layouts[digest] = layout
        while len(_layouts) > LAYOUTS:
            _layouts.popitem(last=False)
    return layout


def _cited(data: bytes, path: str, page: int, first: int, last: int) -> list[range]:
    pages = page_chars(data, path)
    if not 1 <= page <= len(pages):
        raise NoteError(path, f"has no page {page} (it has {len(pages)})")
    lines = pages[page - 1]
    if not 1 <= first <= last <= len(lines):
        raise NoteError(path, f"has no lines {first}-{last} on page {page} (it has {len(lines)})")
    return lines[first - 1 : last]


def _line_box(textpage: Any, chars: range) -> tuple[float, float, float, float] | None:
    """Union of the boxes of a line's visible characters, in page points (left, bottom, right, top):
    spaces, PDFium's generated characters and the marks the reader drops (`pdf.clean`) left out."""
    boxes = []
    for index in chars:
        if pdfium_c.FPDFText_IsGenerated(textpage.raw, index) == 1:
            continue
        if not pdf.clean(chr(pdfium_c.FPDFText_GetUnicode(textpage.raw, index))).strip():
            continue
        left, bottom, right, top = textpage.get_charbox(index)
        if right > left and top > bottom:
            boxes.append((left, bottom, right, top))
    if not boxes:
        return None
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))


def _boxes(handle: Any, lines: list[range]) -> list[tuple[float, float, float, float] | None]:
    textpage = handle.get_textpage()
    try:
        return [_line_box(textpage, chars) for chars in lines]
    finally:
        textpage.close()


def line_boxes(data: bytes, path: str, page: int, first: int, last: int) -> list[tuple[float, float, float, float] | None]:
    """The box of each of lines `first`..`last` of `page` in page points (left, bottom, right, top);
    None for a line with no visible character (a blank line). Found by the PDF worker.

    Raises:
        NoteError: the PDF cannot be read, has no such page or lines, or was stopped (pdf_worker).
    """
    lines = _cited(data, path, page, first, last)
    boxes: list[tuple[float, float, float, float] | None] = pdf_worker.run(path, f"{__name__}:boxes_here", data, path, page, lines)
    return boxes


def boxes_here(data: bytes, path: str, page: int, lines: list[range], *, progress: Callable[[int], None]) -> list[Any]:
    """`line_boxes` of the char ranges `lines` in this process (the worker's part)."""
    with _opened_page(data, path, page) as handle:
        boxes = _boxes(handle, lines)
    progress(1)
    return boxes


@contextmanager
def _opened_page(data: bytes, path: str, page: int) -> Iterator[Any]:
    """Page `page` (1-based) of the PDF, held under the process-wide PDFium lock and closed,
    with its document, on the way out."""
    with pdf.PDFIUM:
        document = pdf.open_document(data, path)
        try:
            handle = document[page - 1]
            try:
                yield handle
            finally:
                handle.close()
        finally:
            document.close()


def _to_pixels(handle: Any, size: tuple[int, int], box: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
    """A page-point box as pixels of the page rendered at `size` (PDFium maps rotation and crop box)."""
    xs, ys = [], []
    dx, dy = ctypes.c_int(), ctypes.c_int()
    for x, y in ((box[0], box[1]), (box[2], box[3])):
        pdfium_c.FPDF_PageToDevice(handle.raw, 0, 0, size[0], size[1], 0, x, y, ctypes.byref(dx), ctypes.byref(dy))
        xs.append(dx.value)
        ys.append(dy.value)
    return min(xs), min(ys), max(xs), max(ys)


def render_lines(
    data: bytes, path: str, page: int, first: int, last: int, scale: float = 2.0, max_pixels: int = MAX_PIXELS
) -> PageImage:
    """Page `page` rendered with lines `first`..`last` highlighted, cut to a band around them.

    Args:
        scale: pixels per point wanted (2.0 is 144 dpi); bounded by MAX_SCALE and `max_pixels`.

    Raises:
        NoteError: the PDF cannot be read or rendered, has no such page or lines, or was
            stopped (too slow or too big to draw: ingest/formats/pdf_worker.py).
    """
    lines = _cited(data, path, page, first, last)
    image: PageImage = pdf_worker.run(path, f"{__name__}:render_here", data, path, page, first, last, lines, scale, max_pixels)
    return image


def render_here(
    data: bytes, path: str, page: int, first: int, last: int, lines: list[range], scale: float, max_pixels: int,
    *, progress: Callable[[int], None],
) -> PageImage:
    """`render_lines` of the char ranges `lines` in this process (the worker's part)."""
    from PIL import Image, ImageDraw

    with _opened_page(data, path, page) as handle:
        boxes = [b for b in _boxes(handle, lines) if b is not None]
        width, height = handle.get_size()
        scale = fitted_scale(width, height, scale, max_pixels)
        try:
            bitmap = handle.render(scale=scale)
        except (pdfium.PdfiumError, ValueError, MemoryError) as exc:
            raise NoteError(path, f"page {page} could not be rendered ({exc})") from exc
        try:
            image = bitmap.to_pil().convert("RGBA")  # a copy: the bitmap is freed under the lock
        finally:
            bitmap.close()
        pixels = [_to_pixels(handle, image.size, (b[0] - PAD, b[1] - PAD, b[2] + PAD, b[3] + PAD)) for b in boxes]
    overlay = Image.new("RGBA", image.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(overlay)
    drawn = []
    for left, top, right, bottom in pixels:
        box = Box(
            max(0, math.floor(left)),
            max(0, math.floor(top)),
            min(image.width, math.ceil(right)),
            min(image.height, math.ceil(bottom)),
        )
        if box.right > box.left and box.bottom > box.top:
            draw.rectangle((box.left, box.top, box.right - 1, box.bottom - 1), fill=HIGHLIGHT)
            drawn.append(box)
    image = Image.alpha_composite(image, overlay).convert("RGB")
    top, bottom = _band(drawn, image.height)
    image = image.crop((0, top, image.width, bottom))
    out = io.BytesIO()
    image.save(out, format="PNG")
    progress(1)
    return PageImage(
        out.getvalue(),
        image.width,
        image.height,
        tuple(Box(b.left, b.top - top, b.right, b.bottom - top) for b in drawn),
        page,
        first,
        last,
        scale,
    )


def _band(boxes: list[Box], height: int) -> tuple[int, int]:
    """Rows to keep: the highlighted lines with CONTEXT of the page above and below; the whole
    page when nothing is highlighted."""
    if not boxes:
        return 0, height
    margin = round(CONTEXT * height)
    return max(0, min(b.top for b in boxes) - margin), min(height, max(b.bottom for b in boxes) + margin)
