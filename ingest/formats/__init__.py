"""Files that are not text on disk, read into note text with their units.

Each reader takes the file's bytes and returns a `Document`: the text every
later step reads (chunking, spans, citations count its lines) and, where the
file has pages, slides or cells, which lines each one covers (ingest/units.py).
A reader refuses what it cannot read faithfully with a `NoteError` naming why.
Readers are imported when a file of their type is met, so a notes folder of
Markdown never loads a PDF library.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass

from studygraph.errors import NoteError

# A line a document reader found set as code (a PDF's monospaced lines) is indented by this much;
# spans of such documents read it as code, never as prose to quote (ingest/spans.py).
CODE_INDENT = "    "
CODE_INDENTED = (".pdf",)  # the readers that mark code so

# suffix -> (module, function)
READERS = {
    ".pdf": ("studygraph.ingest.formats.pdf", "read_pdf"),
    ".ipynb": ("studygraph.ingest.formats.notebook", "read_notebook"),
    ".docx": ("studygraph.ingest.formats.office", "read_docx"),
    ".pptx": ("studygraph.ingest.formats.office", "read_pptx"),
    ".html": ("studygraph.ingest.formats.html", "read_html"),
    ".htm": ("studygraph.ingest.formats.html", "read_html"),
    ".tex": ("studygraph.ingest.formats.latex", "read_latex"),
    ".rnw": ("studygraph.ingest.formats.latex", "read_latex"),
}


@dataclass(frozen=True)
class Document:
    text: str
    units: str = ""  # ingest/units.py encoding; "" when the file has no pages or cells
    warnings: tuple[str, ...] = ()


def read_document(suffix: str, data: bytes, path: str, max_chars: int) -> Document:
    """Read a file of one of the `READERS` types.

    Args:
        suffix: the file's lower-case extension.
        data: its bytes.
        path: shown in errors.
        max_chars: refuse a file whose text would be longer (a bomb's text is huge).

    Raises:
        NoteError: the file cannot be read faithfully; the reason says why.
    """
    module, name = READERS[suffix]
    document: Document = getattr(importlib.import_module(module), name)(data, path, max_chars)
    if not document.text.strip():
        raise NoteError(path, "contains no text")
    if len(document.text) > max_chars:
        raise NoteError(path, f"has {len(document.text):,} characters of text, over the {max_chars:,}-byte limit (STUDYGRAPH_MAX_NOTE_BYTES)")
    return document
