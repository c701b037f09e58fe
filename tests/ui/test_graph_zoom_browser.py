"""The graph page's zoom buttons and its dark theme in real headless Chromium (Debian's),
offline: Zoom in and Zoom out change Cytoscape's zoom within MIN_ZOOM..MAX_ZOOM, about the
chosen concept, and the wheel still scrolls the page; with Streamlit's dark theme every label
on the graph and the legend reads at a WCAG contrast of 4.5 or more."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from itertools import pairwise
from pathlib import Path

import pytest
from servers import serving
from test_graph_notes_browser import COMPONENT, CY, SCROLLED, drawn, wheel_over
from ui_helpers import APP, CHROMIUM, ROOT, offline_page

from studygraph.ui.graph_layout import MAX_ZOOM, MIN_ZOOM

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium (make test installs it)"),
]

ZOOM = f"() => ({CY})().zoom()"
# The zoom and where a labelled node is drawn (pixels in the canvas).
AT = f"""(body, label) => {{
    const cy = ({CY})();
    const node = cy.nodes().filter(n => n.data('label') === label)[0];
    return node ? {{zoom: cy.zoom(), at: node.renderedPosition(), chosen: node.selected()}} : null;
}}"""
# Every labelled element as Cytoscape paints it, and the canvas behind them.
LABELS = f"""() => {{
    const cy = ({CY})();
    return {{
        canvas: getComputedStyle(cy.container()).backgroundColor,
        labels: cy.elements().filter(e => e.data('label')).map(e => ({{
            group: e.group(), label: e.data('label'), colour: e.style('color'),
            halo: e.style('text-background-color'), halo_opacity: Number(e.style('text-background-opacity')),
        }})),
    }};
}}"""
# The text colour of an element, its opacity (its parents' counted) and every background
# behind it, nearest first.
TEXT_ON = """el => {
    const backs = [];
    let opacity = 1;
    for (let at = el; at; at = at.parentElement) {
        const style = getComputedStyle(at);
        opacity *= Number(style.opacity);
        if (style.backgroundColor !== 'rgba(0, 0, 0, 0)') backs.push(style.backgroundColor);
    }
    return {text: el.innerText, colour: getComputedStyle(el).color, backs: backs, opacity: opacity};
}"""


def rgba(css: str) -> tuple[float, float, float, float]:
    """'rgb(1, 2, 3)', 'rgba(1, 2, 3, 0.5)' or '#0e1117' as 0-255 channels and an alpha."""
    if css.startswith("#"):
        return (int(css[1:3], 16), int(css[3:5], 16), int(css[5:7], 16), 1.0)
    parts = [float(p) for p in css[css.index("(") + 1:-1].replace("/", ",").replace(" ", ",").split(",") if p]
    return (parts[0], parts[1], parts[2], parts[3] if len(parts) > 3 else 1.0)


def over(top: str, alpha: float, back: str) -> str:
    """`top` painted at `alpha` (times its own) over the opaque `back`."""
    t, b = rgba(top), rgba(back)
    a = alpha * t[3]
    r, g, bl = (a * t[i] + (1 - a) * b[i] for i in range(3))
    return f"rgb({r}, {g}, {bl})"


def luminance(css: str) -> float:
    def linear(c: float) -> float:
        c /= 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b, _ = rgba(css)
    return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b)


def contrast(text: str, back: str) -> float:
    """WCAG 2 contrast ratio of two opaque colours."""
    hi, lo = sorted((luminance(text), luminance(back)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_contrast_is_wcag():
    assert round(contrast("#ffffff", "#000000"), 1) == 21.0
    assert round(contrast("#777777", "#ffffff"), 2) == 4.48
    assert over("rgba(255, 255, 255, 0.5)", 1.0, "#000000") == "rgb(127.5, 127.5, 127.5)"


@pytest.fixture
def dark_server(own_home: Path, tmp_path: Path) -> Iterator[str]:
    """The app with Streamlit's dark theme set on the server's command line."""
    env = {**os.environ, "STUDYGRAPH_HOME": str(own_home), "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1",
           "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false"}

    def command(port: int) -> list[str]:
        return [sys.executable, "-m", "streamlit", "run", str(APP), "--server.address", "127.0.0.1",
                "--server.port", str(port), "--server.headless", "true", "--browser.gatherUsageStats", "false",
                "--theme.base", "dark"]

    with serving(command, lambda port: f"http://127.0.0.1:{port}/_stcore/health", tmp_path / "streamlit.log",
                 timeout=90, cwd=ROOT, env=env, start_new_session=True) as port:
        yield f"http://127.0.0.1:{port}/"


def graph_labels_read(page, count: int) -> None:
    """Every node and edge label of the graph reads on its halo over the dark canvas."""
    drawn(page, count)
    frame = page.locator(f"iframe[title='{COMPONENT}']").content_frame
    painted = frame.locator("body").evaluate(LABELS)
    canvas = painted["canvas"]
    assert luminance(canvas) < 0.05, f"the canvas is not dark: {canvas}"
    edges = [e for e in painted["labels"] if e["group"] == "edges"]
    assert edges, "the overview has labelled edges"
    for item in painted["labels"]:
        behind = over(item["halo"], item["halo_opacity"], canvas)
        assert luminance(behind) < 0.05, f"a light halo on the dark canvas behind {item}"
        for back in (behind, canvas):  # on its halo, and where the halo is thin
            ratio = contrast(item["colour"], back)
            assert ratio >= 4.5, f"{item['group']} label {item['label']!r}: {item['colour']} on {back} is {ratio:.2f}"


def legend_reads(page, texts) -> None:
    """Each element of `texts` reads on what is behind it (its own opacity and its parents' counted)."""
    assert texts.count(), "no legend on the page"
    for i in range(texts.count()):
        seen = texts.nth(i).evaluate(TEXT_ON)
        back = "rgb(255, 255, 255)"  # the browser's canvas, under everything
        for layer in reversed(seen["backs"]):
            back = over(layer, 1.0, back)
        ratio = contrast(over(seen["colour"], seen["opacity"], back), back)
        assert ratio >= 4.5, f"{seen['text']!r}: {seen['colour']} x{seen['opacity']:.2f} on {seen['backs']} is {ratio:.2f}"


def test_dark_theme_labels_and_legend_read(dark_server: str):
    from playwright.sync_api import expect

    expect.set_options(timeout=90_000)
    with offline_page(dark_server + "graph", 1440, 900) as page:
        graph_labels_read(page, 60)
        app = page.get_by_test_id("stApp")
        assert luminance(app.evaluate("el => getComputedStyle(el).backgroundColor")) < 0.05
        legend_reads(page, page.get_by_test_id("stButtonGroup").locator("button"))  # the type pills

        page.get_by_text("topic", exact=True).click()  # colour by topic: a legend of swatches
        legend = page.get_by_text("around ", exact=False)
        expect(legend.first).to_be_visible()
        legend_reads(page, legend)
        graph_labels_read(page, 60)

        page.reload()  # a fresh session: the first run must not paint the light theme's colours
        graph_labels_read(page, 60)


def test_zoom_buttons_zoom_within_bounds_and_the_wheel_still_scrolls(server: str):
    from playwright.sync_api import expect

    expect.set_options(timeout=90_000)
    with offline_page(server + "graph", 1440, 900) as page:
        frame = page.locator(f"iframe[title='{COMPONENT}']").content_frame
        fitted = drawn(page, 60)["zoom"]
        legend_reads(page, page.get_by_test_id("stButtonGroup").locator("button"))  # the light theme's too
        zoom_in = page.get_by_role("button", name="Zoom in")
        zoom_out = page.get_by_role("button", name="Zoom out")

        def zoom_after(button) -> float:
            """Click `button` (if the page still offers it) and read the zoom once the graph is redrawn."""
            before = frame.locator("body").evaluate(ZOOM)
            if button.is_disabled():
                return before
            button.click()
            for _ in range(40):
                page.wait_for_timeout(250)
                try:
                    now = frame.locator("body").evaluate(ZOOM)
                except Exception:  # the component is between two renders
                    continue
                if now != before:
                    break
            return drawn(page, 60)["zoom"]

        first = zoom_after(zoom_in)
        assert fitted < first <= MAX_ZOOM
        levels = [zoom_after(zoom_in) for _ in range(8)]
        assert all(a <= b for a, b in pairwise([first, *levels])) and levels[-1] == pytest.approx(MAX_ZOOM)
        expect(zoom_in).to_be_disabled()

        # The wheel over the zoomed graph still scrolls the page, and leaves the zoom alone.
        graph = page.locator(f"iframe[title='{COMPONENT}']")
        before = wheel_over(page, graph)
        assert page.evaluate(SCROLLED) > before + 100
        assert frame.locator("body").evaluate(ZOOM) == pytest.approx(MAX_ZOOM)

        levels = [zoom_after(zoom_out) for _ in range(10)]
        assert all(a >= b for a, b in pairwise(levels)) and levels[-1] == pytest.approx(MIN_ZOOM)
        expect(zoom_out).to_be_disabled()

        page.get_by_role("button", name="Fit").click()  # back to the whole view
        for _ in range(40):
            page.wait_for_timeout(250)
            if drawn(page, 60)["zoom"] == pytest.approx(fitted):
                break
        assert drawn(page, 60)["zoom"] == pytest.approx(fitted)
        expect(zoom_in).to_be_enabled()

        # With a concept chosen, Zoom in enlarges the view about it: it stays where it was drawn.
        search = page.get_by_role("combobox", name="Find a concept")
        search.click()
        search.fill("CLIP")
        search.press("Enter")
        expect(search).to_have_value("CLIP")
        chosen = None
        for _ in range(60):
            page.wait_for_timeout(250)
            try:
                chosen = frame.locator("body").evaluate(AT, "CLIP")
            except Exception:  # the component is between two renders
                continue
            if chosen and chosen["chosen"]:  # the ego view of CLIP replaced the overview
                break
        assert chosen and chosen["chosen"]
        page.wait_for_timeout(500)
        chosen = frame.locator("body").evaluate(AT, "CLIP")
        zoom_in.click()
        closer = chosen
        for _ in range(40):
            page.wait_for_timeout(250)
            try:
                closer = frame.locator("body").evaluate(AT, "CLIP") or closer
            except Exception:
                continue
            if closer["zoom"] != chosen["zoom"]:
                break
        assert closer["zoom"] > chosen["zoom"]
        assert closer["at"]["x"] == pytest.approx(chosen["at"]["x"], abs=1)
        assert closer["at"]["y"] == pytest.approx(chosen["at"]["y"], abs=1)
