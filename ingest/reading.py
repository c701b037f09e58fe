"""Finding note files and decoding them safely.

Every refusal is a `NoteError` naming the file and the reason; one bad file
never stops the others from being read.
"""

from __future__ import annotations

import codecs
import hashlib
import logging
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from studygraph.errors import NoteError
from studygraph.ingest.formats import READERS, read_document
from studygraph.ingest.note import Note
from studygraph.settings import SUFFIXES

logger = logging.getLogger(__name__)
SKIP_DIRS = {".git", ".hg", ".svn", ".venv", "venv", "node_modules", "__pycache__", ".studygraph"}


# A skip reason in a word or two, for summaries: (kind, words only reasons of that kind contain).
# The reasons are written in this module (and `pipeline` for "was removed"); test_reading pins each one.
KINDS = (
    ("type not supported", "; Studygraph reads "),
    ("too large", "-byte limit"),
    ("empty", "is empty"),
    ("empty", "contains only whitespace"),
    ("binary", "looks binary"),
    ("not UTF-8", "is not UTF-8"),
    ("unreadable", "cannot be read"),
    ("removed from the index", "was removed with `studygraph remove`"),
    ("missing", "does not exist"),
    ("link", "link"),
    ("not a file", "is not a regular file"),
    ("no text layer", "no text layer"),
    ("encrypted", "needs a password"),
    ("damaged", "is not a readable"),
    ("too large", "-page limit"),
    ("too large", "zip bomb"),
    ("too slow to read", "and was stopped"),
    ("damaged", "stopped the PDF reader"),
    ("too large", "MB of memory"),
    ("empty", "contains no text"),
)


@dataclass(frozen=True)
class Skipped:
    path: str
    reason: str

    @property
    def kind(self) -> str:
        """Why, in a word or two: "type not supported", "too large", "empty", ..."""
        return next((kind for kind, words in KINDS if words in self.reason), "other")


def skipped_summary(skipped: Sequence[Skipped]) -> str:
    """`3 files skipped (2 type not supported: .pdf, .pptx; 1 too large)`, the largest group first."""
    groups: dict[str, list[Skipped]] = {}
    for item in skipped:
        groups.setdefault(item.kind, []).append(item)
    parts = []
    for kind, items in sorted(groups.items(), key=lambda group: (-len(group[1]), group[0])):
        part = f"{len(items)} {kind}"
        if kind == "type not supported":
            part += ": " + ", ".join(sorted({Path(i.path).suffix.lower() or "no extension" for i in items}))
        parts.append(part)
    return f"{len(skipped)} file{'s' if len(skipped) != 1 else ''} skipped ({'; '.join(parts)})"


def nothing_to_index(paths: Sequence[Path], skipped: Sequence[Skipped]) -> str:
    """What to tell someone whose paths held no note that could be read."""
    where = ", ".join(str(Path(p).expanduser().resolve()) for p in paths)
    if not skipped:
        return f"nothing to index in {where}: no files found (Studygraph reads {', '.join(SUFFIXES)} files)"
    hint = f"; Studygraph reads {', '.join(SUFFIXES)} files" if any(s.kind == "type not supported" for s in skipped) else ""
    return f"nothing to index in {where}: {skipped_summary(skipped)}{hint}"


def file_digest(path: Path) -> str:
    sha = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            sha.update(block)
    return sha.hexdigest()


