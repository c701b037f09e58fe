"""Incremental ingest: what is embedded, what is kept, what disappears."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from studygraph.assistant.facade import Studygraph
from studygraph.errors import IndexMismatchError, NoteError
from studygraph.ingest.maintenance import rebuild, remove_notes
from studygraph.ingest.manifest import load_manifest
from studygraph.ingest.pipeline import sync
from studygraph.ingest.snapshot import load_snapshot
from studygraph.ingest.spans import indexed_spans, span_embedding_text
from studygraph.ingest.store import ChunkStore
from studygraph.settings import Settings, load_settings

SECTION = (
    "## {title}\n\n"
    "{title} is a topic of these notes. The first sentence says what it is about in plain words. "
    "A second sentence adds a detail that matters when {title} is used in practice. "
    "A third sentence compares {title} with its neighbours so that the section is long enough.\n"
)


def note_text(*titles: str) -> str:
    return "# Study notes\n\n" + "\n".join(SECTION.format(title=t) for t in titles)


class CountingEmbedder:
    """The real embedder, counting what it is asked to encode."""

    def __init__(self, inner) -> None:
        self.inner = inner
        self.texts: list[str] = []

    def encode(self, texts):
        self.texts += list(texts)
        return self.inner.encode(texts)

    def encode_spans(self, groups):
        self.texts += [t for group in groups for t in group]
        return self.inner.encode_spans(groups)


@pytest.fixture
def settings(studygraph_home: Path) -> Settings:
    return load_settings()


@pytest.fixture
def notes(tmp_path: Path) -> Path:
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "attention.md").write_text(note_text("Attention", "Softmax", "Multi-head attention"), encoding="utf-8")
    (folder / "vision.md").write_text(note_text("Patch embedding", "Vision transformer"), encoding="utf-8")
    (folder / "loss.txt").write_text(note_text("Contrastive loss", "Temperature"), encoding="utf-8")
    return folder


def served(settings: Settings) -> dict[str, tuple[str, int, int, str]]:
    snapshot = load_snapshot(settings.home)
    assert snapshot is not None and snapshot.generation == load_manifest(settings.home).generation
    return {c.id: (Path(c.source).name, c.start_line, c.end_line, c.text) for c in snapshot.chunks}


def assert_lines_match_files(settings: Settings) -> None:
    for chunk in load_snapshot(settings.home).chunks:
        lines = Path(chunk.source).read_text(encoding="utf-8").split("\n")
        assert "\n".join(lines[chunk.start_line - 1 : chunk.end_line]) == chunk.text


def test_unchanged_notes_are_never_embedded_again(notes: Path, settings: Settings, embedder) -> None:
    counting = CountingEmbedder(embedder)
    first = sync([notes], settings, counting)
    assert sorted(Path(p).name for p in first.added) == ["attention.md", "loss.txt", "vision.md"]
    assert first.embedded == len(served(settings)) and counting.texts
    counting.texts.clear()
    again = sync([notes], settings, counting)
    assert counting.texts == [] and again.embedded == 0 and not again.changed
    assert len(again.unchanged) == 3 and again.generation == first.generation


def test_the_manifest_is_read_once_per_commit(notes: Path, settings: Settings, embedder) -> None:
    sync([notes], settings, embedder)
    first = load_manifest(settings.home)
    assert load_manifest(settings.home) is first  # the same committed file: not parsed again
    (notes / "extra.md").write_text(note_text("Dropout"), encoding="utf-8")
    sync([notes], settings, embedder)
    after = load_manifest(settings.home)
    assert after is not first and after.generation == first.generation + 1 and len(after.notes) == 4


def test_an_edit_re_embeds_only_the_changed_passage(notes: Path, settings: Settings, embedder) -> None:
    sync([notes], settings, embedder)
    before = served(settings)
    path = notes / "attention.md"
    path.write_text(path.read_text(encoding="utf-8").replace("Softmax is a topic", "Softmax is a key topic"), encoding="utf-8")
    counting = CountingEmbedder(embedder)
    report = sync([notes], settings, counting)
    after = served(settings)
    assert [Path(p).name for p in report.updated] == ["attention.md"] and len(report.unchanged) == 2
    new_ids = set(after) - set(before)
    assert report.embedded == len(new_ids) == 1
    (new,) = [c for c in load_snapshot(settings.home).chunks if c.id in new_ids]
    assert "Softmax is a key topic" in new.text
    assert counting.texts == [span_embedding_text(s) for s in indexed_spans(new)]  # its spans, nothing else
    old = set(before) - set(after)
    assert len(old) == 1 and not old & ChunkStore(settings).ids()  # the old version of that passage is gone


def test_passages_that_only_moved_keep_their_vectors_and_get_new_lines(notes: Path, settings: Settings, embedder) -> None:
    sync([notes], settings, embedder)
    before = served(settings)
    path = notes / "vision.md"
    path.write_text("\n\n\n" + path.read_text(encoding="utf-8"), encoding="utf-8")
    counting = CountingEmbedder(embedder)
    report = sync([notes], settings, counting)
    after = served(settings)
    assert counting.texts == [] and report.embedded == 0
    assert set(after) == set(before)
    moved = [cid for cid, row in before.items() if row[0] == "vision.md"]
    assert moved and all(after[cid][1] == before[cid][1] + 3 for cid in moved)
    assert_lines_match_files(settings)
    chunks, _ = ChunkStore(settings).fetch(moved)  # Chroma's record follows too (used to rebuild the snapshot)
    assert all(c.start_line == after[c.id][1] for c in chunks)


def test_a_deleted_note_leaves_no_chunk_span_or_graph_evidence(notes: Path, studygraph_home: Path) -> None:
    sg = Studygraph(load_settings())
    sg.ingest([notes])
    gone = notes / "loss.txt"
    gone_ids = set(load_manifest(studygraph_home).notes[str(gone)].chunk_ids)
    assert str(gone) in json.dumps(sg.graph_json())  # the note is evidence in the graph
    gone.unlink()
    report = sg.ingest([notes])
    assert report.removed == (str(gone),)
    store = ChunkStore(sg.settings)
    assert not gone_ids & store.ids()
    rows, _ = store.span_counts()
    assert not gone_ids & set(rows)
    assert str(gone) not in json.dumps(sg.graph_json())
    hits = sg.search_batch(["contrastive loss temperature"], k=10, mode="bm25")[0]
    assert all(Path(h.chunk.source).name != "loss.txt" for h in hits)


def test_remove_keeps_a_note_out_until_it_changes_or_is_named(notes: Path, settings: Settings, embedder) -> None:
    sync([notes], settings, embedder)
    target = notes / "vision.md"
    ids = set(load_manifest(settings.home).notes[str(target)].chunk_ids)
    report = remove_notes(["vision.md"], settings, embedder)
    assert report.removed == (str(target),) and target.exists()
    assert not ids & set(served(settings)) and not ids & ChunkStore(settings).ids()
    again = sync([notes], settings, embedder)
    assert str(target) not in load_manifest(settings.home).notes
    assert [s.reason for s in again.skipped if s.path == str(target)] == [
        "was removed with `studygraph remove`; ingest it by name to add it back"
    ]
    sync([target], settings, embedder)  # by name: back in
    assert ids <= set(served(settings))
    remove_notes([str(target)], settings, embedder)
    target.write_text(target.read_text(encoding="utf-8") + "\nA new line makes it a new version.\n", encoding="utf-8")
    assert str(target) in sync([notes], settings, embedder).added


def test_remove_names_what_it_cannot_find(notes: Path, settings: Settings, embedder) -> None:
    sync([notes], settings, embedder)
    with pytest.raises(NoteError, match=r"nothing\.md: is not an ingested note"):
        remove_notes(["nothing.md"], settings, embedder)


def test_rebuild_re_embeds_everything_and_ends_with_the_same_chunks(notes: Path, settings: Settings, embedder) -> None:
    first = sync([notes], settings, embedder)
    before = served(settings)
    counting = CountingEmbedder(embedder)
    report = rebuild(None, settings, counting)
    assert served(settings) == before
    assert report.embedded == len(before) and report.generation > first.generation
    assert ChunkStore(settings).ids() == set(before)
    # A rebuild asked for is not a recovery: no "interrupted" warning, nothing recovered.
    assert not report.recovered and not any("interrupted" in w for w in report.warnings), report.warnings


def _chroma_open(settings: Settings) -> bool:
    """Whether this process still holds a Chroma system (and its HNSW indexes) for the data directory."""
    from chromadb.api.shared_system_client import SharedSystemClient

    return str(settings.chroma_dir) in SharedSystemClient._identifier_to_system


def test_every_write_gives_chromas_memory_back_and_the_next_one_opens_it_again(
    notes: Path, settings: Settings, embedder
) -> None:
    store = ChunkStore(settings)
    sync([notes], settings, embedder, store)
    assert not _chroma_open(settings)
    assert store.count() == len(served(settings)) and _chroma_open(settings)  # the same store reads again
    path = notes / "loss.txt"
    path.write_text(path.read_text(encoding="utf-8").replace("Temperature is a topic", "Temperature is a knob"),
                    encoding="utf-8")
    assert [Path(p).name for p in sync([notes], settings, embedder, store).updated] == ["loss.txt"]
    assert not _chroma_open(settings)
    remove_notes(["vision.md"], settings, embedder, store)
    assert not _chroma_open(settings)
    rebuild(None, settings, embedder, store)
    assert not _chroma_open(settings)
    assert store.ids() == set(served(settings)) and not any(Path(r[0]).name == "vision.md" for r in served(settings).values())


def test_changed_chunking_asks_for_a_rebuild_and_rebuild_applies_it(notes: Path, settings: Settings, embedder) -> None:
    sync([notes], settings, embedder)
    smaller = load_settings(chunk_max_chars=600)
    with pytest.raises(IndexMismatchError, match=r"chunking max_chars 1500 \(now 600\); run `studygraph rebuild`"):
        sync([notes], smaller, embedder)
    rebuild(None, smaller, embedder)
    assert load_manifest(smaller.home).chunking["max_chars"] == 600
    assert sync([notes], smaller, embedder).embedded == 0


def test_an_unchanged_reingest_does_not_even_import_torch(notes: Path, studygraph_home: Path, embedder) -> None:
    sync([notes], load_settings(), embedder)
    code = (
        "import sys; from assistant.facade import Studygraph; "
        f"r = Studygraph().ingest([{str(notes)!r}]); "
        "print(r.embedded, len(r.unchanged), 'torch' in sys.modules, 'sentence_transformers' in sys.modules)"
    )
    env = {**os.environ, "STUDYGRAPH_HOME": str(studygraph_home)}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert out.stdout.split() == ["0", "3", "False", "False"], out.stderr
