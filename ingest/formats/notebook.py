"""Jupyter notebooks (.ipynb, read with nbformat) as note text, one unit per cell.

Markdown cells are read as Markdown; code cells as fenced code in the kernel's
language (so spans quote them line by line, as code); outputs are left out:
they are what the code printed, not what the student wrote. Raw cells are text.
A cell's lines in the note are exactly its source's lines, so a citation reads
"notebook.ipynb cell 7, lines 2-4" (cells counted from 1 over all cells, empty
ones included, as the notebook shows them). The fences and the blank line
between cells belong to no cell.
"""

from __future__ import annotations

import nbformat

from studygraph.errors import NoteError
from studygraph.ingest.blocks import FENCE, fence_for
from studygraph.ingest.formats import Document
from studygraph.ingest.note import split_lines
from studygraph.ingest.units import Unit, encode


def read_notebook(data: bytes, path: str, max_chars: int) -> Document:
    """A notebook's markdown and code cells as note text, cells as units.

    Raises:
        NoteError: not UTF-8, not JSON, or not a notebook nbformat can read.
    """
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise NoteError(path, f"is not a readable notebook (not UTF-8 JSON: {exc.reason} at byte {exc.start})") from exc
    try:
        notebook = nbformat.reads(text, as_version=nbformat.NO_CONVERT)
        if notebook.get("nbformat", 0) < 4:
            notebook = nbformat.convert(notebook, 4)
        cells = list(notebook.cells)
    except nbformat.reader.NotJSONError as exc:
        raise NoteError(path, "is not a readable notebook (not JSON)") from exc
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise NoteError(path, f"is not a readable notebook ({type(exc).__name__}: {str(exc)[:120]})") from exc
    metadata = notebook.get("metadata", {})
    language = str(metadata.get("kernelspec", {}).get("language") or metadata.get("language_info", {}).get("name") or "")
    lines: list[str] = []
    units: list[Unit] = []
    size = 0
    for number, cell in enumerate(cells, 1):
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else str(source)
        if not source.strip():
            continue
        body = split_lines(source.rstrip("\n"))
        if lines:
            lines.append("")
        if cell.get("cell_type") == "code":
            fence = fence_for(body)
            lines.append(fence + language)
            units.append(Unit(number, len(lines) + 1, len(lines) + len(body)))
            lines.extend(body)
            lines.append(fence)
        else:
            units.append(Unit(number, len(lines) + 1, len(lines) + len(body)))
            lines.extend(body)
            fences = [m.group(1) for m in map(FENCE.match, body) if m]
            if len(fences) % 2:
                lines.append(fences[-1])  # close the fence the cell left open
        size += len(source)
        if size > max_chars:
            raise NoteError(path, f"has over {max_chars:,} characters of text, over the {max_chars:,}-byte limit (STUDYGRAPH_MAX_NOTE_BYTES)")
    return Document("\n".join(lines), encode("cell", units))
