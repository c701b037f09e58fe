"""What a write does when the Chroma server fails or comes back without its chunks.

A server that fails mid-write stops the write; the error says which committed
generation searches keep using. A server that was wiped or replaced is noticed by
one count request, and the notes whose chunks it lost are read and embedded again.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from studygraph.errors import StoreUnavailableError
from studygraph.ingest.manifest import Manifest, load_manifest
from studygraph.ingest.store import ChunkStore
from studygraph.settings import Settings


@contextmanager
def store_failures(home: Path) -> Iterator[None]:
    """Add to a Chroma server's failure what the stopped write leaves: the committed generation."""
    try:
        yield
    except StoreUnavailableError as exc:
        manifest = load_manifest(home)
        where = f"generation {manifest.generation}" if manifest else "no index yet"
        raise StoreUnavailableError(
            f"{exc}; the write stopped and the index stays at {where} (searches keep using it); "
            "run it again when the server is back"
        ) from exc


def lost_notes(manifest: Manifest, store: ChunkStore) -> set[str]:
    """Committed notes some of whose chunks the store no longer holds (a wiped or replaced
    Chroma server): they must be embedded again, not taken for unchanged. One count
    request when nothing is lost."""
    live = manifest.chunk_ids()
    if not live or store.count() >= len(live):
        return set()
    missing = live - store.ids()
    return {key for key, record in manifest.notes.items() if missing.intersection(record.chunk_ids)}


def lost_warning(settings: Settings, lost: set[str]) -> str:
    """The warning of an ingest that re-embeds the notes of a wiped store."""
    where = settings.chroma_url or str(settings.chroma_dir)
    return (f"the chunk store at {where} had lost the chunks of {len(lost)} note(s) "
            "(wiped or replaced?); they are read and embedded again")
