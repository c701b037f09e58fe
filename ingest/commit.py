"""Steps 3-5 of a write: commit the new manifest (the commit point), write the
snapshot, drop the chunks no note references any more, clear the journal."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from studygraph.ingest.journal import Journal, clear_journal, write_journal
from studygraph.ingest.manifest import Manifest, check_compatible, save_manifest
from studygraph.ingest.note import Chunk
from studygraph.ingest.scan import Scan
from studygraph.ingest.snapshot import load_snapshot, write_updated_snapshot
from studygraph.ingest.store import ChunkStore
from studygraph.ingest.upsert import Vectors
from studygraph.settings import Settings


def next_manifest(manifest: Manifest, scan: Scan, fresh_vectors: Vectors, settings: Settings) -> Manifest:
    """The manifest to commit: the old notes minus the removed, plus the re-read.

    Raises:
        IndexMismatchError: the model now gives vectors of another dimension than the index holds.
    """
    dimension = next((v.shape[0] for v, _ in fresh_vectors.values()), manifest.dimension)
    if manifest.dimension and dimension != manifest.dimension:
        check_compatible(manifest, settings.model_name, dimension, settings.chunking(), settings.embed_backend)
    notes = {k: v for k, v in manifest.notes.items() if k not in scan.removed}
    notes.update(scan.records)
    return replace(manifest.with_notes(dict(sorted(notes.items()))), dimension=dimension, excluded=scan.excluded)


def commit(
    home: Path,
    manifest: Manifest,
    new_manifest: Manifest,
    store: ChunkStore,
    journal: Journal,
    fresh: dict[str, Chunk],
    fresh_vectors: Vectors,
    rebuilding: bool = False,
) -> None:
    """Steps 3-5: commit the manifest, drop garbage, write the snapshot, clear the journal."""
    save_manifest(home, new_manifest)
    if rebuilding:
        # Committed: from here on an interrupted rebuild only needs ordinary recovery.
        write_journal(home, set(new_manifest.notes))
    # The snapshot before the garbage: if the Chroma server fails now, searches already
    # serve the committed generation, and the journal left behind makes the next writer sweep.
    write_updated_snapshot(home, load_snapshot(home), manifest.generation, new_manifest, fresh, fresh_vectors, store)
    live = new_manifest.chunk_ids()
    recovering = journal.pending or rebuilding
    garbage = (manifest.chunk_ids() - live) | ((store.ids() - live) if recovering else set())
    if garbage:
        store.delete(garbage)
    if recovering:
        store.delete_spans(store.orphan_spans(live))
    clear_journal(home)
