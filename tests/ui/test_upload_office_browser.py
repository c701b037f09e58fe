"""A notebook, a Word document and a slide deck uploaded on the Notes page and cited in the
chat, in real headless Chromium (Debian's), every request off 127.0.0.1 aborted: each
answer quotes the file, and its source names the cell or slide the quote is in, with the
lines counted there (the document, which has neither, by its lines)."""

from __future__ import annotations

import shutil
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
from ui_helpers import ARTIFACTS, CHROMIUM, offline_page

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium (make test installs it)"),
]


@pytest.fixture
def uploads(own_home: Path, tmp_path: Path) -> list[Path]:
    """The three files to upload, outside the notes folder; the copied home starts with no saved chat."""
    shutil.rmtree(own_home / "chat" / "conversations", ignore_errors=True)
    folder = tmp_path / "upload"
    folder.mkdir()
    return [notebook(folder / "sorting.ipynb"), word(folder / "plates.docx"), deck(folder / "cells.pptx")]


def upload(page, path: Path) -> None:
    """Add one file with the Notes page's "Upload files"; returns once the page says it was added."""
    from playwright.sync_api import expect

    add = page.get_by_test_id("stBaseButton-primary").filter(has_text="Add files")
    # This round's empty uploader, not the last round's, still on screen while the page reruns.
    expect(add).to_be_disabled()
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(path))
    expect(page.get_by_test_id("stFileUploader").get_by_text(path.name)).to_be_visible()
    expect(add).to_be_enabled()  # once the file has reached the server
    add.click()
    expect(page.get_by_text(f"Added {path.name}")).to_be_visible()


def test_uploaded_notebook_document_and_deck_are_cited_by_cell_and_slide(uploads: list[Path], server: str):
    from playwright.sync_api import expect

    expect.set_options(timeout=90_000)  # the first ingest loads the model in the server
    with offline_page(server + "notes", 1440, 900) as page:
        page.get_by_role("radio", name="Upload files").click()
        for path in uploads:
            upload(page, path)
        table = page.get_by_test_id("stDataFrame").first
        expect(table).to_be_visible()

        page.goto(server)
        box = page.get_by_test_id("stChatInput").locator("textarea")
        asked = [
            (NOTEBOOK_QUESTION, NOTEBOOK_ANSWER, "Sorting lab · Merge sort · cell 3, lines 1-3"),
            (DOCX_QUESTION, DOCX_ANSWER, "Plate tectonics · Subduction · lines 3-7"),
            (DECK_QUESTION, DECK_ANSWER, "Cell respiration · Krebs cycle · slide 2, lines 1-3"),
        ]
        for i, (question, answer, where) in enumerate(asked):
            box.fill(question)
            box.press("Enter")
            turn = 2 * i + 1
            reply = page.get_by_test_id("stChatMessage").nth(turn)
            expect(reply).to_contain_text(answer)
            source = page.locator(f".st-key-cite-{turn}-1")
            expect(source.locator("summary")).to_contain_text(f"[1] {where}")
            reply.get_by_role("link", name="[1]").click()
            expect(source.locator("details")).to_have_attribute("open", "")
            expect(source).to_contain_text(answer)  # the quoted passage, under its label
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "chat-office-uploads-1440x900.png"))
