"""The study page in real headless Chromium: Space shows the answer, 1-4 rate,
keys typed into the answer box stay text; screenshots at two window sizes."""

from __future__ import annotations

from pathlib import Path

import pytest
from ui_helpers import CHROMIUM, offline_page

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium (make test installs it)"),
]
SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"  # the README shows them




def show_answer_with_space(page, tries: int = 5) -> None:
    """Press Space until the reference answer shows (at most `tries` times)."""
    from playwright.sync_api import expect

    answer = page.get_by_text("Reference answer", exact=True)
    for _ in range(tries - 1):
        page.keyboard.press("Space")
        try:
            expect(answer).to_be_visible(timeout=5_000)
            return
        except AssertionError:
            continue
    page.keyboard.press("Space")
    expect(answer).to_be_visible()


def test_drill_with_the_keyboard(server: str):
    from playwright.sync_api import expect

    expect.set_options(timeout=90_000)
    with offline_page(server, 1440, 900) as page:
        page.get_by_test_id("stSidebarNav").get_by_text("Study").click()
        question = page.get_by_test_id("stHeading").nth(1)
        expect(page.get_by_text("New 20 · Learning 0 · Review 0")).to_be_visible()
        first = question.inner_text()

        box = page.get_by_role("textbox", name="Your answer")
        box.click()
        box.press_sequentially("a 1")  # keys typed into the answer stay text
        expect(box).to_have_value("a 1")
        expect(page.get_by_text("Reference answer", exact=True)).to_have_count(0)
        box.fill("")
        page.get_by_test_id("stHeading").first.click()  # leave the box

        page.keyboard.press("Space")
        expect(page.get_by_text("Reference answer", exact=True)).to_be_visible()
        page.screenshot(path=str(SHOTS / "study-1440x900.png"))
        page.keyboard.press("1")
        expect(page.get_by_text("the card comes back at the end of this session")).to_be_visible()
        expect(page.get_by_text("New 19 · Learning 1 · Review 0")).to_be_visible()
        assert question.inner_text() != first

        # After a rating the page reruns and its key handler is set up again; a Space pressed in that
        # moment can go unheard (once in ~6 CI runs). Space only shows the answer, so pressing it
        # again is harmless; a handler that never comes back still fails here.
        show_answer_with_space(page)
        page.keyboard.press("3")
        expect(page.get_by_text("Rated good; next review in")).to_be_visible()
        page.set_viewport_size({"width": 1280, "height": 720})
        page.screenshot(path=str(SHOTS / "study-1280x720.png"))
