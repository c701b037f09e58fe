"""The writes behind `Studygraph.ingest`, `rebuild` and `watch`: which folders they
read when given none, an ingest that finds nothing to index, a rebuild whose list
of notes is unreadable. The write protocol itself is ingest/pipeline.py's."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from studygraph.errors import IndexMismatchError, NothingToIndexError, QueryError
from studygraph.ingest.embedder import Embedder
from studygraph.ingest.manifest import load_manifest
from studygraph.ingest.store import ChunkStore
from studygraph.settings import Settings

# Imported where used, so a cold `ask` loads none of the write path (tests/test_speed_cold_ask.py).
if TYPE_CHECKING:
    from studygraph.ingest.pipeline import IngestReport, ProgressFn

PROJECT_SEEDS = Path(__file__).resolve().parents[1] / "seeds"


def default_paths(settings: Settings) -> list[Path]:
    """What `ingest` reads when no path is given: seeds/ and the user's notes folder
    (a subject other than the default: its own notes folder only, never the seeds)."""
    settings.notes.mkdir(parents=True, exist_ok=True)
    if settings.subject:
        return [settings.notes]
    seeds = Path.cwd() / "seeds"
    paths = [seeds if seeds.is_dir() else PROJECT_SEEDS]
    return [*paths, settings.notes]


def watch_roots(paths: Sequence[Path] | None, settings: Settings) -> list[Path]:
    """What `watch` follows: `paths`, or the default folders.

    Raises:
        QueryError: a path does not exist.
    """
    roots = list(paths) if paths else default_paths(settings)
    missing = [str(p) for p in roots if not p.exists()]
    if missing:
        raise QueryError(f"cannot watch {', '.join(missing)}: no such file or folder")
    return roots


def ingest_notes(
    paths: Sequence[Path] | None, settings: Settings, embedder: Embedder, store: ChunkStore | None,
    progress: ProgressFn | None,
) -> IngestReport:
    """Sync the index with `paths` (default: seeds/ and the notes folder).

    Raises:
        NothingToIndexError: there is no index yet and `paths` hold no note that can be read.
    """
    from studygraph.ingest.pipeline import sync
    from studygraph.ingest.reading import nothing_to_index

    paths = list(paths) if paths else default_paths(settings)
    report = sync(paths, settings, embedder, store, progress)
    if not report.changed and load_manifest(settings.data_dir) is None:
        raise NothingToIndexError(nothing_to_index(paths, report.skipped))
    return report


def rebuild_notes(
    paths: Sequence[Path] | None, settings: Settings, embedder: Embedder, store: ChunkStore,
    progress: ProgressFn | None,
) -> IngestReport:
    """Drop the index and re-ingest `paths`; None: the notes the index knew, or, when
    the manifest that lists them is unreadable, the default folders (with a warning)."""
    from studygraph.ingest.maintenance import rebuild

    try:
        return rebuild(list(paths) if paths else None, settings, embedder, store, progress)
    except IndexMismatchError as exc:
        if paths:
            raise
        fallback = default_paths(settings)
        report = rebuild(fallback, settings, embedder, store, progress)
        warning = f"{exc.args[0].split(';')[0]}; rebuilt from {', '.join(map(str, fallback))}"
        return replace(report, warnings=(warning, *report.warnings))
