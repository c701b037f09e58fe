"""The manifest: which notes are ingested, with which chunks, built how.

It is the commit point of an ingest. Chroma may briefly hold more than it names
(a crash mid-ingest); search only ever sees what the manifest commits.
"""

from __future__ import annotations

import json
import stat
import time
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

from studygraph.atomic import write_json
from studygraph.errors import IndexMismatchError, IndexMissingError
from studygraph.ingest.embedder import same_vectors

VERSION = 1


@dataclass(frozen=True)
class NoteRecord:
    path: str
    sha256: str
    size: int
    mtime: float
    chunk_ids: tuple[str, ...]
    title: str = ""
    ingested_at: float = 0.0
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class Manifest:
    model: str
    dimension: int
    chunking: dict
    notes: dict[str, NoteRecord] = field(default_factory=dict)
    generation: int = 0
    updated_at: float = 0.0
    # Notes dropped with `studygraph remove` (path -> sha256 then): folder ingests
    # skip them until their content changes or they are ingested by name.
    excluded: dict[str, str] = field(default_factory=dict)
    # The embedder backend that made the vectors; manifests from before backends were torch's.
    backend: str = "torch"

    def chunk_ids(self) -> set[str]:
        return {cid for record in self.notes.values() for cid in record.chunk_ids}

    def with_notes(self, notes: dict[str, NoteRecord]) -> Manifest:
        return replace(self, notes=notes, generation=self.generation + 1, updated_at=time.time())


def manifest_path(home: Path) -> Path:
    return home / "manifest.json"


# The last manifest read per file, with the file's identity: the app's first page asked for it
# five times (status, notes, titles, index, welcome), and the 12 MB docs' manifest (640 KB of
# JSON) took ~15 ms to parse each time. A commit replaces the file (a new inode), so a changed
# identity always reads it again.
_read: dict[str, tuple[tuple[int, int, int], Manifest]] = {}
KEPT = 8  # data directories (subjects) whose manifest is kept


def load_manifest(home: Path) -> Manifest | None:
    """The committed manifest, or None before the first ingest.

    Raises:
        IndexMismatchError: the file exists but cannot be read as a manifest.
    """
    path = manifest_path(home)
    try:
        st = path.stat()
    except OSError:
        return None
    if not stat.S_ISREG(st.st_mode):
        return None
    identity = (st.st_ino, st.st_mtime_ns, st.st_size)
    kept = _read.get(str(path))
    if kept is not None and kept[0] == identity:
        return kept[1]
    manifest = _parse(path)
    if len(_read) >= KEPT:
        _read.clear()
    _read[str(path)] = (identity, manifest)
    return manifest


def _parse(path: Path) -> Manifest:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        notes = {
            key: NoteRecord(**{**value, "chunk_ids": tuple(value["chunk_ids"]), "warnings": tuple(value.get("warnings", ()))})
            for key, value in data.get("notes", {}).items()
        }
        return Manifest(
            model=data["model"],
            dimension=int(data["dimension"]),
            chunking=data["chunking"],
            notes=notes,
            generation=int(data.get("generation", 0)),
            updated_at=float(data.get("updated_at", 0.0)),
            excluded={str(k): str(v) for k, v in data.get("excluded", {}).items()},
            backend=str(data.get("backend", "torch")),
        )
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise IndexMismatchError(
            f"the index manifest {path} is unreadable ({exc}); run `studygraph rebuild` to re-ingest your notes"
        ) from exc


def require_manifest(home: Path) -> Manifest:
    manifest = load_manifest(home)
    if manifest is None:
        raise IndexMissingError(f"no index in {home} yet; run `studygraph ingest` first")
    return manifest


def save_manifest(home: Path, manifest: Manifest) -> None:
    data = asdict(manifest)
    data["version"] = VERSION
    write_json(manifest_path(home), data)


def check_compatible(manifest: Manifest, model: str, dimension: int | None, chunking: dict, backend: str | None = None) -> None:
    """Refuse an index built with another model, dimension, chunking or an embedder
    backend whose vectors differ (torch and onnx agree to 1e-4; onnx-int8 does not)."""
    problems = []
    if manifest.model != model:
        problems.append(f"model {manifest.model!r} (now {model!r})")
    if backend is not None and not same_vectors(manifest.backend, backend):
        problems.append(f"embed_backend {manifest.backend!r} (now {backend!r})")
    if dimension is not None and manifest.dimension != dimension:
        problems.append(f"{manifest.dimension}-dim vectors (now {dimension})")
    changed = sorted(k for k in {*manifest.chunking, *chunking} if manifest.chunking.get(k) != chunking.get(k))
    problems += [f"chunking {k} {manifest.chunking.get(k)} (now {chunking.get(k)})" for k in changed]
    if problems:
        raise IndexMismatchError(
            "the index was built with " + ", ".join(problems) + "; run `studygraph rebuild` to re-ingest your notes"
        )
