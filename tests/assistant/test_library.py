"""Notes added and deleted from the app: safe names, checked bytes, nothing written
outside the notes folder, and the index and graph following every change."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from studygraph.assistant.library import (
    NoteLibrary,
    check_content,
    check_name,
    name_for_title,
    pasted_text,
    readable_size,
    remove_note,
    save_note,
)
from studygraph.errors import NoteError
from studygraph.settings import load_settings

LIMIT = 10_000
QUOKKA = """# Marsupial attention

### What is Quokka Attention?
Quokka Attention is an attention layer that only attends to marsupial tokens.
It was proposed for wildlife captioning and uses Softmax over pouch embeddings.
"""


def tree(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*")}


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("../../x.md", "points outside the notes folder"),
        ("..", "points outside the notes folder"),
        ("/etc/passwd.md", "is an absolute path"),
        ("C:\\notes\\x.md", "is an absolute path"),
        ("sub/x.md", "contains a folder separator"),
        ("sub\\x.md", "contains a folder separator"),
        ("x\x00.md", "contains control characters"),
        ("line\nbreak.md", "contains control characters"),
        ("a\u202eb.md", "contains control characters"),  # right-to-left override hides the real extension
        ("slides.epub", "has the extension .epub; use one of .md, .markdown, .txt, .rst, .rmd, .qmd, .adoc, .tex, .rnw, .html, .htm, .pdf, .ipynb, .docx, .pptx"),
        ("README", "has no extension"),
        (".md", "starts with a dot"),
        ("   ", "has no file name"),
        ("what?.md", "contains characters not allowed"),
        ("x" * 250 + ".md", "over 200 bytes"),
    ],
)
def test_bad_names_are_refused_with_the_reason(name, reason):
    with pytest.raises(NoteError) as err:
        check_name(name)
    assert reason in str(err.value)


@pytest.mark.parametrize("name", ["Lecture 1.md", "notes.markdown", "Vorlesung-ü.RST", " padded.txt "])
def test_plain_names_pass(name):
    assert check_name(name) == name.strip()


def test_titles_become_slugs_that_cannot_escape():
    assert name_for_title("Lecture 3 - Attention!") == "lecture-3-attention.md"
    assert name_for_title("../../etc/passwd") == "etc-passwd.md"
    assert name_for_title("???") == "note.md"
    for bad in ("", "  ", "bell\x07"):
        with pytest.raises(NoteError):
            name_for_title(bad)


def test_pasted_note_gets_its_title_as_heading_once():
    assert pasted_text("Attention", "Queries meet keys.") == "# Attention\n\nQueries meet keys.\n"
    assert pasted_text("Attention", "# Attention\nQueries meet keys.") == "# Attention\nQueries meet keys.\n"


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "is empty"),
        (b" \n\t\n", "contains only whitespace"),
        (b"abc\x00\x01\x02", "looks binary"),
        (b"x" * (LIMIT + 1), "is 10,001 bytes, over the 10,000-byte limit"),
        (b"x" * (3 * LIMIT), "is 29 KB, over the 9.8 KB limit"),
        (bytes(range(128, 256)) * 4, "is not UTF-8 text"),
    ],
)
def test_bad_content_is_refused_with_the_reason(data, reason):
    with pytest.raises(NoteError) as err:
        check_content("n.md", data, LIMIT)
    assert reason in str(err.value) and str(err.value).startswith("n.md: ")


@pytest.mark.parametrize(
    ("n", "shown"),
    [(0, "0 bytes"), (1, "1 byte"), (1023, "1,023 bytes"), (1024, "1 KB"), (10_000, "9.8 KB"), (12_800, "12 KB"),
     (20 * 1024 * 1024, "20 MB"), (22_020_096, "21 MB"), (3 * 1024**3, "3 GB")],
)
def test_sizes_read_as_people_say_them(n, shown):
    assert readable_size(n) == shown


def test_save_writes_only_the_note_inside_the_folder(tmp_path):
    folder = tmp_path / "home" / "notes"
    before = tree(tmp_path)
    path = save_note(folder, "lecture.md", b"# Lecture\nbody\n", LIMIT)
    assert path == folder.resolve() / "lecture.md" and path.read_text() == "# Lecture\nbody\n"
    assert tree(tmp_path) - before == {"home", "home/notes", "home/notes/lecture.md"}


def test_save_refuses_an_existing_name_unless_asked_to_replace(tmp_path):
    path = save_note(tmp_path, "a.md", b"first", LIMIT)
    with pytest.raises(NoteError, match="already exists"):
        save_note(tmp_path, "a.md", b"second", LIMIT)
    assert path.read_bytes() == b"first"
    save_note(tmp_path, "a.md", b"second", LIMIT, replace=True)
    assert path.read_bytes() == b"second"
    assert sorted(os.listdir(tmp_path)) == ["a.md"]  # no temporary file left behind


def test_save_never_writes_through_a_link_or_outside(tmp_path):
    folder, outside = tmp_path / "notes", tmp_path / "outside.md"
    folder.mkdir()
    outside.write_text("keep me")
    (folder / "link.md").symlink_to(outside)
    for name in ("link.md", "../outside.md", str(outside)):
        with pytest.raises(NoteError):
            save_note(folder, name, b"overwritten?", LIMIT, replace=True)
    assert outside.read_text() == "keep me"
    with pytest.raises(NoteError, match="looks binary"):
        save_note(folder, "blob.md", b"\x00\x00\x00", LIMIT)
    assert sorted(os.listdir(folder)) == ["link.md"]


def test_remove_only_inside_the_folder(tmp_path):
    folder, outside = tmp_path / "notes", tmp_path / "outside.md"
    folder.mkdir()
    outside.write_text("keep me")
    (folder / "link.md").symlink_to(outside)
    for path in (outside, "../outside.md", folder):
        with pytest.raises(NoteError, match="not in your notes folder"):
            remove_note(folder, path)
    with pytest.raises(NoteError, match="does not exist"):
        remove_note(folder, "missing.md")
    remove_note(folder, "link.md")  # the link goes, not what it points to
    assert outside.read_text() == "keep me" and not os.listdir(folder)


@pytest.fixture
def library(tmp_path, model_path):
    from studygraph.assistant.facade import Studygraph

    return NoteLibrary(Studygraph(load_settings(env={}, home=tmp_path / "home", model_path=model_path)))


def test_added_note_is_searchable_and_in_the_graph_then_deleting_removes_it(library):
    sg = library.assistant
    saved = library.add_text("Marsupial attention", QUOKKA)
    path = str(saved.path)
    assert saved.report.added == (path,)
    assert sg.search("attention over marsupial tokens", k=1)[0].chunk.source == path
    concept = sg.graph().concept("Quokka Attention")
    assert concept is not None and sg.graph().passages[concept.id][0].source == path
    [row] = library.notes()
    assert (row.title, row.removable, row.chunks) == ("Marsupial attention", True, len(sg.notes()[0].chunk_ids))

    other = library.add("second.md", b"# Second\nSoftmax normalises scores over keys in dot-product attention.\n\n"
                                      b"- **Dot-product attention**: weights values by query-key scores.\n")
    assert other.report.added == (str(other.path),) and other.report.unchanged == (path,)

    report = library.delete(path)
    assert report.removed == (path,)
    graph = sg.graph()
    assert graph.concept("Quokka Attention") is None  # an orphan concept goes with its only note
    assert all(c.source != path for c in sg.index().chunks)
    evidence = [e for r in graph.relations for e in r.evidence] + [e for ps in graph.passages.values() for e in ps]
    assert evidence and all(e.source != path for e in evidence)
    assert [n.name for n in library.notes()] == ["second.md"]
    assert not Path(path).exists()


def test_add_files_keeps_the_good_and_names_what_it_refused(library):
    saved = library.add_files([("good.txt", b"Good notes about attention heads."), ("../bad.md", b"x"),
                               ("empty.md", b"")])
    assert [p.name for p in saved.paths] == ["good.txt"]
    assert [(e.path, e.reason.split(";")[0]) for e in saved.refused] == [
        ("../bad.md", "points outside the notes folder (..)"), ("empty.md", "is empty")]
    assert sorted(os.listdir(library.folder)) == ["good.txt"]
    assert [n.name for n in library.notes()] == ["good.txt"]
    with pytest.raises(NoteError, match=r"has the extension \.exe"):
        library.add("tool.exe", b"MZ")


def test_notes_outside_the_folder_are_listed_but_not_removable(library, tmp_path):
    course = tmp_path / "course"
    course.mkdir()
    (course / "week1.md").write_text("# Week 1\nContrastive losses pull matching pairs together.\n")
    library.assistant.ingest([course, library.folder])
    [row] = library.notes()
    assert row.title == "Week 1" and not row.removable
    with pytest.raises(NoteError, match="not in your notes folder"):
        library.delete(row.path)
    assert (course / "week1.md").exists()