def decode(data: bytes, path: str) -> tuple[str, tuple[str, ...]]:
    """Decode note bytes: BOMs honoured, UTF-8 expected, another encoding detected and reported.

    Raises:
        NoteError: binary bytes, or bytes no text encoding fits.
    """
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8) :].decode("utf-8", errors="replace"), ()
    for bom, name in ((codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"),
                      (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        if data.startswith(bom):
            text = data[len(bom) :].decode(name, errors="replace")
            return text, (f"decoded as {name.upper()} (byte-order mark)",)
    if b"\x00" in data[:8192] or b"\x00" in data[-8192:]:
        guessed = _utf16_without_bom(data)
        if guessed:
            text = data.decode(guessed, errors="replace")
            return text, (f"decoded as {guessed.upper()} (no byte-order mark; guessed from its zero bytes)",)
        raise NoteError(path, "looks binary (contains NUL bytes); only text notes can be ingested")
    try:
        return data.decode("utf-8"), ()
    except UnicodeDecodeError as exc:
        text = data.decode("utf-8", errors="replace")
        bad = text.count("\ufffd")
        if any(ord(ch) > 0x7F and ch != "\ufffd" for ch in text):
            # Valid multi-byte sequences too: UTF-8 with a few damaged bytes, not another encoding.
            if bad > max(16, len(text) // 10):
                raise NoteError(path, f"is not UTF-8 text ({bad} undecodable bytes); convert it to UTF-8") from exc
            return text, (f"{bad} invalid UTF-8 byte(s) replaced with U+FFFD",)
        legacy = _legacy_encoding(data)
        if legacy is None:
            raise NoteError(path, f"is not UTF-8 text ({bad} undecodable bytes) and no other text encoding fits it; "
                                  "convert it to UTF-8") from exc
        return data.decode(legacy), (f"decoded as {legacy} (not UTF-8; encoding detected by charset-normalizer)",)


def _legacy_encoding(data: bytes) -> str | None:
    """The single- or multi-byte encoding a non-UTF-8 note is written in, or None when none is plausible.

    charset-normalizer ranks code pages by how messy the decoded text looks ("chaos"). On a short
    Western note every Latin code page reads "é" alike and ties at chaos 0, and it picks one at random
    ("Résumé of ViT" came out as cp1006 "Rﻠsumﻠ", "café" as cp1250); so cp1252 (a superset of
    Latin-1's printable characters, what Windows and old editors write) wins whenever its text is no
    messier than the best match. Cyrillic or Greek cp125x bytes read as cp1252 score 0.9-1.2 and lose.
    """
    from charset_normalizer import from_bytes  # ~0.05 s import, only for the rare non-UTF-8 note
    from charset_normalizer.md import mess_ratio

    best = from_bytes(data).best()
    try:
        western = data.decode("cp1252")
    except UnicodeDecodeError:
        western = None
    if western is not None and mess_ratio(western, 0.2) <= (best.chaos if best is not None else 0.2):
        return "cp1252"
    return best.encoding if best is not None else None


def _utf16_without_bom(data: bytes) -> str | None:
    """'utf-16-le'/'utf-16-be' when the zero bytes fall like ASCII text in UTF-16, else None."""
    head = data[:8192]
    if len(head) < 4 or len(head) % 2:
        return None
    even, odd = head[0::2], head[1::2]
    for name, zeros, chars in (("utf-16-le", odd, even), ("utf-16-be", even, odd)):
        if zeros.count(0) >= 0.9 * len(zeros) and chars.count(0) == 0:
            return name
    return None


def read_note(path: Path, max_bytes: int) -> Note:
    """Read and decode one note.

    Raises:
        NoteError: empty, whitespace-only, binary, undecodable or over max_bytes.
    """
    shown = str(path)
    try:
        stat = path.stat()
    except OSError as exc:
        raise NoteError(shown, f"cannot be read ({exc.strerror or exc})") from exc
    if stat.st_size > max_bytes:
        raise NoteError(shown, f"is {stat.st_size:,} bytes, over the {max_bytes:,}-byte limit (STUDYGRAPH_MAX_NOTE_BYTES)")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise NoteError(shown, f"cannot be read ({exc.strerror or exc})") from exc
    if not data.strip():
        raise NoteError(shown, "is empty" if not data else "contains only whitespace")
    units = ""
    if path.suffix.lower() in READERS:
        document = read_document(path.suffix.lower(), data, shown, max_bytes)
        text, units, warnings = document.text, document.units, document.warnings
    else:
        text, warnings = decode(data, shown)
    if not text.strip():
        raise NoteError(shown, "contains only whitespace")
    return Note(
        path=str(path),
        text=text,
        sha256=hashlib.sha256(data).hexdigest(),
        size=stat.st_size,
        mtime=stat.st_mtime,
        warnings=warnings,
        units=units,
    )


def discover(paths: Iterable[Path]) -> tuple[list[Path], list[Skipped]]:
    """Note files under the given files/folders (recursive), resolved and de-duplicated.

    Symlinks are followed only when they stay inside the folder being walked;
    loops, links pointing outside and files of other types are skipped with a
    reason (hidden files and folders silently).
    """
    found: dict[str, Path] = {}
    skipped: list[Skipped] = []
    for given in paths:
        given = Path(given).expanduser()
        if not given.exists():
            reason = "is a broken link or a symlink loop" if given.is_symlink() else "does not exist"
            skipped.append(Skipped(str(given), reason))
            continue
        if given.is_file():
            resolved = given.resolve()
            if resolved.suffix.lower() in SUFFIXES:
                found.setdefault(str(resolved), resolved)
            else:
                skipped.append(Skipped(str(given), _unsupported(resolved)))
            continue
        if not given.is_dir():
            skipped.append(Skipped(str(given), "is not a regular file or folder"))
            continue
        root = given.resolve()
        for folder, dirs, files in os.walk(root, followlinks=False):
            for name in sorted(d for d in dirs if not d.startswith(".") and (Path(folder) / d).is_symlink()):
                # Never followed (loops); one that leaves the folder is worth a word.
                link = Path(folder) / name
                target = link.resolve()
                if not target.is_relative_to(root):
                    skipped.append(Skipped(str(link), f"is a link to a folder outside {root}; ingest that folder itself"))
            dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS and not d.startswith("."))
            for name in sorted(files):
                if name.startswith("."):
                    continue
                candidate = Path(folder) / name
                if Path(name).suffix.lower() not in SUFFIXES:
                    skipped.append(Skipped(str(candidate), _unsupported(candidate)))
                    continue
                try:
                    resolved = candidate.resolve(strict=True)
                except (OSError, RuntimeError):
                    skipped.append(Skipped(str(candidate), "is a broken link or a symlink loop"))
                    continue
                if candidate.is_symlink() and not resolved.is_relative_to(root):
                    skipped.append(Skipped(str(candidate), f"is a link pointing outside {root}"))
                    continue
                if resolved.is_file():
                    found.setdefault(str(resolved), resolved)
                else:
                    skipped.append(Skipped(str(candidate), "is not a regular file (a folder, pipe or device)"))
    return sorted(found.values()), skipped


def _unsupported(path: Path) -> str:
    kind = f"the extension {path.suffix}" if path.suffix else "no extension"
    return f"has {kind}; Studygraph reads {', '.join(SUFFIXES)} files"
