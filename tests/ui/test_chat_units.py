"""The chat cites a notebook by cell and a deck by slide, with the lines counted in that cell or
slide (what the student finds when opening the file); a Word document by its lines."""

from __future__ import annotations

from pathlib import Path

import pytest
from office_helpers import (
    DECK_ANSWER,
    DECK_QUESTION,
    DOCX_ANSWER,
    DOCX_QUESTION,
    NOTEBOOK_ANSWER,
    NOTEBOOK_QUESTION,
    deck,
    notebook,
    word,
)
from streamlit.testing.v1 import AppTest
from ui_helpers import APP, TIMEOUT, ok, unescape


@pytest.fixture
def office_home(studygraph_home: Path) -> Path:
    """A data directory whose notes are one notebook, one Word document and one deck, indexed."""
    from studygraph.assistant.facade import Studygraph
    from studygraph.settings import load_settings

    settings = load_settings()
    settings.notes.mkdir(parents=True)
    notebook(settings.notes / "sorting.ipynb")
    word(settings.notes / "plates.docx")
    deck(settings.notes / "cells.pptx")
    Studygraph(settings).ingest([settings.notes])
    return studygraph_home


@pytest.mark.parametrize(
    ("question", "answer", "where"),
    [
        (NOTEBOOK_QUESTION, NOTEBOOK_ANSWER, "[1] Sorting lab · Merge sort · cell 3, lines 1-3"),
        (DECK_QUESTION, DECK_ANSWER, "[1] Cell respiration · Krebs cycle · slide 2, lines 1-3"),
        (DOCX_QUESTION, DOCX_ANSWER, "[1] Plate tectonics · Subduction · lines 3-7"),  # no cells or slides: the document's lines
    ],
)
def test_a_citation_names_the_cell_or_slide(office_home: Path, question: str, answer: str, where: str) -> None:
    at = ok(AppTest.from_file(str(APP), default_timeout=TIMEOUT).run())
    at.chat_input[0].set_value(question)
    ok(at.run())
    reply = at.chat_message[-1]
    assert answer in unescape(reply.markdown[0].value)
    assert unescape(reply.expander[0].label) == where
