"""Finding and decoding note files: every refusal names the file and the reason."""

from __future__ import annotations

import codecs
import os
from pathlib import Path

import pytest

from studygraph.errors import NoteError
from studygraph.ingest.reading import Skipped, decode, discover, nothing_to_index, read_note, skipped_summary


def write(path: Path, data: bytes | str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def test_utf8_with_bom_is_read_without_the_bom() -> None:
    text, warnings = decode(codecs.BOM_UTF8 + b"# Title\nbody", "n.md")
    assert text == "# Title\nbody" and warnings == ()


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-16-be", "utf-32"])
def test_utf16_and_utf32_are_decoded_and_said_so(codec: str) -> None:
    text, warnings = decode("# Attention\nSoftmax(QK^T)V".encode(codec), "n.md")
    assert text == "# Attention\nSoftmax(QK^T)V"
    assert "decoded as UTF-" in warnings[0]


def test_a_few_invalid_bytes_in_utf8_text_are_replaced_and_counted() -> None:
    text, warnings = decode("Caf\u00e9 au lait is a drink. ".encode() * 3 + b"\xff\xfe!", "n.md")
    assert text.count("\ufffd") == 2 and text.startswith("Caf\u00e9 au lait")
    assert warnings == ("2 invalid UTF-8 byte(s) replaced with U+FFFD",)


@pytest.mark.parametrize(
    ("text", "codec", "named"),
    [
        ("# R\u00e9sum\u00e9 of ViT\n\nThe na\u00efve patch embedding, \u00e0 la ResNet.\n", "latin-1", "cp1252"),
        ("R\u00e9sum\u00e9 of ViT\n", "latin-1", "cp1252"),  # too short for charset-normalizer alone
        ("Caf\u00e9 au lait, \u201cquoted\u201d \u2014 a dash\n", "cp1252", "cp1252"),
        ("\u041f\u0440\u0438\u0432\u0435\u0442 \u043c\u0438\u0440, \u044d\u0442\u043e \u0437\u0430\u043c\u0435\u0442\u043a\u0430"
         " \u043e \u0442\u0440\u0430\u043d\u0441\u0444\u043e\u0440\u043c\u0435\u0440\u0430\u0445.\n", "cp1251", "cp1251"),
    ],
)
def test_a_note_in_another_encoding_keeps_its_accents_and_says_which(text: str, codec: str, named: str) -> None:
    decoded, warnings = decode(text.encode(codec), "n.md")
    assert decoded == text
    assert warnings == (f"decoded as {named} (not UTF-8; encoding detected by charset-normalizer)",)


def test_mostly_undecodable_bytes_are_refused() -> None:
    with pytest.raises(NoteError, match=r"n\.md: is not UTF-8 text \(\d+ undecodable bytes\) and no other text encoding"):
        decode(bytes(range(0x80, 0x100)) * 4, "n.md")


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "is empty"),
        (b" \n\t\r\n  ", "contains only whitespace"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01", "looks binary"),
        (b"notes\x00\x00\xff\x00binary", "looks binary"),
        ("\u3000\u2003\n".encode(), "contains only whitespace"),
    ],
)
def test_unusable_notes_are_refused_with_the_file_and_reason(tmp_path: Path, data: bytes, reason: str) -> None:
    path = write(tmp_path / "bad.md", data)
    with pytest.raises(NoteError) as info:
        read_note(path, 1000)
    assert info.value.path == str(path)
    assert reason in str(info.value) and str(path) in str(info.value)


def test_the_size_limit_is_checked_before_reading(tmp_path: Path) -> None:
    path = write(tmp_path / "big.md", "x" * 5000)
    with pytest.raises(NoteError, match=r"is 5,000 bytes, over the 4,096-byte limit \(STUDYGRAPH_MAX_NOTE_BYTES\)"):
        read_note(path, 4096)


