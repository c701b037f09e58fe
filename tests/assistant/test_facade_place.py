"""`Studygraph.cited_place`: where cited lines stand in a notebook's cells, counted in the cell."""

from __future__ import annotations

from pathlib import Path

import nbformat

from studygraph.assistant.facade import Studygraph
from studygraph.settings import load_settings


def test_cited_lines_are_placed_in_their_cell(tmp_path: Path) -> None:
    book = nbformat.v4.new_notebook()
    book.cells = [nbformat.v4.new_markdown_cell("# Sorting\n\nTwo ways."),
                  nbformat.v4.new_markdown_cell("Merge sort is stable.\nQuicksort is not.")]
    (tmp_path / "notes").mkdir()
    nbformat.write(book, str(tmp_path / "notes" / "sorting.ipynb"))
    (tmp_path / "notes" / "plain.md").write_text("# Plain\n\nNo cells here.\n", encoding="utf-8")
    sg = Studygraph(load_settings())
    sg.ingest([tmp_path / "notes"])

    hit = sg.search("Quicksort is not stable", k=1, mode="bm25")[0]
    line = hit.chunk.start_line + hit.chunk.text.splitlines().index("Quicksort is not.")
    assert sg.cited_place(hit.chunk.id, line, line) == {"cell": 2, "start_line": 2, "end_line": 2}
    plain = sg.search("No cells here", k=1, mode="bm25")[0]
    assert plain.chunk.source.endswith("plain.md")
    assert sg.cited_place(plain.chunk.id, plain.chunk.start_line, plain.chunk.end_line) == {}
    assert sg.cited_place("no-such-chunk", 1, 1) == {}
