"""The chunk store in a real Chroma server (`chroma run` on a free loopback port).

STUDYGRAPH_CHROMA_URL switches the store to `chromadb.HttpClient`; nothing else
changes. With the local search snapshot and graph deleted, a new process
rebuilds BM25, dense search and the concept graph from the chunks the server holds.
"""

from __future__ import annotations

import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from servers import serving

from studygraph.ingest.snapshot import snapshot_path
from studygraph.settings import load_settings

pytestmark = pytest.mark.slow

NOTES = {
    "vector_search.md": """# Vector search

## HNSW
HNSW (Hierarchical Navigable Small World) is a graph index for approximate nearest neighbour search.
It links every vector to its neighbours on several layers and searches greedily from the top layer down.

## IVF-PQ
IVF-PQ partitions the vectors into k-means clusters and compresses each one with product quantization.
It trades some recall for a much smaller memory footprint.
""",
    "contrastive.md": """# Contrastive learning

1. What does CLIP train? CLIP trains an image encoder and a text encoder so that matching pairs have similar embeddings.
2. Which loss does CLIP use? The symmetric InfoNCE loss over image-text similarities, with a learned temperature.
""",
}


@pytest.fixture
def chroma_url(tmp_path: Path) -> Iterator[str]:
    exe = Path(sys.executable).with_name("chroma")
    command = str(exe) if exe.exists() else shutil.which("chroma")
    if command is None:
        pytest.skip("the `chroma` server command is not installed (chromadb puts it in the venv's bin/)")
    command = [command, "run", "--path", str(tmp_path / "server"), "--host", "127.0.0.1", "--port"]
    with serving(lambda port: [*command, str(port)], lambda port: f"http://127.0.0.1:{port}/api/v2/heartbeat",
                 tmp_path / "chroma.log") as port:
        yield f"http://127.0.0.1:{port}"


def test_chunks_live_in_the_server_and_indexes_rebuild_from_them(
    chroma_url: str, tmp_path: Path, studygraph_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import chromadb

    from studygraph.assistant.facade import Studygraph

    notes = tmp_path / "notes"
    notes.mkdir()
    for name, text in NOTES.items():
        (notes / name).write_text(text, encoding="utf-8")
    monkeypatch.setenv("STUDYGRAPH_CHROMA_URL", chroma_url)

    sg = Studygraph(load_settings())
    report = sg.ingest([notes])
    assert len(report.added) == 2 and report.chunks >= 2
    assert sg.status().store == chroma_url
    assert not (studygraph_home / "chroma").exists(), "nothing may be stored in a local Chroma"
    port = int(chroma_url.rsplit(":", 1)[1])
    held = chromadb.HttpClient(host="127.0.0.1", port=port).get_collection(sg.settings.collection)
    assert held.count() == report.chunks

    top = sg.search("What is HNSW?", k=3)[0]
    assert Path(top.chunk.source).name == "vector_search.md"
    assert "Hierarchical Navigable Small World" in top.chunk.text

    # A new process without the derived local files: snapshot, BM25 and graph come back from the server.
    snapshot_path(studygraph_home).unlink()
    shutil.rmtree(studygraph_home / "graph")
    fresh = Studygraph(load_settings())
    lexical = fresh.search("product quantization memory footprint", k=3, mode="bm25")
    assert lexical and "IVF-PQ" in lexical[0].chunk.text
    assert len(fresh.index().chunks) == report.chunks
    assert snapshot_path(studygraph_home).is_file()

    answer = fresh.ask("Which loss does CLIP use?")
    assert answer.found and "InfoNCE" in answer.text
    assert Path(answer.citations[0].source).name == "contrastive.md"
    assert fresh.graph().concept("HNSW") is not None
    assert (studygraph_home / "graph" / "graph.json").is_file()
