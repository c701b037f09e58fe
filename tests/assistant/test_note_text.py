"""Reading an indexed note back for the note viewer: its lines numbered as citations
number them, its passages, and a word when the file changed or vanished."""

from __future__ import annotations

import pytest

from studygraph.assistant.library import NoteLibrary
from studygraph.assistant.output import display_path
from studygraph.errors import NoteError
from studygraph.settings import load_settings

NOTE = """# Vision Transformers

## Patches
ViT splits an image into 16x16 patches.
Each patch is embedded linearly.

## Training
ViT needs large datasets such as JFT-300M.
"""
LATIN1 = "# R\u00e9sum\u00e9 of ViT\n\nThe na\u00efve patch embedding, \u00e0 la ResNet, is linear.\n"


@pytest.fixture
def library(tmp_path, model_path):
    from studygraph.assistant.facade import Studygraph

    return NoteLibrary(Studygraph(load_settings(env={}, home=tmp_path / "home", model_path=model_path)))


def test_a_note_reads_back_line_for_line_with_its_passages(library):
    path = str(library.add("vit.md", NOTE.encode()).path)
    for name in (path, display_path(path), "vit.md"):
        note = library.read(name)
        assert note.path == path and note.title == "Vision Transformers" and note.caveat == ""
    assert note.lines[7] == "ViT needs large datasets such as JFT-300M."  # line 8, as a citation counts it
    assert note.passages and [c.start_line for c in note.passages] == sorted(c.start_line for c in note.passages)
    held = note.passage_at(8)
    assert held is not None and "JFT-300M" in held.text and "Training" in held.heading


def test_a_latin1_note_is_stored_and_read_with_its_accents(library):
    saved = library.add("resume.md", LATIN1.encode("latin-1"))
    assert saved.path.read_bytes() == LATIN1.encode("latin-1")  # the file is kept as given
    [row] = library.notes()
    assert row.title == "R\u00e9sum\u00e9 of ViT"
    assert row.warnings == ("decoded as cp1252 (not UTF-8; encoding detected by charset-normalizer)",)
    assert library.read("resume.md").lines[2].startswith("The na\u00efve patch embedding, \u00e0 la ResNet")
    hit = library.assistant.search("naive patch embedding like ResNet", k=1)[0]
    assert "na\u00efve" in hit.chunk.text


def test_a_changed_or_vanished_file_is_said_and_still_shown(library):
    saved = library.add("vit.md", NOTE.encode())
    saved.path.write_text(NOTE.replace("16x16", "14x14"), encoding="utf-8")
    changed = library.read("vit.md")
    assert "changed since it was indexed" in changed.caveat and "14x14" in changed.lines[3]
    saved.path.unlink()
    gone = library.read("vit.md")
    assert "is no longer on disk" in gone.caveat
    assert gone.lines[3] == "ViT splits an image into 16x16 patches." and gone.lines[7].endswith("JFT-300M.")


def test_an_unknown_note_is_refused_with_the_reason(library):
    library.add("vit.md", NOTE.encode())
    with pytest.raises(NoteError, match=r"nowhere\.md: is not an indexed note"):
        library.read("nowhere.md")