def test_discover_reports_what_it_skips_and_why(tmp_path: Path) -> None:
    notes = tmp_path / "notes"
    outside = write(tmp_path / "outside" / "secret.md", "secret")
    write(notes / "a.md", "# A")
    write(notes / "sub" / "b.txt", "B")
    write(notes / "paper.epub", b"PK\x03\x04")
    write(notes / ".hidden.md", "hidden")
    write(notes / ".git" / "c.md", "vcs")
    (notes / "inside-link.md").symlink_to(notes / "a.md")
    (notes / "outside-link.md").symlink_to(outside)
    (notes / "loop1.md").symlink_to(notes / "loop2.md")
    (notes / "loop2.md").symlink_to(notes / "loop1.md")
    (notes / "dangling.md").symlink_to(notes / "nowhere.md")
    (notes / "sub" / "up").symlink_to(notes)  # a folder loop: must not be walked forever
    (notes / "far").symlink_to(outside.parent)
    os.mkfifo(notes / "pipe.md")

    files, skipped = discover([notes])

    assert [f.relative_to(notes).as_posix() for f in files] == ["a.md", "sub/b.txt"]
    reasons = {Path(s.path).name: s.reason for s in skipped}
    assert reasons["paper.epub"] == "has the extension .epub; Studygraph reads .md, .markdown, .txt, .rst, .rmd, .qmd, .adoc, .tex, .rnw, .html, .htm, .pdf, .ipynb, .docx, .pptx files"
    assert reasons["outside-link.md"].startswith("is a link pointing outside")
    assert reasons["loop1.md"] == reasons["loop2.md"] == reasons["dangling.md"] == "is a broken link or a symlink loop"
    assert reasons["far"].startswith("is a link to a folder outside")
    assert "pipe" in reasons["pipe.md"]
    assert not {".hidden.md", "c.md", "up", "inside-link.md"} & set(reasons)


def test_discover_of_missing_and_unsupported_paths(tmp_path: Path) -> None:
    image = write(tmp_path / "photo.png", b"\x89PNG")
    files, skipped = discover([tmp_path / "missing", image])
    assert files == []
    assert [(Path(s.path).name, s.reason) for s in skipped] == [
        ("missing", "does not exist"),
        ("photo.png", "has the extension .png; Studygraph reads .md, .markdown, .txt, .rst, .rmd, .qmd, .adoc, .tex, .rnw, .html, .htm, .pdf, .ipynb, .docx, .pptx files"),
    ]


def test_every_skip_reason_has_a_kind_for_summaries(tmp_path: Path) -> None:
    folder = tmp_path / "course"
    for name, data in [("slides.epub", b"PK\x03\x04"), ("Makefile", b"all:"), ("empty.md", b""), ("blank.md", b" \n"),
                       ("image.md", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), ("latin.md", bytes(range(0x80, 0x100)) * 4),
                       ("big.md", b"x" * 5000)]:
        write(folder / name, data)
    (folder / "dangling.md").symlink_to(folder / "nowhere.md")
    os.mkfifo(folder / "pipe.md")
    files, skipped = discover([folder, tmp_path / "missing"])
    for file in files:
        try:
            read_note(file, 4096)
        except NoteError as exc:
            skipped.append(Skipped(exc.path, exc.reason))
    skipped.append(Skipped(str(folder / "gone.md"), "was removed with `studygraph remove`; ingest it by name to add it back"))

    kinds = {Path(s.path).name: s.kind for s in skipped}

    assert kinds == {
        "slides.epub": "type not supported", "Makefile": "type not supported", "empty.md": "empty", "blank.md": "empty",
        "image.md": "binary", "latin.md": "not UTF-8", "big.md": "too large", "dangling.md": "link",
        "pipe.md": "not a file", "missing": "missing", "gone.md": "removed from the index",
    }


def test_what_was_skipped_is_counted_by_kind_largest_group_first() -> None:
    skipped = [Skipped("/c/a.pdf", "has the extension .pdf; Studygraph reads .md files"),
               Skipped("/c/b.PPTX", "has the extension .pptx; Studygraph reads .md files"),
               Skipped("/c/Makefile", "has no extension; Studygraph reads .md files"),
               Skipped("/c/big.md", "is 5,000 bytes, over the 4,096-byte limit (STUDYGRAPH_MAX_NOTE_BYTES)")]
    assert skipped_summary(skipped) == "4 files skipped (3 type not supported: .pdf, .pptx, no extension; 1 too large)"
    assert skipped_summary(skipped[3:]) == "1 file skipped (1 too large)"


def test_nothing_to_index_names_the_folder(tmp_path: Path) -> None:
    assert nothing_to_index([tmp_path], [Skipped(str(tmp_path / "a.pdf"), "has the extension .pdf; Studygraph reads .md")]) == (
        f"nothing to index in {tmp_path.resolve()}: 1 file skipped (1 type not supported: .pdf); "
        "Studygraph reads .md, .markdown, .txt, .rst, .rmd, .qmd, .adoc, .tex, .rnw, .html, .htm, .pdf, .ipynb, .docx, .pptx files")
    assert nothing_to_index([tmp_path], []) == (
        f"nothing to index in {tmp_path.resolve()}: no files found (Studygraph reads .md, .markdown, .txt, .rst, .rmd, .qmd, .adoc, .tex, .rnw, .html, .htm, .pdf, .ipynb, .docx, .pptx files)")
