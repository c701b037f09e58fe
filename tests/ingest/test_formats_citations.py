"""Real PDFs through the whole path: ingest (real model, real Chroma), search and ask as
`--json` prints them, every citation placed on its page and lines, re-ingest by content hash."""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

import pytest

from studygraph.assistant.facade import Studygraph
from studygraph.assistant.output import answer_json, hits_json
from studygraph.ingest.formats import pdf as pdf_format
from studygraph.settings import load_settings

ROOT = Path(__file__).resolve().parents[2]
FILES = ("sandwich.pdf", "zoo.pdf", "strucchange-intro.pdf")
QUESTIONS = {
    "What does the sandwich package provide heteroskedasticity and autocorrelation consistent estimators for?": "sandwich.pdf",
    "How do I create a zoo series from a vector and an index of dates?": "zoo.pdf",
    "What was Chow (1960) the first to suggest about a structural change?": "strucchange-intro.pdf",
}
pytestmark = pytest.mark.slow


def _fetch():
    spec = importlib.util.spec_from_file_location("sources_fetch", ROOT / "benchmarks" / "sources_fetch.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.fetch()


@pytest.fixture
def papers(tmp_path: Path) -> Path:
    folder = tmp_path / "papers"
    folder.mkdir()
    found = {p.name: p for p in _fetch()}
    for name in FILES:
        shutil.copy(found[name], folder / name)
    return folder


def page_text(path: Path, page: int, start: int, end: int, end_page: int | None = None) -> str:
    """Lines start..end of a page (onto `end_page` when given), read again from the PDF."""
    pages = pdf_format.read_pages(path.read_bytes(), str(path))
    if end_page is None or end_page == page:
        return "\n".join(pages[page - 1][start - 1 : end])
    return "\n".join(pages[page - 1][start - 1 :] + pages[end_page - 1][:end])


def test_search_and_ask_cite_pages_and_lines_of_the_pdf(papers: Path, embedder) -> None:
    sg = Studygraph(load_settings())
    sg.embedder = embedder
    report = sg.ingest([papers])
    assert sorted(Path(p).name for p in report.added) == sorted(FILES)

    for question, source in QUESTIONS.items():
        hits = hits_json(question, "hybrid", sg.search(question))["hits"]
        assert Path(hits[0]["source"]).name == source, (question, hits[0])
        for hit in hits:
            assert hit["page"] >= 1
            if "end_page" not in hit:
                # A chunk on one page: its text is those lines of that page, blank lines at its ends aside.
                assert hit["text"].strip("\n") == page_text(Path(hit["source"]), hit["page"], hit["start_line"], hit["end_line"]).strip("\n")
        answer = answer_json(sg.ask(question))
        assert answer["found"] and answer["citations"], answer
        for citation in answer["citations"]:
            lines = page_text(Path(citation["source"]), citation["page"], citation["start_line"], citation["end_line"],
                              citation.get("end_page"))
            assert citation["quote"] in lines, citation


def test_an_unchanged_pdf_costs_a_hash_and_a_replaced_one_is_read_again(tmp_path: Path, embedder) -> None:
    found = {p.name: p for p in _fetch()}
    folder = tmp_path / "small"
    folder.mkdir()
    for name in ("zoo-read.pdf", "MVT_Rnews.pdf"):
        shutil.copy(found[name], folder / name)
    sg = Studygraph(load_settings())
    sg.embedder = embedder
    sg.ingest([folder])

    again = sg.ingest([folder])
    assert sorted(Path(p).name for p in again.unchanged) == ["MVT_Rnews.pdf", "zoo-read.pdf"]
    assert again.embedded == 0 and not again.changed

    shutil.copy(found["zoo-design.pdf"], folder / "zoo-read.pdf")
    (folder / "MVT_Rnews.pdf").unlink()
    edited = sg.ingest([folder])
    assert [Path(p).name for p in edited.updated] == ["zoo-read.pdf"]
    assert [Path(p).name for p in edited.removed] == ["MVT_Rnews.pdf"]
    hits = hits_json("q", "hybrid", sg.search("What are the design principles of zoo?"))["hits"]
    assert Path(hits[0]["source"]).name == "zoo-read.pdf" and hits[0]["page"] == 1
    assert all(Path(h["source"]).name != "MVT_Rnews.pdf" for h in hits)
