"""A Chroma server that fails under an ingest (issue #19): killed, hung, wiped, shared.

Each test runs a real `chroma run` on a loopback port it can SIGKILL, SIGSTOP
and start again on the same port. After each failure:

* the ingest stops with StoreUnavailableError naming the server;
* the manifest and the search snapshot stay at the last committed generation,
  byte for byte, and a new process searches and answers from them;
* the next ingest after the server returns completes, and the index equals a
  clean ingest of the same notes (chunks, lines, vectors), with exactly the
  committed chunks in the server (no lost or stale record) and doctor content.

A wiped server (same address, empty) is re-filled from the notes instead of
being taken for "nothing changed". A second data directory writing the same
collection is refused, naming the owner.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from servers import free_port

import studygraph.ingest.upsert as upsert
from studygraph.assistant.facade import Studygraph
from studygraph.errors import StoreOwnedError, StoreUnavailableError
from studygraph.ingest.doctor import diagnose
from studygraph.ingest.manifest import load_manifest, manifest_path
from studygraph.ingest.pipeline import IngestReport, Progress
from studygraph.ingest.snapshot import snapshot_path
from studygraph.settings import load_settings

pytestmark = pytest.mark.slow

SENTENCES = [
    "HNSW links every vector to its neighbours on several layers and searches greedily from the top.",
    "IVF-PQ partitions the vectors into k-means clusters and compresses each one with product quantization.",
    "CLIP trains an image encoder and a text encoder so that matching pairs have similar embeddings.",
    "The symmetric InfoNCE loss treats every other pair in the batch as a negative.",
    "BM25 scores a passage by term frequency and inverse document frequency.",
    "Reciprocal rank fusion adds one over the rank plus sixty for every list a passage appears in.",
    "LoRA adds low-rank adapters so that fine-tuning updates only a few parameters.",
    "Knowledge distillation trains a small student model to match a larger teacher.",
]


def note(title: str, sentences: list[str]) -> str:
    """A note of one section per sentence: at the smallest chunk size, one chunk each."""
    return f"# {title}\n\n" + "\n\n".join(f"## Part {i}\n{s}" for i, s in enumerate(sentences, 1)) + "\n"


class ChromaServer:
    """`chroma run` on a fixed loopback port and data path, which a test can kill, stop and restart."""

    def __init__(self, path: Path, log: Path) -> None:
        exe = Path(sys.executable).with_name("chroma")
        command = str(exe) if exe.exists() else shutil.which("chroma")
        if command is None:
            pytest.skip("the `chroma` server command is not installed (chromadb puts it in the venv's bin/)")
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.argv = [command, "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(self.port)]
        self.path, self.log = path, log
        self.proc: subprocess.Popen | None = None

    def start(self, timeout: float = 60.0) -> None:
        with self.log.open("ab") as log:
            self.proc = subprocess.Popen(self.argv, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while True:  # polls the health URL: the server's own signal that it is up
            if self.proc.poll() is not None:
                pytest.fail(f"chroma exited with {self.proc.returncode}:\n{self.log.read_text(errors='replace')[-3000:]}")
            try:
                with urllib.request.urlopen(f"{self.url}/api/v2/heartbeat", timeout=2) as response:
                    if response.status == 200:
                        return
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"chroma did not answer within {timeout:.0f} s")
            time.sleep(0.2)

    def kill(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    def wipe(self) -> None:
        """Kill it, lose its data, start an empty server at the same address."""
        self.kill()
        shutil.rmtree(self.path)
        self.start()

    def stop(self) -> None:
        assert self.proc is not None
        os.kill(self.proc.pid, signal.SIGSTOP)

    def resume(self) -> None:
        assert self.proc is not None
        os.kill(self.proc.pid, signal.SIGCONT)

    def close(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGCONT)
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[ChromaServer]:
    chroma = ChromaServer(tmp_path / "server", tmp_path / "chroma.log")
    chroma.start()
    try:
        yield chroma
    finally:
        chroma.close()


@pytest.fixture
def notes(tmp_path: Path) -> Path:
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "search.md").write_text(note("Vector search", SENTENCES[:2] + SENTENCES[4:6]), encoding="utf-8")
    (folder / "clip.md").write_text(note("Contrastive learning", SENTENCES[2:4]), encoding="utf-8")
    return folder


def facade(home: Path, embedder, **options) -> Studygraph:
    sg = Studygraph(load_settings(env={}, home=home, embed_backend="torch", chunk_min_chars=60, chunk_max_chars=200,
                                  **options))
    sg.embedder = embedder
    return sg


def edit(folder: Path) -> None:
    """Edits an ingest must carry out: one note rewritten in part, one added."""
    (folder / "clip.md").write_text(note("Contrastive learning", SENTENCES[3:4] + SENTENCES[6:7]), encoding="utf-8")
    (folder / "tuning.md").write_text(note("Fine-tuning", SENTENCES[6:8]), encoding="utf-8")


def committed(home: Path) -> tuple[bytes, bytes]:
    return manifest_path(home).read_bytes(), snapshot_path(home).read_bytes()


def fail_in_the_middle(sg: Studygraph, folder: Path, fault, monkeypatch: pytest.MonkeyPatch) -> StoreUnavailableError:
    """Ingest `folder` one chunk per Chroma write; `fault()` strikes right after the first write."""
    monkeypatch.setattr(upsert, "EMBED_BATCH", 1)
    struck = []

    def progress(p: Progress) -> None:
        if p.stage == "embed" and p.done == 1 and not struck:
            struck.append(p)
            fault()

    with pytest.raises(StoreUnavailableError) as raised:
        sg.ingest([folder], progress=progress)
    assert struck, "the ingest never wrote to the server"
    return raised.value


def searches_from_the_snapshot(home: Path, embedder, url: str) -> None:
    """A new process, the server unusable: search and ask answer from the committed snapshot."""
    reader = facade(home, embedder, chroma_url=url, chroma_timeout=2)
    top = reader.search("How does HNSW search?", k=3)[0]
    assert Path(top.chunk.source).name == "search.md" and "HNSW" in top.chunk.text
    assert reader.search("InfoNCE negatives", k=2, mode="bm25")
    assert reader.ask("What does BM25 score?", llm=False).found


def equals_a_clean_ingest(sg: Studygraph, folder: Path, clean_home: Path, embedder) -> None:
    """The index equals a clean (local) ingest of the same notes, and the server holds exactly it."""
    clean = facade(clean_home, embedder)
    clean.ingest([folder])
    ours, theirs = sg.index(), clean.index()
    assert list(ours.chunks) == list(theirs.chunks)
    np.testing.assert_allclose(ours.snapshot.vectors, theirs.snapshot.vectors, atol=1e-5)
    np.testing.assert_allclose(ours.snapshot.span_vectors, theirs.snapshot.span_vectors, atol=1e-5)
    assert sg.store.ids() == {c.id for c in ours.chunks}  # no lost and no stale record
    records, _ = sg.store.fetch([c.id for c in ours.chunks])
    assert records == list(ours.chunks)
    found = diagnose(sg.settings, sg.store)
    assert found.ok and not found.problems, found.problems


def indexed_then_edited(server: ChromaServer, notes: Path, home: Path, embedder, timeout: float
                        ) -> tuple[Studygraph, IngestReport, tuple[bytes, bytes]]:
    """What a fault test interrupts: `notes` indexed on the server, then edited.

    Returns:
        The facade (with the Chroma timeout `timeout`), the first ingest's report, the committed files.
    """
    sg = facade(home, embedder, chroma_url=server.url, chroma_timeout=timeout)
    first = sg.ingest([notes])
    before = committed(home)
    edit(notes)
    return sg, first, before


def ingests_like_a_clean_run(server: ChromaServer, notes: Path, home: Path, tmp_path: Path, embedder) -> IngestReport:
    """Once the server is back, the next ingest completes the edit and leaves what a clean ingest would."""
    report = facade(home, embedder, chroma_url=server.url).ingest([notes])
    equals_a_clean_ingest(facade(home, embedder, chroma_url=server.url), notes, tmp_path / "clean", embedder)
    return report


def test_a_server_killed_mid_ingest_stops_it_cleanly_and_the_next_ingest_completes(
    server: ChromaServer, notes: Path, tmp_path: Path, embedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "home"
    sg, first, before = indexed_then_edited(server, notes, home, embedder, timeout=10)

    error = fail_in_the_middle(sg, notes, server.kill, monkeypatch)
    assert server.url in str(error) and "cannot be reached" in str(error)
    assert f"stays at generation {first.generation}" in str(error)
    assert committed(home) == before
    searches_from_the_snapshot(home, embedder, server.url)
    with pytest.raises(StoreUnavailableError, match=f"stays at generation {first.generation}"):
        facade(home, embedder, chroma_url=server.url).remove([str(notes / "search.md")])
    assert committed(home) == before

    server.start()
    report = ingests_like_a_clean_run(server, notes, home, tmp_path, embedder)
    assert report.generation == first.generation + 1 and {Path(p).name for p in report.added} == {"tuning.md"}


def test_a_hung_server_is_a_timeout_not_a_hang(
    server: ChromaServer, notes: Path, tmp_path: Path, embedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "home"
    sg, first, before = indexed_then_edited(server, notes, home, embedder, timeout=2)

    started = time.monotonic()
    error = fail_in_the_middle(sg, notes, server.stop, monkeypatch)
    assert time.monotonic() - started < 30  # the client's 2 s timeout ended it, not our patience
    assert server.url in str(error) and "did not answer within 2 s" in str(error)
    assert committed(home) == before
    searches_from_the_snapshot(home, embedder, server.url)
    with pytest.raises(StoreUnavailableError, match="did not answer within 2 s"):
        facade(home, embedder, chroma_url=server.url, chroma_timeout=2).ingest([notes])  # a new client, too
    assert committed(home) == before

    server.resume()
    assert ingests_like_a_clean_run(server, notes, home, tmp_path, embedder).generation == first.generation + 1


def test_a_wiped_server_is_refilled_from_the_notes(server: ChromaServer, notes: Path, tmp_path: Path, embedder) -> None:
    home = tmp_path / "home"
    sg = facade(home, embedder, chroma_url=server.url)
    first = sg.ingest([notes])
    server.wipe()

    searches_from_the_snapshot(home, embedder, server.url)
    again = facade(home, embedder, chroma_url=server.url)
    report = again.ingest([notes])  # no note changed: only the server lost everything
    assert report.generation == first.generation + 1 and report.embedded == first.chunks
    assert any("had lost the chunks of 2 note(s)" in w for w in report.warnings), report.warnings
    assert server.url in report.warnings[0]
    equals_a_clean_ingest(again, notes, tmp_path / "clean", embedder)
    unchanged = facade(home, embedder, chroma_url=server.url).ingest([notes])
    assert not unchanged.changed and unchanged.embedded == 0


def test_a_second_data_directory_may_not_write_the_same_collection(
    server: ChromaServer, notes: Path, tmp_path: Path, embedder
) -> None:
    owner_home, other_home = tmp_path / "laptop", tmp_path / "desktop"
    owner = facade(owner_home, embedder, chroma_url=server.url)
    first = owner.ingest([notes])
    other_notes = tmp_path / "other"
    other_notes.mkdir()
    (other_notes / "tuning.md").write_text(note("Fine-tuning", SENTENCES[6:8]), encoding="utf-8")

    other = facade(other_home, embedder, chroma_url=server.url)
    with pytest.raises(StoreOwnedError, match=f"belongs to the data directory {owner_home.resolve()}") as raised:
        other.ingest([other_notes])
    assert server.url in str(raised.value) and "STUDYGRAPH_COLLECTION" in str(raised.value)
    with pytest.raises(StoreOwnedError):
        other.rebuild([other_notes])  # would drop the owner's collections
    assert owner.store.ids() == {c.id for c in owner.index().chunks} and len(owner.store.ids()) == first.chunks
    assert load_manifest(other_home) is None

    # Its own collection on the same server is safe: two indexes side by side.
    separate = facade(other_home, embedder, chroma_url=server.url, collection="desktop")
    assert separate.ingest([other_notes]).chunks == 2
    assert owner.ingest([notes]).embedded == 0 and len(owner.store.ids()) == first.chunks
