"""A PDF uploaded on the Notes page and cited in the chat, in real headless Chromium (Debian's),
every request off 127.0.0.1 aborted: clicking [1] opens the source with the page drawn as an
image, loaded from the app itself, inside the source's panel at a readable width."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from pdf_helpers import ANSWER, GLIMMERWORT, QUESTION, layout, text_pdf
from ui_helpers import ARTIFACTS, CHROMIUM, offline_page

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium (make test installs it)"),
]


@pytest.fixture
def glimmerwort(own_home: Path, tmp_path: Path) -> Path:
    """The PDF to upload, outside the notes folder; the copied home starts with no saved chat."""
    shutil.rmtree(own_home / "chat" / "conversations", ignore_errors=True)
    path = tmp_path / "upload" / "glimmerwort.pdf"
    path.parent.mkdir()
    path.write_bytes(text_pdf(layout(GLIMMERWORT)))
    return path


def test_an_uploaded_pdf_cited_in_the_chat_shows_its_page(glimmerwort: Path, server: str):
    from playwright.sync_api import expect

    expect.set_options(timeout=90_000)  # the first answer loads the model in the server
    with offline_page(server + "notes", 1440, 900) as page:
        page.get_by_role("radio", name="Upload files").click()
        page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(glimmerwort))
        add = page.get_by_test_id("stBaseButton-primary").filter(has_text="Add files")
        expect(add).to_be_enabled()  # once the file has reached the server
        add.click()
        expect(page.get_by_text("Added glimmerwort.pdf")).to_be_visible()

        page.goto(server)
        box = page.get_by_test_id("stChatInput").locator("textarea")
        box.fill(QUESTION)
        box.press("Enter")
        reply = page.get_by_test_id("stChatMessage").last
        expect(reply).to_contain_text(ANSWER)
        source = page.locator(".st-key-cite-1-1")
        expect(source).to_contain_text("Glimmerwort")
        reply.get_by_role("link", name="[1]").click()
        expect(source.locator("details")).to_have_attribute("open", "")

        image = source.locator("img")
        expect(image).to_have_count(1)
        expect(image).to_be_visible()
        assert (image.get_attribute("alt") or "").startswith("Page 1 of ")
        assert "glimmerwort.pdf" in (image.get_attribute("alt") or "")
        page.wait_for_function("(img) => img.complete && img.naturalWidth > 0", arg=image.element_handle())
        natural = image.evaluate("(img) => [img.naturalWidth, img.naturalHeight]")
        shown = image.bounding_box()
        assert natural[0] == 2 * 612  # the page at 144 dpi, drawn from the PDF on the server
        assert shown is not None and shown["width"] >= 500  # readable: the panel's width, not a thumbnail
        assert "/media/" in (image.get_attribute("src") or "")  # served by the app, not fetched from anywhere
        expect(source).to_contain_text("highlighted on the page")
        image.scroll_into_view_if_needed()
        page.wait_for_timeout(500)
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "chat-pdf-page-1440x900.png"))
