"""The graph and notes pages in real headless Chromium (Debian's), offline: the graph fills
the width with labels of 11 px or more that never overlap, the wheel scrolls the page and
leaves the zoom alone, the layout survives a slider round-trip; the notes page keeps its
section after an upload, stores a Latin-1 note with its accents and opens a note at a line.
Screenshots at 1440x900 and 1280x720 go to docs/screenshots/."""

from __future__ import annotations

import pytest
from ui_helpers import CHROMIUM, ROOT, offline_page

from studygraph.ui.graph_layout import FONT, MAX_ZOOM, MIN_ZOOM

COMPONENT = "st_cytoscape.st_cytoscape"
SHOTS = ROOT / "docs" / "screenshots"
SIZES = [(1440, 900), (1280, 720)]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium (make test installs it)"),
]

CY = "() => [...document.querySelectorAll('div')].find(d => d._cyreg && d._cyreg.cy)._cyreg.cy"
DRAWN = f"""() => {{
    const cy = ({CY})();
    return {{
        zoom: cy.zoom(), pan: cy.pan(), width: cy.width(),
        nodes: cy.nodes().map(n => ({{label: n.data('label'), at: n.position(),
                                     box: n.boundingBox({{includeLabels: true, includeOverlays: false}})}})),
    }};
}}"""
SCROLLED = "() => document.querySelector('[data-testid=stMain]').scrollTop + document.scrollingElement.scrollTop"


def wheel_over(page, element, notches: int = 5) -> float:
    """Turn the mouse wheel down over the middle of `element`; the page's scroll offset before."""
    box = element.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + min(box["height"], 400) / 2)
    before = page.evaluate(SCROLLED)
    for _ in range(notches):
        page.mouse.wheel(0, 120)
        page.wait_for_timeout(150)
    return before


def drawn(page, count: int) -> dict:
    """What Cytoscape drew, once it shows `count` nodes."""
    frame = page.locator(f"iframe[title='{COMPONENT}']").content_frame
    frame.locator("canvas").first.wait_for(state="attached")
    for _ in range(120):
        try:
            state = frame.locator("body").evaluate(DRAWN)
        except Exception:  # the component is between two renders
            state = None
        if state and len(state["nodes"]) == count:
            return state
        page.wait_for_timeout(250)
    raise AssertionError(f"the graph never showed {count} nodes (last: {state and len(state['nodes'])})")


def overlapping(nodes: list[dict]) -> list[tuple[str, str]]:
    """Pairs of nodes whose dot-and-label boxes overlap (model units)."""
    pairs = []
    for i, a in enumerate(nodes):
        for b in nodes[i + 1:]:
            p, q = a["box"], b["box"]
            if p["x1"] < q["x2"] and q["x1"] < p["x2"] and p["y1"] < q["y2"] and q["y1"] < p["y2"]:
                pairs.append((a["label"], b["label"]))
    return pairs


