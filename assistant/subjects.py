"""Subjects: one index, concept graph, study deck, chat history and notes folder per
course, side by side in one data directory.

The default subject is the data directory itself, laid out as before subjects
existed; every other one lives in `<home>/subjects/<name>/` (`Settings.data_dir`).
A subject exists once its folder does: `create` makes it with an empty notes folder,
and its first ingest makes its index.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from studygraph.errors import IndexMismatchError
from studygraph.ingest.manifest import load_manifest
from studygraph.settings import DEFAULT_SUBJECT, SUBJECT, SUBJECTS_DIR, Settings, check_subject


@dataclass(frozen=True)
class Subject:
    """One subject as `studygraph subjects` and the app's switcher show it."""

    name: str  # "" for the default subject
    data_dir: Path
    notes_dir: Path
    notes: int | None  # indexed notes: 0 before the first ingest, None when the manifest is unreadable
    current: bool

    @property
    def label(self) -> str:
        return self.name or DEFAULT_SUBJECT

    def to_json(self) -> dict:
        return {
            "name": self.label,
            "default": not self.name,
            "current": self.current,
            "notes": self.notes,
            "data_dir": str(self.data_dir),
            "notes_dir": str(self.notes_dir),
        }


def names(settings: Settings) -> list[str]:
    """The subjects of `settings.home`: "" (the default) first, then the others by name.
    The current subject is listed even before its folder exists."""
    folder = settings.home / SUBJECTS_DIR
    found = {p.name for p in folder.iterdir() if p.is_dir() and SUBJECT.fullmatch(p.name)} if folder.is_dir() else set()
    found.discard(DEFAULT_SUBJECT)
    if settings.subject:
        found.add(settings.subject)
    return ["", *sorted(found, key=str.lower)]


def count_notes(data_dir: Path) -> int | None:
    """Notes in the committed index under `data_dir` (one small JSON read)."""
    try:
        manifest = load_manifest(data_dir)
    except IndexMismatchError:
        return None
    return len(manifest.notes) if manifest else 0


def subjects(settings: Settings) -> list[Subject]:
    """Every subject with its folders and note count, the default first."""
    listed = []
    for name in names(settings):
        each = replace(settings, subject=name)
        listed.append(Subject(name, each.data_dir, each.notes, count_notes(each.data_dir), name == settings.subject))
    return listed


def create(settings: Settings, name: str) -> Settings:
    """Make subject `name` (its folder and empty notes folder); the settings that open it.

    Raises:
        ConfigError: `name` is not a valid subject name.
    """
    chosen = replace(settings, subject=check_subject(name))
    chosen.notes.mkdir(parents=True, exist_ok=True)
    return chosen
