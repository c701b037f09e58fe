"""Rendering pieces shared by the pages.

Note text is never handed to Streamlit as HTML: it goes through `st.code`
(plain text) or through `md()`, which backslash-escapes every character
markdown gives a meaning to, so a note's `<script>`, `![img](http://...)` or
`**bold**` shows as the characters it is (`ui/rich_text.py` does the same and
lets a note's math through to KaTeX).
"""

from __future__ import annotations

import html
import re
import time
from collections.abc import Callable
from pathlib import Path

import streamlit as st

from studygraph.assistant.output import display_path
from studygraph.assistant.types import Chunk, Step, split_lines
from studygraph.errors import StudygraphError
from studygraph.lines import numbers

MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~$:=^&\"'])")
STAGES = {"scan": "Checking notes", "wait": "Waiting for another ingest", "embed": "Embedding passages",
          "commit": "Saving the index", "done": "Done"}

# One colour per concept type: node colours in the graph and the legend.
TYPE_COLOURS = {
    "model": "#1f77b4",
    "technique": "#2ca02c",
    "architecture": "#9467bd",
    "loss": "#d62728",
    "dataset": "#8c564b",
    "benchmark": "#ff7f0e",
    "metric": "#d4b000",
    "retrieval": "#17becf",
    "concept": "#a0a0a0",
}


def favicon():
    """Three linked nodes, drawn here: an icon by name (`:material/...:`) is fetched from
    fonts.gstatic.com, and the app must not touch the network."""
    from PIL import Image, ImageDraw

    image = Image.new("RGBA", (64, 64), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    points = [(16, 46), (48, 46), (32, 16)]
    draw.line([*points, points[0]], fill=(120, 130, 145, 255), width=5)
    for (x, y), colour in zip(points, ("#1f77b4", "#2ca02c", "#d62728")):
        draw.ellipse((x - 11, y - 11, x + 11, y + 11), fill=colour)
    return image


def show_error(exc: StudygraphError) -> None:
    """The app's one translation of a typed error: its message, shown literally, no traceback."""
    st.error(md(str(exc)))


def md(text: str) -> str:
    """Text made inert for st.markdown: shown literally, line breaks kept."""
    escaped = MARKDOWN_SPECIAL.sub(r"\\\1", text)
    return "  \n".join(escaped.splitlines()) if "\n" in escaped else escaped


def where(source: str, start: int, end: int) -> str:
    """`seeds/003.txt:58` or `seeds/003.txt:12-14`."""
    return f"{display_path(source)}:{numbers(start, end)}"


def numbered(lines: tuple[str, ...] | list[str], first: int, marked: int | tuple[int, int] = 0) -> str:
    """Lines with a number gutter starting at `first`; the `marked` line (or first..last range)
    carries ▶, as citations show it."""
    low, high = marked if isinstance(marked, tuple) else (marked, marked)
    width = len(str(first + len(lines) - 1))
    return "\n".join(f"{'▶' if low <= first + i <= high else ' '} {first + i:>{width}} │ {line}"
                     for i, line in enumerate(lines))


def show_passage(chunk: Chunk | None, start: int, end: int, quote: str = "") -> None:
    """A cited passage as plain text, lines start..end marked; the quote alone when the chunk is gone from the index."""
    if chunk is not None:
        st.code(numbered(split_lines(chunk.text), chunk.start_line, (start, end)), language=None, wrap_lines=True)
    elif quote:
        st.code(quote, language=None, wrap_lines=True)
    else:
        st.caption("This passage is no longer in the index (the note changed).")


def ingest_progress(text: str = "Indexing notes") -> Callable[[Step], None]:
    """An st.progress bar and the callback that moves it from ingest progress events."""
    bar = st.progress(0.0, text=text)

    def update(step: Step) -> None:
        fraction = {"scan": 0.05, "wait": 0.0, "commit": 0.95, "done": 1.0}.get(step.stage, 0.1)
        if step.stage == "embed" and step.total:
            fraction = 0.1 + 0.85 * step.done / step.total
        elif step.stage == "scan" and step.total:
            fraction = 0.1 * step.done / step.total
        label = STAGES.get(step.stage, step.stage)
        counts = f" ({step.done}/{step.total})" if step.total and step.stage in ("scan", "embed") else ""
        bar.progress(min(max(fraction, 0.0), 1.0), text=f"{text}: {label}{counts}")

    return update


def tilde(path: str) -> str:
    """A path with the user's home directory shown as ~."""
    home = str(Path.home())
    return "~" + path[len(home):] if path == home or path.startswith(home + "/") else path


def ago(timestamp: float) -> str:
    """`3 min ago`, `2 h ago`, or the date."""
    if not timestamp:
        return "-"
    seconds = time.time() - timestamp
    if seconds < 60:
        return "just now"
    if seconds < 3600:
        return f"{int(seconds // 60)} min ago"
    if seconds < 86400:
        return f"{int(seconds // 3600)} h ago"
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(timestamp))


def swatches_html(items: list[tuple[str, str]]) -> str:
    """A row of coloured dots with labels; labels come from the notes, so they are escaped."""
    spans = "".join(
        f'<span style="margin-right:14px;white-space:nowrap"><span style="display:inline-block;width:10px;'
        f'height:10px;border-radius:50%;background:{colour};margin-right:5px"></span>{html.escape(label)}</span>'
        for colour, label in items
    )
    return f'<div style="font-size:0.85rem;opacity:0.8">{spans}</div>'



def heading_path(heading: str, title: str) -> str:
    """The heading path without a leading part that only repeats the note title."""
    parts = [p for p in heading.split(" > ") if p.strip()]
    while parts and parts[0].strip().lstrip("#").strip().lower() == title.strip().lower():
        parts.pop(0)
    return " > ".join(parts)