def test_the_graph_is_readable_and_the_wheel_scrolls_the_page(server: str):
    from playwright.sync_api import expect

    expect.set_options(timeout=90_000)
    with offline_page(server + "graph", *SIZES[0]) as page:
        graph = page.locator(f"iframe[title='{COMPONENT}']")
        state = drawn(page, 60)
        column = page.get_by_test_id("stHeading").first.bounding_box()["width"]
        assert graph.bounding_box()["width"] >= column - 2  # the page's width, not 3/5 of it
        assert MIN_ZOOM <= state["zoom"] <= MAX_ZOOM and FONT * state["zoom"] >= 11
        assert overlapping(state["nodes"]) == []
        page.screenshot(path=str(SHOTS / "graph-1440x900.png"), full_page=False)

        # The wheel over the graph scrolls the page and leaves the zoom where it was.
        before = wheel_over(page, graph)
        after = drawn(page, 60)
        assert after["zoom"] == state["zoom"] and MIN_ZOOM <= after["zoom"] <= MAX_ZOOM
        assert page.evaluate(SCROLLED) > before + 100

        # Drag to pan, then Fit puts the whole view back.
        page.evaluate(SCROLLED.replace("=> ", "=> { document.querySelector('[data-testid=stMain]').scrollTop = 0; return ") + " }")
        box = graph.bounding_box()
        empty = (box["x"] + 6, box["y"] + 6)
        page.mouse.move(*empty)
        page.mouse.down()
        page.mouse.move(empty[0] + 150, empty[1] + 60, steps=8)
        page.mouse.up()
        moved = drawn(page, 60)
        assert moved["pan"] != state["pan"]
        page.get_by_role("button", name="Fit").click()
        page.wait_for_timeout(1500)
        fitted = drawn(page, 60)
        assert abs(fitted["pan"]["x"] - state["pan"]["x"]) < 1 and abs(fitted["pan"]["y"] - state["pan"]["y"]) < 1

        # A slider round-trip (60 -> 100 -> 60) draws every node where it was.
        slider = page.get_by_role("slider")
        for count in (70, 80, 90, 100):  # one step at a time: each one reruns the page
            slider.press("ArrowRight")
            bigger = drawn(page, count)
        assert overlapping(bigger["nodes"]) == []
        for count in (90, 80, 70, 60):
            slider.press("ArrowLeft")
            again = drawn(page, count)
        where = {n["label"]: n["at"] for n in state["nodes"]}
        assert {n["label"]: n["at"] for n in again["nodes"]} == where

        page.set_viewport_size({"width": SIZES[1][0], "height": SIZES[1][1]})
        page.wait_for_timeout(1500)
        small = drawn(page, 60)
        assert MIN_ZOOM <= small["zoom"] <= MAX_ZOOM and overlapping(small["nodes"]) == []
        page.screenshot(path=str(SHOTS / "graph-1280x720.png"))


LATIN1 = "# R\u00e9sum\u00e9 of ViT\n\nThe na\u00efve patch embedding is linear.\nViT splits an image into patches.\n"


def test_notes_keep_their_section_store_accents_and_open_at_a_line(server: str, tmp_path):
    from playwright.sync_api import expect

    expect.set_options(timeout=90_000)
    note = tmp_path / "resume.md"
    note.write_bytes(LATIN1.encode("latin-1"))
    with offline_page(server + "notes", *SIZES[0]) as page:
        upload = page.get_by_role("radio", name="Upload files")
        upload.click()
        page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(note))
        add = page.get_by_test_id("stBaseButton-primary").filter(has_text="Add files")
        expect(add).to_be_enabled()  # once the file has reached the server
        add.click()
        expect(page.get_by_text("Added resume.md")).to_be_visible()
        expect(upload).to_have_attribute("aria-checked", "true")  # still on the section the student used
        expect(page.get_by_test_id("stFileUploaderDropzoneInput")).to_have_count(1)
        expect(page.get_by_test_id("stDataFrame").first).to_be_visible()
        page.screenshot(path=str(SHOTS / "notes-1440x900.png"))

        page.goto(server + "notes?view_note=resume.md&line=3")
        expect(page.get_by_role("radio", name="Read a note")).to_have_attribute("aria-checked", "true")
        code = page.get_by_test_id("stCode").filter(has_text="\u25b6 3 \u2502").first
        expect(code).to_contain_text("The na\u00efve patch embedding is linear.")  # the accents, read from the file
        expect(page.get_by_role("combobox", name="Note")).to_have_value("R\u00e9sum\u00e9 of ViT (resume.md)")
        page.set_viewport_size({"width": SIZES[1][0], "height": SIZES[1][1]})
        page.wait_for_timeout(800)
        code.scroll_into_view_if_needed()  # the viewer, with the cited line marked
        page.screenshot(path=str(SHOTS / "notes-1280x720.png"))
