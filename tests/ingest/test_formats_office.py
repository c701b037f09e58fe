"""Word and PowerPoint files made with python-docx and python-pptx, read back as notes."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import docx
import pptx
import pytest
from pptx.util import Inches

from studygraph.errors import NoteError
from studygraph.ingest.chunking import split_note
from studygraph.ingest.formats.office import check_zip
from studygraph.ingest.reading import Skipped, read_note
from studygraph.ingest.spans import split_spans
from studygraph.ingest.units import decode, place

LIMIT = 20 * 1024 * 1024


def word(path: Path) -> Path:
    document = docx.Document()
    document.add_heading("Photosynthesis", 0)
    document.add_heading("Light reactions", level=1)
    document.add_paragraph("The light reactions take place in the thylakoid membranes. They make ATP and NADPH.")
    document.add_paragraph("Water is split", style="List Bullet")
    document.add_paragraph("Oxygen is released", style="List Bullet")
    document.add_paragraph("by photolysis", style="List Bullet 2")
    table = document.add_table(rows=2, cols=2)
    for (r, c), text in {(0, 0): "Stage", (0, 1): "Place", (1, 0): "Calvin cycle", (1, 1): "Stroma"}.items():
        table.cell(r, c).text = text
    document.add_heading("Calvin cycle", level=1)
    document.add_paragraph("The Calvin cycle fixes carbon dioxide into sugars.")
    document.save(str(path))
    return path


def deck(path: Path) -> Path:
    presentation = pptx.Presentation()
    first = presentation.slides.add_slide(presentation.slide_layouts[1])
    first.shapes.title.text = "Cell respiration"
    frame = first.placeholders[1].text_frame
    frame.text = "Glycolysis happens in the cytoplasm."
    item = frame.add_paragraph()
    item.text, item.level = "It yields two ATP per glucose.", 1
    first.notes_slide.notes_text_frame.text = "Remind students that glycolysis needs no oxygen."
    second = presentation.slides.add_slide(presentation.slide_layouts[5])
    second.shapes.title.text = "Krebs cycle"
    box = second.shapes.add_textbox(Inches(1), Inches(2), Inches(5), Inches(1))
    box.text_frame.text = "The Krebs cycle runs in the mitochondrial matrix."
    third = presentation.slides.add_slide(presentation.slide_layouts[6])
    box = third.shapes.add_textbox(Inches(1), Inches(2), Inches(5), Inches(1))
    box.text_frame.text = "A slide without a title."
    presentation.save(str(path))
    return path


def test_word_headings_lists_and_tables_become_sections_items_and_rows(tmp_path: Path) -> None:
    note = read_note(word(tmp_path / "bio.docx"), LIMIT)
    assert note.units == ""  # cited by lines of the text, as a Markdown note
    assert note.lines[:3] == ["# Photosynthesis", "", "## Light reactions"]
    spans = {s.text: (c, s) for c in split_note(note) for s in split_spans(c)}

    chunk, sentence = spans["They make ATP and NADPH."]
    assert chunk.heading == "Photosynthesis > Light reactions" and sentence.kind == "sentence"
    assert spans["Water is split"][1].kind == "item"
    assert spans["by photolysis"][1].kind == "item"
    assert note.lines[spans["by photolysis"][1].start_line - 1] == "  - by photolysis"
    row = next(s for t, (_, s) in spans.items() if "Calvin cycle" in t and s.kind == "row")
    assert note.lines[row.start_line - 1] == "| Calvin cycle | Stroma |"
    assert spans["The Calvin cycle fixes carbon dioxide into sugars."][0].heading == "Photosynthesis > Calvin cycle"


def test_word_code_in_a_fixed_pitch_font_or_a_code_style_is_code_not_prose(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_heading("Fitting a model", level=1)
    document.add_paragraph("We fit a linear model and read its summary.")
    for text, font in (("fit <- lm(y ~ x, data = d)", "Courier New"), ("summary(fit)", "Consolas")):
        document.add_paragraph().add_run(text).font.name = font
    mixed = document.add_paragraph("The function ")
    mixed.add_run("lm()").font.name = "Courier New"
    mixed.add_run(" fits the model by least squares.")
    document.styles.add_style("Source Code", docx.enum.style.WD_STYLE_TYPE.PARAGRAPH)
    document.add_paragraph("plot(fit)", style="Source Code")
    document.save(str(tmp_path / "model.docx"))
    note = read_note(tmp_path / "model.docx", LIMIT)
    assert note.lines[4:8] == ["```", "fit <- lm(y ~ x, data = d)", "summary(fit)", "```"]  # one block
    spans = {s.text: s.kind for c in split_note(note) for s in split_spans(c)}
    assert spans["We fit a linear model and read its summary."] == "sentence"
    assert spans["The function lm() fits the model by least squares."] == "sentence"  # a name in code font is prose
    assert spans["fit <- lm(y ~ x, data = d)"] == spans["plot(fit)"] == "code"


def test_slide_lines_in_a_fixed_pitch_font_are_code(tmp_path: Path) -> None:
    presentation = pptx.Presentation()
    slide = presentation.slides.add_slide(presentation.slide_layouts[5])
    slide.shapes.title.text = "Fitting"
    frame = slide.shapes.add_textbox(Inches(1), Inches(2), Inches(6), Inches(3)).text_frame
    lines = ["We fit a linear model.", "fit <- lm(y ~ x)", "summary(fit)", "The summary shows the slope."]
    for i, text in enumerate(lines):
        paragraph = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        paragraph.text = text
        if "(" in text:
            paragraph.runs[0].font.name = "Courier New"
    presentation.save(str(tmp_path / "fit.pptx"))
    note = read_note(tmp_path / "fit.pptx", LIMIT)
    assert note.lines[2:9] == ["We fit a linear model.", "", "```", "fit <- lm(y ~ x)", "summary(fit)", "```", ""]
    spans = {s.text: s.kind for c in split_note(note) for s in split_spans(c)}
    assert spans["We fit a linear model."] == spans["The summary shows the slope."] == "sentence"
    assert spans["fit <- lm(y ~ x)"] == "code"


def test_slides_are_pages_with_their_titles_as_headings_and_notes_kept(tmp_path: Path) -> None:
    note = read_note(deck(tmp_path / "cells.pptx"), LIMIT)
    kind, units = decode(note.units)
    assert kind == "page" and [u.number for u in units] == [1, 2, 3]
    spans = {s.text: (c, s) for c in split_note(note) for s in split_spans(c)}

    chunk, notes = spans["Remind students that glycolysis needs no oxygen."]
    assert chunk.heading.startswith("Cell respiration")
    assert place(chunk.units, notes.start_line, notes.end_line)["page"] == 1
    chunk, krebs = spans["The Krebs cycle runs in the mitochondrial matrix."]
    assert chunk.heading == "Krebs cycle"
    assert place(chunk.units, krebs.start_line, krebs.end_line) == {"page": 2, "start_line": 3, "end_line": 3}
    chunk, _untitled = spans["A slide without a title."]
    assert chunk.heading == "Slide 3"  # never the previous slide's title
    assert spans["It yields two ATP per glucose."][1].kind == "item"
    # Each slide its own chunk: a chunk never runs onto the next slide.
    assert all(len(decode(c.units)[1]) == 1 for c in split_note(note))


def with_member(source: Path, name: str, size: int) -> bytes:
    """`source`'s zip with one more member of `size` zero bytes, packed as well as deflate can."""
    buffer = io.BytesIO(source.read_bytes())
    with zipfile.ZipFile(buffer, "a", compression=zipfile.ZIP_DEFLATED) as archive, archive.open(name, "w") as member:
        block = b"\0" * (1 << 20)
        for _ in range(size >> 20):
            member.write(block)
    return buffer.getvalue()


