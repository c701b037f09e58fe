"""The PDF page a citation stands on, drawn from the file with the cited lines highlighted.

The app shows it under a cited passage. The file is read again and drawn only when it is
the very file that was indexed (its sha256 is the manifest's): the lines a citation counts
are that file's lines, and another file's page would highlight the wrong words.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from studygraph.errors import NoteError
from studygraph.ingest.formats.pdf_page import Box, PageImage, render_lines
from studygraph.ingest.units import decode

__all__ = ["Box", "CitedPage", "PageImage", "cited_page", "file_stamp", "page_image"]


@dataclass(frozen=True)
class CitedPage:
    """Lines `first`..`last` of page `page` (1-based, counted as citations count them)."""

    page: int
    first: int
    last: int


def cited_page(source: str, units: str, start: int, end: int) -> CitedPage | None:
    """Where lines `start`..`end` of a note stand in its PDF: the first page they touch and
    their lines on it (a span that runs overleaf is shown to the end of its first page).

    Returns:
        None for a note that is not a PDF, or lines between its pages.
    """
    if Path(source).suffix.lower() != ".pdf":
        return None
    kind, pages = decode(units)
    inside = [u for u in pages if u.first <= end and start <= u.last] if kind == "page" else []
    if not inside:
        return None
    head = inside[0]
    return CitedPage(head.number, max(start, head.first) - head.first + 1, min(end, head.last) - head.first + 1)


def file_stamp(source: str) -> tuple[int, int, int] | None:
    """(inode, size, mtime in ns) of the file now, None when it is gone: a cheap key that
    changes when the file is replaced, so a cached page image is drawn again and checked."""
    try:
        st = os.stat(source)
    except OSError:
        return None
    return st.st_ino, st.st_size, st.st_mtime_ns


def page_image(source: str, sha256: str, cited: CitedPage, scale: float = 2.0) -> PageImage:
    """The cited page of `source`, its cited lines highlighted, cut to a band around them.

    Args:
        sha256: the file's sha256 when it was indexed.
        scale: pixels per PDF point wanted; the PDF reader bounds it (size and pixel budget).

    Raises:
        NoteError: the file is gone, cannot be read, changed since it was indexed, or the
            page cannot be drawn; the reason says which.
    """
    try:
        data = Path(source).read_bytes()
    except FileNotFoundError as exc:
        raise NoteError(source, "is no longer in its folder") from exc
    except OSError as exc:
        raise NoteError(source, f"cannot be read ({exc.strerror or exc})") from exc
    if hashlib.sha256(data).hexdigest() != sha256:
        raise NoteError(source, "changed since it was indexed (ingest it again)")
    return render_lines(data, source, cited.page, cited.first, cited.last, scale)
