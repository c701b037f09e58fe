"""`studygraph doctor`: check that Chroma, the manifest and the snapshot agree, and repair.

What must agree: the chunk ids Chroma holds are exactly the ids the manifest
commits; every chunk has all its span vectors; the snapshot queries read has
the manifest's generation and ids; no journal of a killed writer is left.
Derived data above `ingest/` (the concept graph) is checked by the caller.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from studygraph.errors import IndexMismatchError, IndexMissingError
from studygraph.ingest.embedder import Embedder
from studygraph.ingest.journal import read_journal, write_journal
from studygraph.ingest.lock import STALE_TEMP_SECONDS, writer_lock
from studygraph.ingest.manifest import Manifest, load_manifest, manifest_path
from studygraph.ingest.pipeline import rebuild_locked, recover_locked, sync_locked
from studygraph.ingest.reading import file_digest
from studygraph.ingest.snapshot import build_snapshot, load_snapshot, ordered_ids, save_snapshot
from studygraph.ingest.store import ChunkStore
from studygraph.settings import Settings

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Problem:
    # manifest | journal | missing_chunks | orphan_chunks | missing_spans | orphan_spans
    # | stale_snapshot | bad_snapshot | temp_files (| graph, added by the caller)
    kind: str
    detail: str
    notes: tuple[str, ...] = ()  # notes a repair must re-ingest

    def __str__(self) -> str:
        return self.detail


@dataclass(frozen=True)
class Diagnosis:
    problems: tuple[Problem, ...]
    notices: tuple[str, ...] = ()  # not inconsistencies: e.g. notes edited since the last ingest
    generation: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems


def diagnose(settings: Settings, store: ChunkStore, check_files: bool = True) -> Diagnosis:
    """Every disagreement between the parts of the index (read-only).

    Raises:
        IndexMissingError: there is no index at all.
    """
    home = settings.data_dir
    problems: list[Problem] = []
    try:
        manifest = load_manifest(home)
    except IndexMismatchError as exc:
        return Diagnosis((Problem("manifest", str(exc)),))
    journal = read_journal(home)
    if manifest is None and not journal.pending:
        raise IndexMissingError(f"no index in {home} yet; run `studygraph ingest` first")
    manifest = manifest or Manifest(settings.model_name, 0, settings.chunking(), backend=settings.embed_backend)
    if journal.pending:
        what = "a rebuild" if journal.rebuild else "an ingest"
        problems.append(Problem("journal", f"{what} was interrupted ({len(journal.notes)} note(s) in {home / 'journal.json'})"))
    live = manifest.chunk_ids()
    stored = store.ids()
    missing = live - stored
    if missing and not journal.rebuild:  # an interrupted rebuild explains chunks dropped on purpose
        owners = _owners(manifest, missing)
        problems.append(Problem("missing_chunks", f"{len(missing)} committed chunk(s) of {len(owners)} note(s) are missing from Chroma", owners))
    if stored - live:
        problems.append(Problem("orphan_chunks", f"{len(stored - live)} chunk(s) in Chroma belong to no committed note"))
    rows, expected = store.span_counts()
    short = {cid for cid in live & stored if rows.get(cid, 0) != expected.get(cid, -1)}
    if short:
        owners = _owners(manifest, short)
        problems.append(Problem("missing_spans", f"{len(short)} chunk(s) of {len(owners)} note(s) lack span vectors", owners))
    orphan_rows = sum(n for cid, n in rows.items() if cid not in stored)
    if orphan_rows:
        problems.append(Problem("orphan_spans", f"{orphan_rows} span vector(s) in Chroma belong to no chunk"))
    problems += _snapshot_problems(home, manifest)
    old_temps = _temp_files(home)
    if old_temps:
        problems.append(Problem("temp_files", f"{len(old_temps)} temp file(s) left by an interrupted write"))
    notices = _stale_notes(manifest) if check_files else ()
    return Diagnosis(tuple(problems), notices, manifest.generation)


def _owners(manifest: Manifest, chunk_ids: set[str]) -> tuple[str, ...]:
    return tuple(sorted(path for path, record in manifest.notes.items() if chunk_ids.intersection(record.chunk_ids)))


def _snapshot_problems(home: Path, manifest: Manifest) -> list[Problem]:
    snapshot = load_snapshot(home)
    if snapshot is None:
        return [Problem("stale_snapshot", "the search snapshot is missing or unreadable")] if manifest_path(home).exists() else []
    if snapshot.generation < manifest.generation:
        return [Problem("stale_snapshot", f"the search snapshot is of generation {snapshot.generation}, the index of {manifest.generation}")]
    if snapshot.generation > manifest.generation or [c.id for c in snapshot.chunks] != ordered_ids(manifest):
        return [Problem("bad_snapshot", f"the search snapshot (generation {snapshot.generation}) holds other chunks than the manifest commits")]
    return []


def _temp_files(home: Path) -> list[Path]:
    cutoff = time.time() - STALE_TEMP_SECONDS
    folders = (home, home / "index", home / "graph", home / "graph" / "cache")
    return [t for f in folders if f.is_dir() for t in f.glob(".*.tmp") if t.stat().st_mtime < cutoff]


def _stale_notes(manifest: Manifest) -> tuple[str, ...]:
    gone = [p for p in manifest.notes if not Path(p).is_file()]
    edited = [p for p, r in manifest.notes.items() if Path(p).is_file() and file_digest(Path(p)) != r.sha256]
    out = []
    if gone:
        out.append(f"{len(gone)} ingested note(s) no longer exist on disk; `studygraph ingest` will drop them")
    if edited:
        out.append(f"{len(edited)} note(s) changed since the last ingest; `studygraph ingest` will re-read them")
    return tuple(out)


def repair(
    settings: Settings, embedder: Embedder, store: ChunkStore, fallback_paths: Sequence[Path] = ()
) -> tuple[list[str], Diagnosis]:
    """Fix every problem `diagnose` finds in the store, under the writer lock.

    Args:
        fallback_paths: what to re-ingest if the manifest itself is unreadable.

    Returns:
        What was done (one line each) and the diagnosis afterwards.
    """
    done: list[str] = []
    with writer_lock(settings.data_dir, settings.lock_timeout):
        found = diagnose(settings, store, check_files=False)
        kinds = {p.kind for p in found.problems}
        if "manifest" in kinds:
            rebuild_locked([str(p) for p in fallback_paths], settings, embedder, store, lambda _p: None)
            done.append(f"rebuilt the index from {len(fallback_paths)} path(s)")
            return done, diagnose(settings, store)
        if recover_locked(settings, embedder, store) is not None:
            done.append("finished the interrupted write")
        found = diagnose(settings, store, check_files=False)
        manifest = load_manifest(settings.data_dir)
        if manifest is not None:  # without a manifest diagnose reports only "manifest", handled above
            for problem in found.problems:
                if problem.kind == "orphan_chunks":
                    store.delete(store.ids() - manifest.chunk_ids())
                    done.append(problem.detail + ": dropped")
                elif problem.kind == "orphan_spans":
                    store.delete_spans(store.orphan_spans(store.ids()))
                    done.append(problem.detail + ": dropped")
            broken = sorted({n for p in found.problems if p.kind in ("missing_chunks", "missing_spans") for n in p.notes})
            if broken:
                # Forget what Chroma holds of these notes so every chunk is embedded again.
                store.delete({cid for n in broken for cid in manifest.notes[n].chunk_ids})
                write_journal(settings.data_dir, broken)
                sync_locked([Path(n) for n in broken if Path(n).is_file()], settings, embedder, store, lambda _p: None)
                done.append(f"re-ingested {len(broken)} note(s) with missing chunks or spans")
            elif any(p.kind in ("stale_snapshot", "bad_snapshot") for p in found.problems):
                save_snapshot(settings.data_dir, build_snapshot(manifest, store))
                done.append("rebuilt the search snapshot")
        for tmp in _temp_files(settings.data_dir):
            tmp.unlink(missing_ok=True)
            done.append(f"removed {tmp.name}")
    return done, diagnose(settings, store)
