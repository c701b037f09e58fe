"""A cited PDF page under its passage: the page drawn from the file, the quoted lines
highlighted, cut to a band around them (the reader sees the figure, the equation or the
layout the text alone loses).

Drawn once per file content, page, lines and scale (`st.cache_data`); a replaced or
deleted file is noticed by its stamp before the cache is asked. When the page cannot be
drawn (the file is gone or changed since it was indexed, or PDFium fails on it) the
passage stays as it is and one line says why; the chat never fails on a page image.
"""

from __future__ import annotations

import logging

import streamlit as st

from studygraph.assistant.output import display_path
from studygraph.assistant.pdf_pages import CitedPage, PageImage, cited_page, file_stamp, page_image
from studygraph.assistant.types import Chunk, Citation
from studygraph.errors import NoteError, StudygraphError
from studygraph.lines import label
from studygraph.ui import state
from studygraph.ui.components import md

logger = logging.getLogger(__name__)

SCALE = 2.0  # 144 dpi: body text stays sharp when the column is narrower than the page


@st.cache_data(max_entries=4, show_spinner=False)
def _digests(home: str, generation: int) -> dict[str, str]:
    """Note path -> sha256 of the file as indexed, per data directory and index generation."""
    return {r.path: r.sha256 for r in state.assistant().notes()}


@st.cache_data(max_entries=64, show_spinner=False)
def _render(source: str, sha256: str, stamp: tuple[int, int, int], page: int, first: int, last: int, scale: float) -> PageImage:
    # `stamp` is only part of the key: a file replaced since the last draw is read and checked again.
    return page_image(source, sha256, CitedPage(page, first, last), scale)


def _unavailable(reason: str) -> None:
    st.caption(md(f"Page image unavailable: {reason}"))


def show_cited_page(citation: Citation, chunk: Chunk) -> None:
    """The cited page of a PDF with the citation's lines highlighted; nothing for another note."""
    cited = cited_page(citation.source, chunk.units, citation.start_line, citation.end_line)
    if cited is None:
        return
    shown = display_path(citation.source)
    assistant = state.assistant()
    sha256 = _digests(str(assistant.settings.data_dir), assistant.index().snapshot.generation).get(citation.source)
    stamp = file_stamp(citation.source)
    if sha256 is None or stamp is None:
        _unavailable(f"{shown} is no longer in its folder" if stamp is None else f"{shown} is no longer indexed")
        return
    try:
        image = _render(citation.source, sha256, stamp, cited.page, cited.first, cited.last, SCALE)
    except NoteError as exc:
        _unavailable(f"{shown} {exc.reason}")
        return
    except StudygraphError as exc:
        _unavailable(str(exc))
        return
    except Exception as exc:  # PDFium on a hostile file: the passage above still answers
        logger.warning("drawing page %d of %s failed", cited.page, citation.source, exc_info=True)
        _unavailable(f"page {cited.page} of {shown} could not be drawn ({type(exc).__name__})")
        return
    where = f"p. {cited.page}, {label(cited.first, cited.last)}"
    st.image(
        image.png,
        caption=f"{where}, highlighted on the page",
        width="stretch",
        output_format="PNG",  # text on a page: JPEG would blur the letters it was drawn to show
        alt=f"Page {cited.page} of {shown} with {label(cited.first, cited.last)} highlighted",
    )
