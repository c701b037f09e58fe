"""The notes page: list, add by paste or upload (re-ingested, searchable, in the
graph), refuse bad files with a clear message, delete with confirmation."""

from __future__ import annotations

import os
import re

from ui_helpers import ok, texts, unescape

NOTES = "views/notes.py"
BODY = """### What is Quokka Attention?
Quokka Attention attends only to marsupial tokens <script>alert("owned")</script> <img src=x onerror=alert(1)>.
It was first described in ![tracker](http://example.com/t.png) **field notes**.
"""


def open_notes(app):
    app.switch_page(NOTES)
    return ok(app.run())


def button(app, label: str):
    return next(b for b in app.button if b.label == label)


def ask(app, question: str):
    app.switch_page("views/chat.py")
    ok(app.run())
    app.chat_input[0].set_value(question)
    return ok(app.run())


def test_lists_the_seed_notes_with_size_chunks_and_ingest_time(shared_home, app):
    open_notes(app)
    table = app.dataframe[0].value
    assert list(table.columns) == ["Title", "File", "Where", "Size", "Passages", "Last ingest"]
    assert len(table) == 5 and "Multimodal & Embedding History — Interview Grill" in set(table["Title"])
    assert (table["Passages"] > 0).all() and table["Size"].str.endswith("KB").all()


def test_paste_a_note_then_delete_it(own_home, app):
    open_notes(app)
    app.text_input[0].input("Quokka notes")
    app.text_area[0].input(BODY)
    button(app, "Save and index").click()
    ok(app.run())
    assert any("Added quokka-notes.md" in unescape(s) for s in texts(app.success)), texts(app.error)
    assert "Quokka notes" in set(app.dataframe[0].value["Title"])
    assert os.listdir(own_home / "notes") == ["quokka-notes.md"]

    ask(app, "What does Quokka Attention attend to?")
    assert "quokka-notes.md" in unescape(app.expander[0].caption[0].value)
    shown = "\n".join(texts(app.markdown)) + "\n".join(c.value for c in app.code)
    assert "marsupial" in shown
    raw = texts(app.markdown)
    assert not any(m.allow_html for m in app.markdown)  # the note's HTML and images stay text
    live = re.compile(r"(?<!\\)(?:<script|<img|!\[tracker)")  # not backslash-escaped
    assert not any(live.search(m) for m in raw), raw
    assert any("\\<script\\>" in m for m in raw)  # quoted in the answer, as literal text
    app.session_state["concept"] = "Quokka Attention"
    app.switch_page("views/graph.py")
    ok(app.run())
    assert unescape(app.subheader[0].value) == "Quokka Attention"

    open_notes(app)
    app.selectbox[0].select(str(own_home / "notes" / "quokka-notes.md"))
    button(app, "Delete...").click()
    ok(app.run())
    assert "Delete quokka-notes.md" in unescape(app.warning[0].value)
    assert os.path.exists(own_home / "notes" / "quokka-notes.md")  # not before confirming
    button(app, "Yes, delete it").click()
    ok(app.run())
    assert any("Deleted quokka-notes.md" in unescape(s) for s in texts(app.success))
    assert "Quokka notes" not in set(app.dataframe[0].value["Title"])
    assert os.listdir(own_home / "notes") == []
    app.session_state["concept"] = "Quokka Attention"
    app.switch_page("views/graph.py")
    ok(app.run())
    assert "No concept named 'Quokka Attention'" in unescape(app.warning[0].value)


def test_bad_uploads_get_clear_errors_and_write_nothing(own_home, app):
    before = sorted(p.name for p in own_home.parent.iterdir())
    open_notes(app)
    app.file_uploader[0].set_value([
        ("../../escape.md", b"# Escape\nout of the folder", "text/markdown"),
        ("blob.md", b"\x89PNG\x00\x00\x00binary", "text/markdown"),
        ("empty.txt", b"", "text/plain"),
        ("huge.md", b"x" * (21 * 1024 * 1024), "text/markdown"),
        ("ok.txt", b"Attention heads attend in parallel.", "text/plain"),
    ])
    ok(app.run())
    button(app, "Add files").click()
    ok(app.run())
    errors = [unescape(e) for e in texts(app.error)]
    assert any(e.startswith("../../escape.md: points outside the notes folder") for e in errors), errors
    assert any(e.startswith("blob.md: looks binary") for e in errors)
    assert any(e.startswith("empty.txt: is empty") for e in errors)
    assert any(e.startswith("huge.md: is 22,020,096 bytes, over the") for e in errors)
    assert any("Added ok.txt" in unescape(s) for s in texts(app.success))
    assert os.listdir(own_home / "notes") == ["ok.txt"]
    assert sorted(p.name for p in own_home.parent.iterdir()) == before
