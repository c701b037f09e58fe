"""End to end in real headless Chromium: `streamlit run ui/app.py` on a free
loopback port, every request that would leave 127.0.0.1 aborted.

Asks a seed question and sees the cited answer, opens the graph page and sees
Cytoscape draw the graph (its JavaScript must come from the installed
package, since a CDN is unreachable), clicks a node to open its card, and
saves screenshots of both pages under tests/artifacts/.
"""

from __future__ import annotations

import io

import pytest
from ui_helpers import ANSWER_NOTE, ANSWER_TEXT, ARTIFACTS, CHROMIUM, QUESTION, answer_line, offline_page

COMPONENT = "st_cytoscape.st_cytoscape"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium (make test installs it)"),
]




def node_position(graph, label: str) -> dict:
    """Where Cytoscape drew the node with this label, in the iframe's pixels."""
    nodes = graph.content_frame.locator("body").evaluate(
        """() => {
            const host = [...document.querySelectorAll('div')].find(d => d._cyreg && d._cyreg.cy);
            return host ? host._cyreg.cy.nodes().map(n => ({label: n.data('label'), at: n.renderedPosition()})) : [];
        }"""
    )
    found = [n["at"] for n in nodes if n["label"] == label]
    assert found, f"no node {label!r} among {[n['label'] for n in nodes]}"
    return found[0]


def drawn_pixels(png: bytes) -> int:
    """How many pixels of a screenshot are not background white."""
    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("L")
    return sum(count for value, count in enumerate(image.histogram()) if value < 235)


def test_ask_then_browse_the_graph_offline(server: str):
    from playwright.sync_api import expect

    expect.set_options(timeout=90_000)  # the first answer loads the model in the server
    with offline_page(server, 1400, 1000) as page:

        box = page.get_by_test_id("stChatInput").locator("textarea")
        box.fill(QUESTION)
        box.press("Enter")
        line = answer_line()
        reply = page.get_by_test_id("stChatMessage").last
        source = reply.get_by_test_id("stExpander").filter(has_text="[1]").first
        expect(source).to_contain_text("Multimodal & Embedding History")
        expect(reply).to_contain_text(ANSWER_TEXT)
        expect(reply).to_contain_text("[1]")
        source.locator("summary").click()
        expect(source.locator(".stMarkdownColoredBackground")).to_contain_text(ANSWER_TEXT)  # the quote, highlighted
        expect(source).to_contain_text(f"{ANSWER_NOTE}:{line}")
        page.screenshot(path=str(ARTIFACTS / "chat.png"))

        page.get_by_test_id("stSidebarNav").get_by_text("Concept graph").click()
        graph = page.locator(f"iframe[title='{COMPONENT}']")
        expect(graph).to_have_count(1)
        expect(graph.content_frame.locator("canvas").first).to_be_attached()
        page.wait_for_timeout(1000)  # the layout places the nodes
        where = node_position(graph, "CLIP")
        frame = graph.bounding_box()
        page.mouse.click(frame["x"] + where["x"], frame["y"] + where["y"])  # a click on the node opens its card
        expect(page.get_by_test_id("stHeading").filter(has_text="CLIP").first).to_be_visible()
        expect(page.get_by_role("combobox", name="Find a concept")).to_have_value("CLIP")
        expect(graph).to_have_count(1)  # the ego view of CLIP replaced the overview
        expect(graph.content_frame.locator("canvas").first).to_be_attached()
        page.wait_for_timeout(1500)  # let the layout settle before measuring and the screenshot
        assert drawn_pixels(graph.screenshot()) > 2000, "the graph canvas is blank"
        page.screenshot(path=str(ARTIFACTS / "graph.png"))
