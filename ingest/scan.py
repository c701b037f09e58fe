"""Step 0 of a write, before anything is written: find the note files, hash the
known ones, re-read and re-chunk only the new and changed ones, and name the
notes that are gone."""

from __future__ import annotations

import time
from collections.abc import Set
from dataclasses import dataclass, field
from pathlib import Path

from studygraph.errors import NoteError
from studygraph.ingest.chunking import split_note
from studygraph.ingest.journal import Journal
from studygraph.ingest.manifest import Manifest, NoteRecord
from studygraph.ingest.note import Chunk, Note
from studygraph.ingest.reading import Skipped, discover, file_digest, read_note
from studygraph.ingest.report import Progress, ProgressFn
from studygraph.settings import Settings


@dataclass
class Scan:
    """What one pass over the note files found, before anything is written."""

    files: list[Path]
    skipped: list[Skipped]
    excluded: dict[str, str]  # path -> sha256 of notes `studygraph remove` keeps out
    warnings: list[str] = field(default_factory=list)
    changed: dict[str, list[Chunk]] = field(default_factory=dict)  # new or edited notes, re-chunked
    records: dict[str, NoteRecord] = field(default_factory=dict)  # manifest records of `changed`
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)  # in the manifest, gone from disk or from under paths
    # Known notes the student emptied: no line of them is left to cite, so they leave the index.
    # A note that turns binary, undecodable or too large keeps its indexed version (likely an accident).
    emptied: list[str] = field(default_factory=list)


def scan_notes(
    paths: list[Path], manifest: Manifest, journal: Journal, settings: Settings, emit: ProgressFn, recheck: bool,
    lost: Set[str] = frozenset(),
) -> Scan:
    """Find the notes under `paths`, re-read and re-chunk the new and changed ones,
    and name the ones that are gone. With `recheck`, known notes are re-read too;
    `lost` names notes to re-read whatever their digest says."""
    roots = [p.expanduser().resolve() for p in paths]
    by_name = {str(r) for r in roots if r.is_file()}
    files, found_skipped = discover(roots)
    scan = Scan(
        files=files,
        skipped=list(found_skipped),
        # A removed note named on the command line comes back; one deleted from disk is forgotten.
        excluded={k: v for k, v in manifest.excluded.items() if k not in by_name and Path(k).is_file()},
    )
    emit(Progress("scan", 0, len(files), f"checking {len(files)} note(s)"))
    present = {str(f) for f in files}
    for done, file in enumerate(files, 1):
        note = read_if_changed(file, manifest.notes.get(str(file)), journal, scan, settings, recheck or str(file) in lost)
        if note is None:
            continue
        add_note(scan, str(file), note, settings)
        if done % 50 == 0:
            emit(Progress("scan", done, len(files)))
    scan.removed = [
        key for key in manifest.notes
        if key not in present and (not Path(key).is_file() or _is_under(key, roots))
        and not _skipped_but_present(key, scan.skipped)
        # Recovery alone (no paths) settles the notes its journal names, nothing else: a remove
        # killed and run again must leave the index as one that was not killed.
        and (roots or key in journal.notes)
    ] + scan.emptied
    return scan


def read_if_changed(
    file: Path, old: NoteRecord | None, journal: Journal, scan: Scan, settings: Settings, recheck: bool
) -> Note | None:
    """The decoded note if it must be (re-)chunked; otherwise None, with the file
    noted in `scan` as unchanged, still removed, or unreadable.

    Only known and removed notes are hashed first: an unchanged note costs one
    hash and is never decoded.
    """
    key = str(file)
    try:
        digest = file_digest(file) if (old or key in scan.excluded) else ""
        if key in scan.excluded and digest == scan.excluded[key]:
            scan.skipped.append(Skipped(key, "was removed with `studygraph remove`; ingest it by name to add it back"))
            return None
        scan.excluded.pop(key, None)  # edited since it was removed: it is a note again
        if old and not recheck and key not in journal.notes and digest == old.sha256:
            scan.unchanged.append(key)
            return None
        return read_note(file, settings.max_note_bytes)
    except NoteError as exc:
        skipped = Skipped(exc.path, exc.reason)
        scan.skipped.append(skipped)
        if old is not None and skipped.kind == "empty":
            scan.emptied.append(key)
    except OSError as exc:
        scan.skipped.append(Skipped(key, f"cannot be read ({exc.strerror or exc})"))
    return None


def add_note(scan: Scan, key: str, note: Note, settings: Settings) -> None:
    """Chunk a new or changed note and record it for the next manifest."""
    scan.warnings += [f"{key}: {w}" for w in note.warnings]
    chunks = split_note(note, settings.chunk_min_chars, settings.chunk_max_chars)
    scan.changed[key] = chunks
    scan.records[key] = NoteRecord(
        path=key, sha256=note.sha256, size=note.size, mtime=note.mtime,
        chunk_ids=tuple(c.id for c in chunks), title=note.title,
        ingested_at=time.time(), warnings=note.warnings,
    )


def _is_under(path: str, roots: list[Path]) -> bool:
    return any(Path(path).is_relative_to(root) for root in roots)


def _skipped_but_present(key: str, skipped: list[Skipped]) -> bool:
    # A note that still exists but failed to read this time keeps its old chunks.
    return Path(key).is_file() and any(s.path == key for s in skipped)
