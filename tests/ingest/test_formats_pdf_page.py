"""A cited PDF page drawn with its cited lines highlighted: each line's box is where that
line's words are set (a PDF made here, each line's place known; and the real LaTeX
vignettes, every line of every page), and the image is tinted inside the boxes only."""

from __future__ import annotations

import importlib.util
import io
import re
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from pdf_helpers import LEADING, LEFT, PAGES, TITLE_Y, Placed, content_pdf, layout, text_pdf
from PIL import Image

from studygraph.errors import NoteError
from studygraph.ingest.formats import pdf as pdf_format
from studygraph.ingest.formats import pdf_page, pdf_worker
from studygraph.ingest.formats.pdf_page import MAX_PIXELS, line_boxes, render_lines

ROOT = Path(__file__).resolve().parents[2]
WIDTH, HEIGHT = 612.0, 792.0


@pytest.fixture(scope="session")
def vignettes() -> dict[str, Path]:
    """The R vignettes Debian ships (fetched once per machine with apt-get download, never committed)."""
    spec = importlib.util.spec_from_file_location("sources_fetch", ROOT / "benchmarks" / "sources_fetch.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return {p.name: p for p in module.fetch()}


@pytest.fixture(scope="module")
def notes_pdf() -> bytes:
    return text_pdf(layout())


def test_each_cited_line_has_its_box_where_the_line_was_set(notes_pdf: bytes) -> None:
    pages = pdf_format.read_pages(notes_pdf, "notes.pdf")
    # The running header and the page number are left out: line 1 is the title, not the header.
    assert pages[1] == ["# Tokenizers", *PAGES["Tokenizers"]]
    placed = layout()[1][1:-1]  # the title and the body lines, as set on page 2
    boxes = line_boxes(notes_pdf, "notes.pdf", 2, 1, len(pages[1]))

    assert len(boxes) == len(placed) == 5
    for line, box in zip(placed, boxes):
        assert box is not None
        left, bottom, right, top = box
        assert 0 <= left < right <= WIDTH and 0 <= bottom < top <= HEIGHT
        assert left - 1 <= line.x <= left + 1  # starts where the line starts
        assert line.y - 0.3 * line.size <= bottom <= line.y + 0.5 <= top <= line.y + line.size  # on its baseline
    tops = [box[3] for box in boxes if box]
    assert tops == sorted(tops, reverse=True)  # line k+1 is below line k
    assert boxes[0][3] == pytest.approx(TITLE_Y + 11.7, abs=1.5)  # the 16 pt title's capitals
    assert all(box[3] < 740 for box in boxes if box)  # nowhere near the header at y = 750
    # A line longer in text is wider on the page.
    widths = {text: box[2] - box[0] for text, box in zip(pages[1], boxes) if box}
    assert widths[PAGES["Tokenizers"][1]] > widths[PAGES["Tokenizers"][0]]


def test_a_line_range_beyond_the_page_is_refused(notes_pdf: bytes) -> None:
    with pytest.raises(NoteError, match=r"has no lines 5-6 on page 3 \(it has 5\)"):
        line_boxes(notes_pdf, "notes.pdf", 3, 5, 6)
    with pytest.raises(NoteError, match=r"has no page 4 \(it has 3\)"):
        line_boxes(notes_pdf, "notes.pdf", 4, 1, 1)


def tinted(pixel: tuple[int, int, int]) -> bool:
    """The highlight's amber over white paper or black ink (the page itself is grey)."""
    red, _, blue = pixel
    return red - blue > 60


def test_the_rendered_page_is_tinted_inside_the_cited_lines_only(notes_pdf: bytes) -> None:
    image = render_lines(notes_pdf, "notes.pdf", 2, 3, 4, scale=2.0)
    png = Image.open(io.BytesIO(image.png)).convert("RGB")
    assert image.png.startswith(b"\x89PNG") and png.size == (image.width, image.height)
    assert image.scale == 2.0 and image.width == round(WIDTH * 2)
    assert len(image.boxes) == 2

    def inside(x: int, y: int) -> bool:
        return any(b.left <= x < b.right and b.top <= y < b.bottom for b in image.boxes)

    pixels = png.load()
    inner = [tinted(pixels[x, y]) for y in range(png.height) for x in range(png.width) if inside(x, y)]
    outer = [tinted(pixels[x, y]) for y in range(png.height) for x in range(png.width) if not inside(x, y)]
    assert inner and all(inner)
    assert outer and not any(outer)
    # The boxes stand on the lines' baselines (2 px per point, the band starting above them).
    first, second = image.boxes
    assert second.top > first.top and second.top - first.top == pytest.approx(2 * LEADING, abs=2)
    assert first.left == pytest.approx(2 * (LEFT - pdf_page.PAD), abs=2)
    assert image.height < round(HEIGHT * 2)  # cut to a band around the lines, with some page above and below
    assert first.top > 100 and image.height - second.bottom > 100


def test_a_huge_page_is_drawn_within_the_pixel_budget() -> None:
    side = 14_400.0  # 200 inches, PDF's largest page
    lines = [
        Placed(LEFT, side - 200 - 40 * i, 30, f"Line {word} of a page of two hundred inches.")
        for i, word in enumerate(("one", "two", "three"))
    ]
    image = render_lines(text_pdf([lines], size=(side, side)), "huge.pdf", 1, 2, 2, scale=3.0)
    assert image.scale == pytest.approx((MAX_PIXELS / side**2) ** 0.5)
    assert image.width * image.width <= MAX_PIXELS  # the whole page fitted the budget before the cut
    assert len(image.boxes) == 1


def test_a_damaged_pdf_is_refused_not_drawn() -> None:
    with pytest.raises(NoteError, match="is not a readable PDF"):
        render_lines(b"%PDF-1.7\n", "broken.pdf", 1, 1, 1)


def test_a_page_built_to_be_slow_to_draw_is_stopped_and_the_next_page_drawn(
    notes_pdf: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    """7 KB: one line of text, read at once, under 100,000 page-sized triangles (over 10 s to draw here)."""
    slow = content_pdf(b"BT /F1 12 Tf 72 720 Td (Hello world) Tj ET " + b"0 0 m 612 792 l 0 792 l f " * 100_000)
    assert len(slow) < 10_000
    assert pdf_format.read_pages(slow, "slow.pdf") == [["Hello world"]]
    monkeypatch.setattr(pdf_worker, "PAGE_SECONDS", 1.0)
    with pytest.raises(NoteError, match="took over 1 s on one page and was stopped"):
        render_lines(slow, "slow.pdf", 1, 1, 1)
    assert render_lines(notes_pdf, "notes.pdf", 1, 1, 1).boxes  # a new worker draws the next page


def test_on_real_latex_pdfs_each_lines_box_holds_that_lines_words(vignettes: dict[str, Path]) -> None:
    """Every non-blank line of every page of three vignettes: the text PDFium finds in the
    line's box holds the line (formulas, overfull lines, pages where PDFium's text skips a char)."""
    for name in ("sandwich.pdf", "sandwich-OOP.pdf", "strucchange-intro.pdf"):
        data = vignettes[name].read_bytes()
        document = pdfium.PdfDocument(data)
        for number, lines in enumerate(pdf_format.read_pages(data, name), 1):
            if not lines:
                continue
            textpage = document[number - 1].get_textpage()
            for line, box in zip(lines, line_boxes(data, name, number, 1, len(lines))):
                if not line.strip():
                    assert box is None
                    continue
                assert box is not None, (name, number, line)
                found = pdf_format.clean(textpage.get_text_bounded(box[0] - 0.5, box[1] - 0.5, box[2] + 0.5, box[3] + 0.5))
                words = line.lstrip("#").strip()
                assert re.sub(r"\s", "", words) in re.sub(r"\s", "", found), (name, number, words)
        document.close()


def test_the_layout_of_a_pdf_is_read_once_per_content(notes_pdf: bytes, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []
    real = pdf_format.raw_lines
    monkeypatch.setattr(pdf_format, "raw_lines", lambda *a, **k: calls.append(1) or real(*a, **k))
    pdf_page._layouts.clear()
    render_lines(notes_pdf, "notes.pdf", 1, 1, 1)
    render_lines(notes_pdf, "notes.pdf", 3, 2, 4)
    assert len(calls) == 1


def test_sessions_drawing_at_once_get_the_pages_one_alone_gets(notes_pdf: bytes) -> None:
    """Streamlit serves each session from its own thread, and PDFium is not thread-safe."""
    from concurrent.futures import ThreadPoolExecutor

    jobs = [(page, line) for page in (1, 2, 3) for line in (1, 2, 3, 4)] * 2
    alone = {job: render_lines(notes_pdf, "notes.pdf", job[0], job[1], job[1]).png for job in set(jobs)}
    with ThreadPoolExecutor(4) as pool:
        drawn = list(pool.map(lambda job: (job, render_lines(notes_pdf, "notes.pdf", job[0], job[1], job[1]).png), jobs))
    assert all(png == alone[job] for job, png in drawn)
