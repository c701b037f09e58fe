"""The PDF page a citation stands on: found from the chunk's pages, drawn only from the very
file that was indexed, refused with the reason when the file is gone or changed."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from pdf_helpers import PAGES, layout, text_pdf

from studygraph.assistant.pdf_pages import CitedPage, cited_page, file_stamp, page_image
from studygraph.errors import NoteError
from studygraph.ingest.chunking import split_note
from studygraph.ingest.reading import read_note
from studygraph.ingest.units import place


@pytest.fixture
def paper(tmp_path: Path) -> Path:
    path = tmp_path / "paper.pdf"
    path.write_bytes(text_pdf(layout()))
    return path


def test_a_citation_finds_its_page_and_the_lines_on_it(paper: Path) -> None:
    note = read_note(paper, 1 << 20)
    lines = note.text.split("\n")
    start = lines.index(PAGES["Optimizers"][1]) + 1  # a line of the third page, 1-based in the note
    chunk = next(c for c in split_note(note) if c.start_line <= start <= c.end_line)

    cited = cited_page(str(paper), chunk.units, start, start + 1)
    assert cited == CitedPage(3, 3, 4)  # the title is line 1 of page 3
    assert place(chunk.units, start, start + 1) == {"page": 3, "start_line": 3, "end_line": 4}
    # Lines that run overleaf are shown to the end of their first page.
    end_of_page_1 = lines.index(PAGES["Attention"][-1]) + 1
    assert cited_page(str(paper), note.units, end_of_page_1 - 1, end_of_page_1 + 3) == CitedPage(1, 4, 5)
    assert cited_page("notes/a.md", "", 1, 2) is None
    assert cited_page(str(paper.with_suffix(".pptx")), note.units, start, start) is None  # slides are not drawn


def test_the_indexed_file_is_drawn_and_a_changed_or_gone_one_is_refused(paper: Path) -> None:
    sha256 = hashlib.sha256(paper.read_bytes()).hexdigest()
    image = page_image(str(paper), sha256, CitedPage(2, 2, 3))
    assert image.png.startswith(b"\x89PNG") and len(image.boxes) == 2 and image.page == 2
    stamp = file_stamp(str(paper))

    paper.write_bytes(text_pdf(layout({"Other": ["A different file now.", "Its lines are elsewhere."]})))
    assert file_stamp(str(paper)) != stamp
    with pytest.raises(NoteError, match=r"paper\.pdf: changed since it was indexed \(ingest it again\)$"):
        page_image(str(paper), sha256, CitedPage(2, 2, 3))

    paper.unlink()
    assert file_stamp(str(paper)) is None
    with pytest.raises(NoteError, match=r"paper\.pdf: is no longer in its folder$"):
        page_image(str(paper), sha256, CitedPage(2, 2, 3))
