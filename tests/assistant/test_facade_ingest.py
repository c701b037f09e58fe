"""`Studygraph.ingest` on folders with nothing it can read: it says what it skipped and why."""

from __future__ import annotations

from pathlib import Path

import pytest

from studygraph.assistant.facade import Studygraph
from studygraph.errors import IndexMissingError, NothingToIndexError
from studygraph.ingest.manifest import load_manifest
from studygraph.settings import load_settings


class NoModel:
    """Nothing is readable, so nothing may be embedded."""

    def __getattr__(self, name: str):
        raise AssertionError(f"the model was used ({name}) although there was nothing to embed")


def slides(folder: Path) -> Path:
    folder.mkdir()
    for name in ("lecture1.epub", "lecture2.epub", "deck.key"):
        (folder / name).write_bytes(b"PK\x03\x04")
    (folder / "todo.md").write_text("", encoding="utf-8")
    return folder


def test_a_first_ingest_of_a_folder_with_nothing_readable_says_so(tmp_path: Path, studygraph_home: Path) -> None:
    folder = slides(tmp_path / "slides")
    sg = Studygraph(load_settings())
    sg.embedder = NoModel()

    with pytest.raises(NothingToIndexError) as raised:
        sg.ingest([folder])

    assert str(raised.value) == (f"nothing to index in {folder.resolve()}: 4 files skipped (3 type not supported: "
                                 ".epub, .key; 1 empty); Studygraph reads .md, .markdown, .txt, .rst, .rmd, .qmd, .adoc, .tex, .rnw, .html, .htm, .pdf, .ipynb, .docx, .pptx files")
    assert isinstance(raised.value, IndexMissingError)  # there is still no index, as callers that catch that expect
    assert load_manifest(studygraph_home) is None


def test_an_empty_folder_says_it_holds_no_files(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    with pytest.raises(NothingToIndexError, match=r"nothing to index in .*/empty: no files found \(Studygraph reads"):
        Studygraph(load_settings()).ingest([tmp_path / "empty"])


def test_with_an_index_a_folder_with_nothing_readable_is_reported_not_refused(tmp_path: Path, embedder) -> None:
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "rag.md").write_text("# RAG\n\nRetrieval augmented generation grounds answers in notes.\n", encoding="utf-8")
    sg = Studygraph(load_settings())
    sg.embedder = embedder
    generation = sg.ingest([notes]).generation

    report = sg.ingest([slides(tmp_path / "slides")])

    assert not report.added and not report.changed and report.generation == generation
    assert sorted(Path(s.path).name for s in report.skipped) == ["deck.key", "lecture1.epub", "lecture2.epub", "todo.md"]
    assert sg.status().notes == 1
