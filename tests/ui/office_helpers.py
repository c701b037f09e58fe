"""A notebook, a Word document and a slide deck made in the test (nbformat, python-docx,
python-pptx), each answering one question from a known cell, paragraph or slide."""

from __future__ import annotations

from pathlib import Path

# The answer of each file stands in cell 3, in the document's body, and on slide 2.
NOTEBOOK_QUESTION = "How does merge sort combine the halves?"
NOTEBOOK_ANSWER = "merges the two sorted halves back in linear time"
DOCX_QUESTION = "Where does oceanic crust sink beneath continental crust?"
DOCX_ANSWER = "at a subduction zone"
DECK_QUESTION = "Where does the Krebs cycle run?"
DECK_ANSWER = "runs in the mitochondrial matrix"


def notebook(path: Path) -> Path:
    import nbformat

    book = nbformat.v4.new_notebook()
    book.cells = [
        nbformat.v4.new_markdown_cell("# Sorting lab\n\nWe sort lists two ways."),
        nbformat.v4.new_code_cell("xs = [3, 1, 2]\nprint(sorted(xs))", outputs=[nbformat.v4.new_output("stream", text="[1, 2, 3]\n")]),
        nbformat.v4.new_markdown_cell(
            "## Merge sort\n\nMerge sort splits the list in halves, sorts each, "
            "and merges the two sorted halves back in linear time."
        ),
    ]
    nbformat.write(book, str(path))
    return path


def word(path: Path) -> Path:
    import docx

    document = docx.Document()
    document.add_heading("Plate tectonics", 0)
    document.add_heading("Subduction", level=1)
    document.add_paragraph("Oceanic crust is denser than continental crust.")
    document.add_paragraph("Oceanic crust sinks beneath continental crust at a subduction zone, forming a trench.")
    document.save(str(path))
    return path


def deck(path: Path) -> Path:
    import pptx
    from pptx.util import Inches

    presentation = pptx.Presentation()
    first = presentation.slides.add_slide(presentation.slide_layouts[1])
    first.shapes.title.text = "Cell respiration"
    first.placeholders[1].text_frame.text = "Glycolysis happens in the cytoplasm and yields two ATP per glucose."
    second = presentation.slides.add_slide(presentation.slide_layouts[5])
    second.shapes.title.text = "Krebs cycle"
    box = second.shapes.add_textbox(Inches(1), Inches(2), Inches(6), Inches(1))
    box.text_frame.text = "The Krebs cycle runs in the mitochondrial matrix and releases carbon dioxide."
    presentation.save(str(path))
    return path
