"""Maintenance writes: drop notes from the index, rebuild it from scratch.

Both hold the writer lock, first finish whatever a killed writer left, and
follow the pipeline's step order (journal, commit, garbage, snapshot), so a
SIGKILL at any point is repaired by the next writer.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from studygraph.errors import IndexMissingError, NoteError
from studygraph.ingest.commit import commit
from studygraph.ingest.embedder import Embedder
from studygraph.ingest.journal import Journal, write_journal
from studygraph.ingest.lock import sweep_temp_files
from studygraph.ingest.manifest import Manifest, load_manifest
from studygraph.ingest.pipeline import rebuild_locked, recover_locked, writing
from studygraph.ingest.reading import file_digest
from studygraph.ingest.report import IngestReport, ProgressFn
from studygraph.ingest.store import ChunkStore
from studygraph.settings import Settings


def remove_notes(
    targets: Sequence[str], settings: Settings, embedder: Embedder, store: ChunkStore | None = None
) -> IngestReport:
    """Drop notes from the index (the files stay on disk).

    A removed note stays out of folder ingests until its content changes or it
    is ingested by name.

    Args:
        targets: note paths (absolute or relative) or file names of ingested notes;
            a folder removes every note under it.

    Raises:
        NoteError: a target names no ingested note, or a file name is ambiguous.
    """
    started = time.perf_counter()
    store = store or ChunkStore(settings)
    with writing(settings, lambda _p: None, store):
        recover_locked(settings, embedder, store)
        manifest = load_manifest(settings.data_dir)
        if manifest is None:
            raise IndexMissingError(f"no index in {settings.data_dir} yet; run `studygraph ingest` first")
        keys = sorted({key for target in targets for key in match_notes(manifest, target)})
        write_journal(settings.data_dir, keys)
        notes = {k: v for k, v in manifest.notes.items() if k not in keys}
        # The file as it is now, not as last ingested: an edit made before `remove` must not
        # count as a change that brings the note back at the next folder ingest.
        excluded = {**manifest.excluded, **{k: _digest_now(k, manifest.notes[k].sha256) for k in keys}}
        # A file deleted from disk is forgotten, as every ingest forgets it (also the one that
        # recovers this remove if it is killed after its commit).
        excluded = {k: v for k, v in excluded.items() if Path(k).is_file()}
        new_manifest = replace(manifest.with_notes(notes), excluded=excluded)
        commit(settings.data_dir, manifest, new_manifest, store, Journal(), {}, {})
        return IngestReport(
            removed=tuple(keys), chunks=len(new_manifest.chunk_ids()), generation=new_manifest.generation,
            seconds=time.perf_counter() - started,
        )


def _digest_now(key: str, indexed: str) -> str:
    try:
        return file_digest(Path(key))
    except OSError:
        return indexed  # gone or unreadable: folder ingests forget or skip it anyway


def match_notes(manifest: Manifest, target: str) -> list[str]:
    """Ingested notes a user's NOTE argument means: a path, a folder, or a unique file name."""
    given = Path(target).expanduser()
    resolved = str(given.resolve())
    if resolved in manifest.notes:
        return [resolved]
    under = [k for k in manifest.notes if Path(k).is_relative_to(resolved)]
    if under:
        return under
    named = [k for k in manifest.notes if Path(k).name == given.name]
    if len(named) == 1 and given.name == target:
        return named
    if len(named) > 1 and given.name == target:
        raise NoteError(target, "matches several ingested notes: " + ", ".join(named) + "; give the full path")
    raise NoteError(target, "is not an ingested note; `studygraph status` shows what the index holds")


def rebuild(
    paths: Sequence[Path] | None,
    settings: Settings,
    embedder: Embedder,
    store: ChunkStore | None = None,
    progress: ProgressFn | None = None,
) -> IngestReport:
    """Re-ingest from scratch: drop the Chroma collections and re-embed every note.

    Args:
        paths: what to ingest; None means the notes the manifest knew.

    Raises:
        IndexMissingError: no paths given and no manifest to take them from.
        IndexMismatchError: no paths given and the manifest is unreadable.
    """
    emit = progress or (lambda _p: None)
    store = store or ChunkStore(settings)
    with writing(settings, emit, store):
        sweep_temp_files(settings.data_dir)
        if paths is None:
            manifest = load_manifest(settings.data_dir)
            if manifest is None:
                raise IndexMissingError(f"no index in {settings.data_dir} to rebuild; run `studygraph ingest` first")
            paths = [Path(key) for key in manifest.notes]
        return rebuild_locked([str(p) for p in paths], settings, embedder, store, emit)
