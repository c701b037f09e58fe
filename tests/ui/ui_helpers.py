"""Helpers for the UI tests (a module name pytest cannot confuse with another conftest)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "seeds"
APP = ROOT / "ui" / "app.py"
TIMEOUT = 180


# A seed question whose answer is one line of one seed note.
QUESTION = "What is the masking ratio of BERT's MLM?"
ANSWER_NOTE = "seeds/003_2b72a920368736ff.txt"
ANSWER_TEXT = "15% of tokens masked"


def answer_line() -> int:
    """The 1-based line of the seed note that answers QUESTION."""
    lines = (ROOT / ANSWER_NOTE).read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, 1) if ANSWER_TEXT in line)


def ok(at: AppTest) -> AppTest:
    """Fail with the app's own traceback when a run raised."""
    assert not at.exception, "\n".join(str(e.value) + "\n" + "\n".join(e.stack_trace) for e in at.exception)
    return at


def texts(elements) -> list[str]:
    return [str(e.value) for e in elements]


def unescape(text: str) -> str:
    """Markdown the app escaped, back to what the reader sees."""
    out, i = [], 0
    while i < len(text):
        if text[i] == "\\" and i + 1 < len(text):
            out.append(text[i + 1])
            i += 2
            continue
        out.append(text[i])
        i += 1
    return "".join(out)


def cytoscape_elements(at: AppTest) -> list[dict]:
    """The elements the graph page handed to the Cytoscape component."""
    components = list(at.get("component_instance"))
    assert components, "the graph component was not rendered"
    args = json.loads(components[0].proto.json_args)
    return args["elements"]

# Real browser tests: Debian's Chromium, never a downloaded one, and no network.
CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = ROOT / "tests" / "artifacts"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", "--no-first-run"]


@contextmanager
def offline_page(url: str, width: int, height: int) -> Iterator[Any]:
    """A page of Debian's headless Chromium on the app at `url`, every request that would leave
    127.0.0.1 aborted; on leaving, fails if the app tried to reach the network."""
    from playwright.sync_api import sync_playwright

    left_loopback: list[str] = []

    def loopback_only(route) -> None:
        if urlsplit(route.request.url).hostname == "127.0.0.1":
            route.continue_()
        else:
            left_loopback.append(route.request.url)
            route.abort()

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        try:
            context = browser.new_context(viewport={"width": width, "height": height}, service_workers="block")
            context.route("**/*", loopback_only)
            page = context.new_page()
            page.set_default_timeout(90_000)
            page.goto(url)
            yield page
        finally:
            browser.close()
    assert left_loopback == [], f"the app tried to reach the network: {left_loopback}"
