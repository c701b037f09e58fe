"""Jupyter notebooks: nbsphinx's real example notebooks from Debian, and small ones made with nbformat."""

from __future__ import annotations

import importlib.util
import itertools
import json
from pathlib import Path

import nbformat
import pytest

from studygraph.errors import NoteError
from studygraph.ingest.chunking import split_note
from studygraph.ingest.reading import Skipped, read_note
from studygraph.ingest.spans import split_spans
from studygraph.ingest.units import decode, place

ROOT = Path(__file__).resolve().parents[2]
LIMIT = 20 * 1024 * 1024


@pytest.fixture(scope="session")
def notebooks() -> dict[str, Path]:
    spec = importlib.util.spec_from_file_location("sources_fetch", ROOT / "benchmarks" / "sources_fetch.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return {p.name: p for p in module.notebooks()}


def sources(path: Path) -> list[list[str]]:
    """Each cell's source lines, read with json alone."""
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return [("".join(c["source"]) if isinstance(c["source"], list) else c["source"]).rstrip("\n").split("\n") for c in cells]


def cell_types(path: Path) -> list[str]:
    return [c["cell_type"] for c in json.loads(path.read_text(encoding="utf-8"))["cells"]]


def test_a_code_cell_stays_with_its_text_and_a_heading_cell_with_what_follows(tmp_path: Path) -> None:
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [
        nbformat.v4.new_markdown_cell("## Lag order"),
        nbformat.v4.new_markdown_cell("The lag order is chosen by the information criterion."),
        nbformat.v4.new_code_cell("sel = ar_select_order(endog, 9, seasonal=True, period=11)"),
        nbformat.v4.new_markdown_cell("The fit follows."),
    ]
    path = tmp_path / "lags.ipynb"
    nbformat.write(notebook, str(path))
    chunks = split_note(read_note(path, LIMIT))
    assert [[u.number for u in decode(c.units)[1]] for c in chunks] == [[1, 2, 3], [4]]
    assert "ar_select_order" in chunks[0].text and chunks[0].text.startswith("## Lag order")


def test_cells_are_units_whose_lines_are_the_cells_source(notebooks: dict[str, Path]) -> None:
    assert len(notebooks) >= 10
    for path in notebooks.values():
        note = read_note(path, LIMIT)
        kind, units = decode(note.units)
        cells = sources(path)
        assert kind == "cell"
        assert {u.number for u in units} == {n for n, lines in enumerate(cells, 1) if "".join(lines).strip()}
        for unit in units:
            assert note.lines[unit.first - 1 : unit.last] == cells[unit.number - 1], (path.name, unit)
        # A chunk runs onto the next cell only when that cell is code (it stays with the text it follows)
        # or when the cell before is a heading alone; a span never does, so a citation is "cell n, lines a-b".
        kinds = cell_types(path)
        for chunk in split_note(note):
            numbers = [u.number for u in decode(chunk.units)[1]]
            for before, n in itertools.pairwise(numbers):
                heading_alone = all(line.startswith("#") or not line.strip() for line in cells[before - 1])
                assert kinds[n - 1] == "code" or heading_alone, (path.name, n)
            for span in split_spans(chunk):
                assert "end_cell" not in place(chunk.units, span.start_line, span.end_line), (path.name, span)


def test_code_is_quoted_as_code_and_every_span_is_placed_in_its_cell(notebooks: dict[str, Path]) -> None:
    path = notebooks["code-cells.ipynb"]
    note = read_note(path, LIMIT)

    spans = [(chunk, s) for chunk in split_note(note) for s in split_spans(chunk)]
    code = [s.text for _, s in spans if s.kind == "code"]
    assert "print('Hello, world!')" in code
    assert "6 * 7" in code
    cells = sources(path)
    for chunk, span in spans:
        where = place(chunk.units, span.start_line, span.end_line)
        assert where, span
        cell = where["cell"]
        lines = cells[cell - 1][where["start_line"] - 1 : where["end_line"]] if "end_cell" not in where else (
            cells[cell - 1][where["start_line"] - 1 :] + cells[where["end_cell"] - 1][: where["end_line"]])
        assert span.text in "\n".join(lines), (span, where)


def test_a_fence_left_open_in_a_markdown_cell_does_not_swallow_the_next_cells(tmp_path: Path) -> None:
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [
        nbformat.v4.new_markdown_cell("# Sorting\n\nQuicksort picks a pivot.\n```python\nsorted(xs)"),
        nbformat.v4.new_code_cell("xs = [3, 1, 2]\nprint(sorted(xs))", outputs=[nbformat.v4.new_output("stream", text="[1, 2, 3]\n")]),
        nbformat.v4.new_markdown_cell("Merge sort is stable."),
    ]
    path = tmp_path / "sorting.ipynb"
    nbformat.write(notebook, str(path))

    note = read_note(path, LIMIT)
    spans = {s.text: (chunk, s) for chunk in split_note(note) for s in split_spans(chunk)}

    chunk, merge = spans["Merge sort is stable."]
    assert merge.kind == "sentence"
    assert place(chunk.units, merge.start_line, merge.end_line) == {"cell": 3, "start_line": 1, "end_line": 1}
    chunk, code = spans["print(sorted(xs))"]
    assert code.kind == "code" and place(chunk.units, code.start_line, code.end_line) == {"cell": 2, "start_line": 2, "end_line": 2}
    assert "[1, 2, 3]" not in note.text


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"this is not json {", "is not a readable notebook (not JSON)"),
        (b'{"cells": 5, "nbformat": 4, "nbformat_minor": 5, "metadata": {}}', "is not a readable notebook (TypeError: "),
        (b"\xff\xfe{}", "is not a readable notebook (not UTF-8 JSON: "),
    ],
)
def test_a_notebook_that_is_not_one_is_refused_with_the_reason(tmp_path: Path, data: bytes, reason: str) -> None:
    path = tmp_path / "broken.ipynb"
    path.write_bytes(data)
    with pytest.raises(NoteError) as raised:
        read_note(path, LIMIT)
    assert raised.value.reason.startswith(reason)
    assert Skipped(str(path), raised.value.reason).kind == "damaged"
    assert path.read_bytes() == data