def test_zip_bombs_are_refused_before_they_are_unpacked(tmp_path: Path) -> None:
    source = word(tmp_path / "source.docx")
    bomb = tmp_path / "bomb.docx"
    bomb.write_bytes(with_member(source, "word/media/zeros.bin", 64 << 20))
    assert bomb.stat().st_size < 1 << 20

    with pytest.raises(NoteError) as raised:
        read_note(bomb, LIMIT)
    assert raised.value.reason.startswith("has word/media/zeros.bin packed ")
    assert raised.value.reason.endswith(" to 1 (a zip bomb?); refused")
    assert Skipped(str(bomb), raised.value.reason).kind == "too large"
    # Unpacked size is weighed against the note limit: a small limit refuses even this real document.
    with pytest.raises(NoteError, match=r"unpacks to [\d,]+ bytes, over 20,000 \(a zip bomb\?\); refused"):
        check_zip(source.read_bytes(), str(source), ".docx", 1_000)


@pytest.mark.parametrize(("name", "data", "reason"), [
    ("fake.docx", b"PK\x03\x04 not really a zip", "is not a readable .docx file (not a zip archive: "),
    ("fake.pptx", b"%PDF-1.4", "is not a readable .pptx file (not a zip archive: "),
])
def test_a_file_that_is_not_what_its_name_says_is_refused(tmp_path: Path, name: str, data: bytes, reason: str) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(NoteError) as raised:
        read_note(path, LIMIT)
    assert raised.value.reason.startswith(reason)
    assert Skipped(str(path), raised.value.reason).kind == "damaged"


def test_a_zip_that_is_no_word_document_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "archive.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("hello.txt", "hello")
    with pytest.raises(NoteError, match=r"is not a readable \.docx file \("):
        read_note(path, LIMIT)
