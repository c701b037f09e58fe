"""Notes the student adds or deletes from the app.

A note is saved only inside the notes folder, under a plain file name with a
note extension, after the same checks ingest applies (not empty, not binary,
not over the size limit); then the folder is re-ingested incrementally, so the
note is searchable and in the concept graph as soon as `add` returns. Deleting
a note and re-ingesting drops its chunks, its evidence and the concepts only
it named. Every refusal is a `NoteError` naming the file and the reason.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from studygraph.assistant.note_text import NoteText, note_text
from studygraph.atomic import write_bytes
from studygraph.errors import NoteError
from studygraph.ingest.formats import READERS, read_document
from studygraph.ingest.pipeline import IngestReport, ProgressFn
from studygraph.ingest.reading import decode
from studygraph.settings import SUFFIXES

if TYPE_CHECKING:
    from studygraph.assistant.facade import Studygraph

MAX_NAME_BYTES = 200
# Refused on at least one common file system; `/` and `\` get their own message.
RESERVED = set('<>:"|?*')


@dataclass(frozen=True)
class NoteInfo:
    """One ingested note as the notes page lists it."""

    path: str
    name: str
    title: str
    size: int
    chunks: int
    ingested_at: float
    removable: bool  # only notes inside the notes folder can be deleted from the app
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class Saved:
    """What an add did: the notes written, the files refused (and why), the ingest."""

    paths: tuple[Path, ...]
    refused: tuple[NoteError, ...]
    report: IngestReport | None

    @property
    def path(self) -> Path:
        return self.paths[0]


def check_name(name: str) -> str:
    """A file name that is safe to create directly inside the notes folder.

    Args:
        name: the name the user gave or the uploaded file carried.

    Returns:
        The name without surrounding whitespace.

    Raises:
        NoteError: control characters, a path (absolute, `..`, separators),
            a hidden or over-long name, or an extension other than SUFFIXES.
    """
    shown = repr(name) if not name.strip() or _has_control(name) else name
    name = name.strip()
    if not name:
        raise NoteError(shown, "has no file name")
    if _has_control(name):
        raise NoteError(shown, "contains control characters; use letters, digits, spaces, - and _")
    parts = re.split(r"[/\\]", name)
    if name.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", name):
        raise NoteError(name, "is an absolute path; give a plain file name such as lecture-1.md")
    if ".." in parts:
        raise NoteError(name, "points outside the notes folder (..); give a plain file name such as lecture-1.md")
    if len(parts) > 1:
        raise NoteError(name, "contains a folder separator; give a plain file name such as lecture-1.md")
    if name.startswith("."):
        raise NoteError(name, "starts with a dot (a hidden file); give a plain file name such as lecture-1.md")
    reserved = " ".join(sorted(RESERVED & set(name)))
    if reserved:
        raise NoteError(name, f"contains characters not allowed in file names ({reserved})")
    suffix = Path(name).suffix.lower()
    if suffix not in SUFFIXES:
        got = f"the extension {suffix}" if suffix else "no extension"
        raise NoteError(name, f"has {got}; use one of {', '.join(SUFFIXES)}")
    if len(name.encode("utf-8")) > MAX_NAME_BYTES:
        raise NoteError(name[:40] + "...", f"is a file name over {MAX_NAME_BYTES} bytes; choose a shorter one")
    return name


def readable_size(n: int) -> str:
    """`512 bytes`, `9.8 KB`, `20 MB` (powers of 1024, as file managers show them): a limit of
    20,971,520 bytes reads "20 MB"."""
    value, unit = float(n), "bytes"
    for bigger in ("KB", "MB", "GB"):
        if value < 1024:
            break
        value, unit = value / 1024, bigger
    if unit == "bytes":
        return f"{n:,} byte{'' if n == 1 else 's'}"
    shown = f"{value:.1f}" if value < 10 else f"{value:.0f}"
    return f"{shown.removesuffix('.0')} {unit}"


def name_for_title(title: str) -> str:
    """The file name a pasted note gets: its title as a lower-case slug plus `.md`.

    Raises:
        NoteError: an empty title or one with control characters.
    """
    if _has_control(title):
        raise NoteError(repr(title), "the title contains control characters")
    words = unicodedata.normalize("NFKC", title).strip()
    if not words:
        raise NoteError("title", "is empty; give the note a title")
    slug = re.sub(r"[^\w]+", "-", words.lower()).strip("-_")[:80].strip("-_")
    return f"{slug or 'note'}.md"


def check_content(name: str, data: bytes, max_bytes: int) -> str:
    """The note's text if ingest would accept these bytes.

    Raises:
        NoteError: over max_bytes, empty or whitespace only, binary or not UTF-8.
    """
    if len(data) > max_bytes:
        size, limit = readable_size(len(data)), readable_size(max_bytes)
        if size == limit:  # 10,001 bytes over a 10,000-byte limit both read "9.8 KB": say the bytes
            size, limit = f"{len(data):,} bytes", f"{max_bytes:,}-byte"
        raise NoteError(name, f"is {size}, over the {limit} limit (STUDYGRAPH_MAX_NOTE_BYTES)")
    if not data.strip():
        raise NoteError(name, "is empty" if not data else "contains only whitespace")
    suffix = Path(name).suffix.lower()
    if suffix in READERS:  # a PDF, notebook, Word or PowerPoint file: read as ingest will read it
        return read_document(suffix, data, name, max_bytes).text
    text, _ = decode(data, name)
    if not text.strip():
        raise NoteError(name, "contains only whitespace")
    return text


def save_note(folder: Path, name: str, data: bytes, max_bytes: int, replace: bool = False) -> Path:
    """Write a note into `folder` (atomically) after checking its name and bytes.

    Args:
        folder: the notes folder (created if missing).
        name: a plain file name (see check_name).
        data: the note's bytes.
        max_bytes: the size limit ingest applies.
        replace: overwrite a note of the same name instead of refusing.

    Returns:
        The path written, inside `folder`.
    """
    name = check_name(name)
    check_content(name, data, max_bytes)
    folder.mkdir(parents=True, exist_ok=True)
    root = folder.resolve()
    target = root / name
    if target.is_symlink() or (target.exists() and not target.is_file()):
        raise NoteError(name, "exists in the notes folder and is not a plain file; choose another name")
    if target.exists() and not replace:
        raise NoteError(name, "already exists in the notes folder; delete it first or choose another name")
    # Written under a hidden name with a non-note suffix: a concurrent ingest never reads a half-written note.
    write_bytes(target, data)
    return target


def pasted_text(title: str, body: str) -> str:
    """A pasted note as saved: the title as a heading unless the body starts with it."""
    title, body = title.strip(), body.strip()
    first = body.splitlines()[0].lstrip("#").strip() if body else ""
    if first.lower() == title.lower():
        return body + "\n"
    return f"# {title}\n\n{body}\n"


def remove_note(folder: Path, path: str | Path) -> Path:
    """Delete one note file that lives inside `folder`.

    Raises:
        NoteError: the path is outside the notes folder or is not a file there.
    """
    root = folder.resolve()
    given = Path(path)
    # abspath, not resolve: a link inside the folder is removed itself, never what it points to.
    target = Path(os.path.abspath(given if given.is_absolute() else root / given))
    if not target.is_relative_to(root) or target == root:
        raise NoteError(str(path), f"is not in your notes folder ({root}); only notes added there can be deleted here")
    if not (target.is_file() or target.is_symlink()):
        raise NoteError(str(path), "does not exist in the notes folder")
    target.unlink()
    return target


class NoteLibrary:
    """The notes folder of one assistant: list, add and delete, each followed by an ingest.

    Args:
        assistant: the facade whose index and graph the notes feed.
    """

    def __init__(self, assistant: Studygraph) -> None:
        self.assistant = assistant

    @property
    def folder(self) -> Path:
        return self.assistant.settings.notes

    def notes(self) -> list[NoteInfo]:
        """Ingested notes, the notes folder's first, then by title."""
        root = self.folder.resolve()
        rows = [
            NoteInfo(
                path=r.path, name=Path(r.path).name, title=r.title or Path(r.path).name, size=r.size,
                chunks=len(r.chunk_ids), ingested_at=r.ingested_at,
                removable=Path(r.path).is_relative_to(root), warnings=r.warnings,
            )
            for r in self.assistant.notes()
        ]
        return sorted(rows, key=lambda n: (not n.removable, n.title.lower(), n.path))

    def add(self, name: str, data: bytes, progress: ProgressFn | None = None, replace: bool = False) -> Saved:
        """Save one uploaded file and ingest it.

        Raises:
            NoteError: the file was refused; nothing is written.
        """
        saved = self.add_files([(name, data)], progress, replace)
        if saved.refused:
            raise saved.refused[0]
        return saved

    def add_files(self, files: Sequence[tuple[str, bytes]], progress: ProgressFn | None = None,
                  replace: bool = False) -> Saved:
        """Save several files, then ingest once; a refused file does not stop the others."""
        limit = self.assistant.settings.max_note_bytes
        paths: list[Path] = []
        refused: list[NoteError] = []
        for name, data in files:
            try:
                paths.append(save_note(self.folder, name, data, limit, replace))
            except NoteError as exc:
                refused.append(exc)
        if not paths:
            return Saved((), tuple(refused), None)
        report = self.assistant.ingest([self.folder], progress=progress)
        for path in list(paths):
            skipped = next((s for s in report.skipped if Path(s.path).resolve() == path), None)
            if skipped is not None:
                # Ingest refused what the checks let through: leave no unindexed file behind.
                path.unlink(missing_ok=True)
                paths.remove(path)
                refused.append(NoteError(path.name, skipped.reason))
        return Saved(tuple(paths), tuple(refused), report)

    def add_text(self, title: str, body: str, progress: ProgressFn | None = None, replace: bool = False) -> Saved:
        """Save a pasted note (title + body) as `<slug of title>.md` and ingest it."""
        name = name_for_title(title)
        if not body.strip():
            raise NoteError(name, "is empty; paste the text of the note")
        return self.add(name, pasted_text(title, body).encode("utf-8"), progress, replace)

    def read(self, wanted: str) -> NoteText:
        """An indexed note's lines and passages, for the note viewer (see `note_text`)."""
        return note_text(self.assistant, wanted)

    def delete(self, path: str | Path, progress: ProgressFn | None = None) -> IngestReport:
        """Delete a note of the notes folder and drop it from the index and the graph."""
        remove_note(self.folder, path)
        return self.assistant.ingest([self.folder], progress=progress)


def _has_control(text: str) -> bool:
    return any(unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") for ch in text)
