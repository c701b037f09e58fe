"""The write-ahead journal: which notes a writer is about to change.

Written (atomically) before the first write to Chroma and removed after the
last derived file is in place. A journal found on start means the previous
writer was killed: the notes it names are re-processed and anything Chroma
holds that the manifest does not name is dropped.
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass
from pathlib import Path

from studygraph.atomic import write_json

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Journal:
    notes: frozenset[str] = frozenset()
    rebuild: bool = False  # a rebuild was interrupted: Chroma may be partly wiped
    unreadable: bool = False  # a torn or foreign file: re-check every note

    @property
    def pending(self) -> bool:
        return bool(self.notes or self.rebuild or self.unreadable)


def journal_path(home: Path) -> Path:
    return home / "journal.json"


def read_journal(home: Path) -> Journal:
    path = journal_path(home)
    if not path.is_file():
        return Journal()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return Journal(frozenset(map(str, data.get("notes", []))), bool(data.get("rebuild", False)))
    except (OSError, ValueError, AttributeError, TypeError):
        logger.warning("journal %s is unreadable; every note will be re-checked", path)
        return Journal(unreadable=True)


def write_journal(home: Path, notes: list[str] | set[str] | frozenset[str], rebuild: bool = False) -> None:
    write_json(journal_path(home), {"notes": sorted(notes), "rebuild": rebuild, "started_at": time.time()})


def clear_journal(home: Path) -> None:
    journal_path(home).unlink(missing_ok=True)
