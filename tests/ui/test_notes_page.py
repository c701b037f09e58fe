"""The notes page: list, add by paste or upload (re-ingested, searchable, in the
graph), refuse bad files with a clear message, delete with confirmation."""

from __future__ import annotations

import os
import re

from ui_helpers import ANSWER_NOTE, ANSWER_TEXT, answer_line, ok, texts, unescape

NOTES = "views/notes.py"
BODY = """### What is Quokka Attention?
Quokka Attention attends only to marsupial tokens <script>alert("owned")</script> <img src=x onerror=alert(1)>.
It was first described in ![tracker](http://example.com/t.png) **field notes**.
"""


def open_notes(app):
    app.switch_page(NOTES)
    return ok(app.run())


def choose(app, name: str):
    app.segmented_control(key="notes_section").set_value(name)
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
    choose(app, "delete")
    app.selectbox[0].select(str(own_home / "notes" / "quokka-notes.md"))
    button(app, "Delete...").click()
    ok(app.run())
    assert "Delete quokka-notes.md" in unescape(app.warning[0].value)
    assert os.path.exists(own_home / "notes" / "quokka-notes.md")  # not before confirming
    button(app, "Yes, delete it").click()
    ok(app.run())
    assert section(app) == "delete"
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
    choose(app, "upload")
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
    assert any(e.startswith("huge.md: is 21 MB, over the 20 MB limit") for e in errors)
    assert any("Added ok.txt" in unescape(s) for s in texts(app.success))
    assert os.listdir(own_home / "notes") == ["ok.txt"]
    assert sorted(p.name for p in own_home.parent.iterdir()) == before


def section(app) -> str:
    return app.segmented_control(key="notes_section").value


def test_the_section_stays_where_the_user_is_after_an_upload(own_home, app):
    open_notes(app)
    assert section(app) == "paste" and "Up to 20 MB each" in unescape(app.caption[0].value)
    choose(app, "upload")
    app.file_uploader[0].set_value([("attention.txt", b"Attention heads attend in parallel.", "text/plain")])
    ok(app.run())
    button(app, "Add files").click()
    ok(app.run())
    assert any("Added attention.txt" in unescape(s) for s in texts(app.success))
    assert section(app) == "upload" and len(app.file_uploader) == 1 and not app.file_uploader[0].value


def test_a_saved_note_clears_the_form_and_a_refused_one_keeps_it(own_home, app):
    open_notes(app)
    app.text_input[0].input("Only a title")
    button(app, "Save and index").click()
    ok(app.run())
    assert [unescape(e) for e in texts(app.error)] == ["only-a-title.md: is empty; paste the text of the note"]
    assert not app.get("progress")  # refused before any ingest: no progress bar
    assert app.text_input[0].value == "Only a title"  # nothing typed is lost
    app.text_area[0].input("Beam search keeps the k best hypotheses.")
    button(app, "Save and index").click()
    ok(app.run())
    assert any("Added only-a-title.md" in unescape(s) for s in texts(app.success))
    assert app.text_input[0].value == "" and app.text_area[0].value == ""


def test_a_latin1_upload_is_indexed_with_its_accents(own_home, app):
    open_notes(app)
    choose(app, "upload")
    note = "# R\u00e9sum\u00e9 of ViT\n\nThe na\u00efve patch embedding is linear.\n".encode("latin-1")
    app.file_uploader[0].set_value([("resume.md", note, "text/markdown")])
    ok(app.run())
    button(app, "Add files").click()
    ok(app.run())
    assert "R\u00e9sum\u00e9 of ViT" in set(app.dataframe[0].value["Title"])
    assert (own_home / "notes" / "resume.md").read_bytes() == note


def test_a_link_opens_the_note_at_the_cited_line(shared_home, app):
    app.query_params["view_note"] = ANSWER_NOTE
    app.query_params["line"] = str(answer_line())
    open_notes(app)
    assert section(app) == "read"
    line = answer_line()
    marked = [c.value for c in app.code if f"\u25b6 {line} \u2502" in c.value]
    assert marked and ANSWER_TEXT in marked[0]
    assert any(m.startswith(f"Line {line}") for m in map(unescape, texts(app.markdown)))
    passages = app.dataframe[1].value
    assert list(passages.columns) == ["Lines", "Heading", "Starts with"] and len(passages) > 3
    choose(app, "paste")
    assert section(app) == "paste"  # the link is applied once, not on every rerun


def test_another_page_opens_a_note_through_session_state(shared_home, app):
    app.session_state["view_note"] = ANSWER_NOTE
    app.session_state["view_line"] = 2
    open_notes(app)
    assert section(app) == "read" and app.number_input(key="notes_line").value == 2
    app.session_state["view_note"] = "nowhere.md"
    open_notes(app)
    assert "No indexed note named 'nowhere.md'" in unescape(app.warning[0].value)
