"""The chat on a PDF note: a cited PDF source shows its page, the quoted lines highlighted;
a PDF deleted or replaced since it was indexed shows the passage and says why there is no image."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from pdf_helpers import ANSWER, GLIMMERWORT, QUESTION, layout, text_pdf
from ui_helpers import ok, texts, unescape


def glimmerwort_pdf(folder: Path) -> Path:
    path = folder / "glimmerwort.pdf"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text_pdf(layout(GLIMMERWORT)))
    return path


@pytest.fixture
def pdf_note(own_home: Path) -> Path:
    """The glimmerwort PDF in the notes folder, indexed."""
    from studygraph.assistant.facade import Studygraph
    from studygraph.settings import load_settings

    shutil.rmtree(own_home / "chat" / "conversations", ignore_errors=True)
    settings = load_settings(env={}, home=own_home)
    path = glimmerwort_pdf(settings.notes)
    report = Studygraph(settings).ingest([settings.notes])
    assert [Path(p).name for p in report.added] == ["glimmerwort.pdf"]
    return path


def ask(app) -> tuple:
    """Ask the glimmerwort question; the reply's first source and the page images in it."""
    app.chat_input[0].set_value(QUESTION)
    ok(app.run())
    reply = app.chat_message[-1]
    assert ANSWER in unescape(reply.markdown[0].value)
    source = reply.expander[0]
    return source, [c for c in source.children.values() if c.type == "image"]


def notes_in(source) -> list[str]:
    return [unescape(c) for c in texts(source.caption) if "Page image unavailable" in unescape(c)]


def test_a_cited_pdf_shows_its_page_with_the_quoted_lines_highlighted(pdf_note: Path, app) -> None:
    source, shown = ask(app)
    assert unescape(source.label).startswith("[1] Glimmerwort")
    assert len(shown) == 1 and not notes_in(source)
    image = shown[0].proto.imgs[0]
    where = image.caption.removesuffix(", highlighted on the page")
    assert unescape(source.label).endswith(f" · {where}")  # the label and the page's caption agree: p. 1, line n
    assert image.caption.startswith("p. 1, line") and image.caption.endswith(", highlighted on the page")
    assert image.alt.startswith("Page 1 of ") and "glimmerwort.pdf" in image.alt
    assert image.url.endswith(".png")  # drawn text stays sharp: never re-encoded as JPEG
    assert ANSWER in unescape(source.markdown[0].value)  # the passage is still shown as text

    # Deleted after it was drawn: the cached image is not shown for a file that is gone.
    pdf_note.unlink()
    ok(app.run())
    source = app.chat_message[-1].expander[0]
    assert [c for c in source.children.values() if c.type == "image"] == []
    assert notes_in(source) == [f"Page image unavailable: {pdf_note} is no longer in its folder"]
    assert ANSWER in unescape(source.markdown[0].value)


def test_a_replaced_pdf_keeps_the_passage_and_says_why_there_is_no_page(pdf_note: Path, app) -> None:
    pdf_note.write_bytes(text_pdf(layout({"Other": ["A different file with the same name.", "Nothing about plants."]})))
    source, shown = ask(app)
    assert shown == []
    assert notes_in(source) == [f"Page image unavailable: {pdf_note} changed since it was indexed (ingest it again)"]
    assert ANSWER in unescape(source.markdown[0].value)
