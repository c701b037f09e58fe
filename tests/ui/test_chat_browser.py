"""The chat in real headless Chromium (Debian's), every request off 127.0.0.1 aborted:
clicking [1] opens its source with the quoted words highlighted, the conversation
survives a page reload and exports to Markdown with footnotes, math from a note is drawn by KaTeX, and a hostile note
can neither load a remote resource nor run a script. Saves the screenshots of the
chat at 1440x900 and 1280x720 under docs/screenshots/."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from ui_helpers import ANSWER_NOTE, ANSWER_TEXT, CHROMIUM, QUESTION, ROOT, answer_line, offline_page

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium (make test installs it)"),
]

SCREENSHOTS = ROOT / "docs" / "screenshots"
HOSTILE = (
    "# Zorblax notes\n\n"
    "The zorblax energy is $E_z = m c^2$ and it decays as $$\\frac{1}{t^2}$$ over time.\n"
    "A tracker ![pixel](http://evil.example/pixel.png) and <img src=http://evil.example/x.png> and "
    "<script>window.pwned = 1</script> and $\\href{http://evil.example}{click}$ are zorblax trivia.\n"
)


@pytest.fixture
def hostile_note(own_home: Path) -> Path:
    """A note with math, remote images, HTML and a script, indexed before the server starts."""
    from studygraph.assistant.facade import Studygraph
    from studygraph.settings import load_settings

    shutil.rmtree(own_home / "chat" / "conversations", ignore_errors=True)  # a chat another test left
    settings = load_settings(env={}, home=own_home)
    note = settings.notes / "zorblax.md"
    note.parent.mkdir(parents=True, exist_ok=True)
    note.write_text(HOSTILE, encoding="utf-8")
    Studygraph(settings).ingest([settings.notes])
    return note


def ask(page, question: str):
    box = page.get_by_test_id("stChatInput").locator("textarea")
    box.fill(question)
    box.press("Enter")
    return page.get_by_test_id("stChatMessage").last


def test_markers_open_sources_and_the_chat_survives_a_reload(hostile_note: Path, server: str):
    from playwright.sync_api import expect

    expect.set_options(timeout=90_000)  # the first answer loads the model in the server
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with offline_page(server, 1440, 900) as page:
        welcome = page.get_by_test_id("stChatMessage").first
        expect(welcome).to_contain_text("Your notes: 6 notes")
        expect(welcome.get_by_test_id("stButton")).not_to_have_count(0)
        page.screenshot(path=str(SCREENSHOTS / "chat-welcome-1440x900.png"))

        reply = ask(page, QUESTION)
        expect(reply).to_contain_text(ANSWER_TEXT)
        source = page.locator(".st-key-cite-1-1")
        expect(source.locator("details")).not_to_have_attribute("open", "")
        reply.get_by_role("link", name="[1]").click()
        expect(source.locator("details")).to_have_attribute("open", "")
        marked = source.locator(".stMarkdownColoredBackground")
        expect(marked).to_have_count(1)
        expect(marked).to_contain_text(ANSWER_TEXT)
        assert not marked.inner_text().startswith("13."), "the line's numbering is not part of the quote"
        page.wait_for_timeout(800)  # the smooth scroll ends
        page.screenshot(path=str(SCREENSHOTS / "chat-1440x900.png"))

        page.reload()
        reply = page.get_by_test_id("stChatMessage").last
        expect(reply).to_contain_text(ANSWER_TEXT)  # the conversation came back from the data directory
        expect(page.get_by_test_id("stChatMessage")).to_have_count(2)
        page.wait_for_function("() => !!document.getElementById('studygraph-citations')")  # the run drew its end
        reply.get_by_role("link", name="[1]").click()
        expect(page.locator(".st-key-cite-1-1 details")).to_have_attribute("open", "")
        with page.expect_download() as download:
            page.get_by_test_id("stDownloadButton").get_by_role("button").click()
        exported = Path(download.value.path()).read_text(encoding="utf-8")
        assert f"**Q:** {QUESTION}" in exported and "[^2-1]" in exported.split("\n[^2-1]:")[0]
        footnote = next(row for row in exported.splitlines() if row.startswith("[^2-1]:"))
        assert f"{ANSWER_NOTE.split('/')[-1]}, line {answer_line()}" in footnote and ANSWER_TEXT in footnote
        page.set_viewport_size({"width": 1280, "height": 720})
        page.wait_for_timeout(800)
        page.screenshot(path=str(SCREENSHOTS / "chat-1280x720.png"))

        reply = ask(page, "What is the zorblax energy?")
        expect(reply).to_contain_text("zorblax")
        expect(reply.locator(".katex").first).to_be_visible()  # $E_z = m c^2$ drawn by KaTeX
        reply.get_by_role("link", name="[1]").first.click()
        expect(reply.locator("details[open] .katex").first).to_be_visible()  # in the passage too
        assert reply.locator("img").count() == 0 and reply.locator("script").count() == 0
        expect(reply).to_contain_text("<script>window.pwned = 1</script>")  # shown as text
        assert page.evaluate("() => window.pwned === undefined")
    # offline_page has failed the test if anything reached for evil.example