def test_a_notebook_without_text_says_so(tmp_path: Path) -> None:
    path = tmp_path / "empty.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("")]), str(path))
    with pytest.raises(NoteError, match="contains no text"):
        read_note(path, LIMIT)


@pytest.mark.slow
def test_an_edited_notebook_re_embeds_only_the_cell_that_changed_and_moved_cells_keep_their_new_numbers(
    tmp_path: Path, embedder
) -> None:
    from studygraph.assistant.facade import Studygraph
    from studygraph.assistant.output import hits_json
    from studygraph.settings import load_settings

    cells = [
        nbformat.v4.new_markdown_cell("# Gradient descent\n\nGradient descent follows the negative gradient downhill."),
        nbformat.v4.new_code_cell("def step(w, grad, lr=0.1):\n    return w - lr * grad"),
        nbformat.v4.new_markdown_cell("The learning rate sets the size of each step; too large and it diverges."),
    ]
    folder = tmp_path / "course"
    folder.mkdir()
    path = folder / "optim.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=cells), str(path))
    sg = Studygraph(load_settings())
    sg.embedder = embedder
    first = sg.ingest([folder])
    assert first.embedded == first.chunks == 2  # the code cell stays with the text cell it follows

    cells[2] = nbformat.v4.new_markdown_cell("The learning rate sets the size of each step; too small and it crawls.")
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("Week 3 notes."), *cells]), str(path))
    second = sg.ingest([folder])

    assert [Path(p).name for p in second.updated] == ["optim.ipynb"]
    assert second.embedded == 2  # the new cell and the edited one; the others moved down one cell, unchanged
    hits = hits_json("q", "hybrid", sg.search("How is one step of gradient descent computed?", k=4))["hits"]
    cell = {h["text"].strip("`\n").split("\n")[0]: (h["cell"], h["start_line"], h.get("end_cell"), h["end_line"]) for h in hits}
    # Kept chunks keep their vectors and get their new cell numbers; the code's fences are no lines of its cell.
    assert cell["# Gradient descent"] == (2, 1, 3, 2)
    assert cell["Week 3 notes."] == (1, 1, None, 1)
