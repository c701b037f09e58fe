"""Our embedder gives the vectors `SentenceTransformer.encode` gives, without importing it.

The ONNX backends are compared with these torch vectors in test_onnx_embedder.py."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from studygraph.errors import ConfigError, IndexMismatchError
from studygraph.ingest.chunking import split_note
from studygraph.ingest.embedder import Embedder, pooling_of, token_batches
from studygraph.ingest.note import Note
from studygraph.ingest.spans import indexed_spans, span_embedding_text

ROOT = Path(__file__).resolve().parents[2]


def seed_texts() -> list[str]:
    texts = []
    for path in sorted((ROOT / "seeds").glob("*.txt")):
        note = Note(str(path), path.read_text(encoding="utf-8"), "", 0, 0.0)
        for chunk in split_note(note):
            texts.append(chunk.embedding_text())
            texts += [span_embedding_text(s) for s in indexed_spans(chunk)]
    return texts


EDGE_CASES = [
    "",
    " ",
    "x",
    "ViT-L/14 — CLIP's biggest image tower; Σ softmax(QKᵀ/√d)V",
    "数学 と ｶﾀｶﾅ and emoji 🧠",
    "long " * 600,  # past the 256-token limit: truncated, as sentence-transformers does
]


def test_vectors_equal_sentence_transformers(model_path: str) -> None:
    from sentence_transformers import SentenceTransformer

    texts = seed_texts() + EDGE_CASES
    assert len(texts) > 500
    reference = SentenceTransformer(model_path, device="cpu", local_files_only=True)
    theirs = reference.encode(texts, batch_size=32, normalize_embeddings=True, convert_to_numpy=True)
    ours = Embedder(model_path, batch_tokens=300).encode(texts)  # other batches, other padding: same vectors
    assert ours.shape == theirs.shape and ours.dtype == np.float32
    np.testing.assert_allclose(ours, theirs, atol=2e-5)
    np.testing.assert_allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)
    # Order is the caller's, not the length order batches are encoded in.
    assert np.argmax(ours[:50] @ ours[7]) == 7


@pytest.fixture(scope="module")
def models_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("models")


@pytest.mark.parametrize("backend", ["torch", "onnx-int8"])
def test_empty_input_has_the_model_dimension(model_path: str, models_dir: Path, backend: str) -> None:
    assert Embedder(model_path, backend=backend, models_dir=models_dir).encode([]).shape == (0, 384)


def last_word_printed(code: str) -> str:
    """Run `code` in a fresh interpreter (nothing imported yet) and return the last word it prints."""
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return done.stdout.split()[-1]


def test_a_query_does_not_import_sentence_transformers(tmp_path: Path, model_path: str) -> None:
    code = (
        "import sys; from studygraph.ingest.embedder import Embedder; "
        f"v = Embedder({model_path!r}).encode(['what is CLIP?']); "
        "print(v.shape, 'sentence_transformers' in sys.modules)"
    )
    assert last_word_printed(code) == "False"


def test_unsupported_pooling_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "1_Pooling").mkdir()
    (tmp_path / "1_Pooling" / "config.json").write_text(json.dumps({"pooling_mode_max_tokens": True}))
    with pytest.raises(ConfigError, match="pooling"):
        pooling_of(tmp_path)
    (tmp_path / "1_Pooling" / "config.json").write_text(json.dumps({"pooling_mode_cls_token": True}))
    assert pooling_of(tmp_path) == "cls"


@pytest.mark.parametrize("backend", ["torch", "onnx", "onnx-int8"])
def test_a_folder_without_a_model_is_a_clear_error(tmp_path: Path, backend: str) -> None:
    with pytest.raises(ConfigError, match="no embedding model"):
        Embedder(str(tmp_path), backend=backend, models_dir=tmp_path / "models").encode(["x"])


def test_numpy_blas_leaves_the_cores_to_torch_once_the_model_runs(model_path: str) -> None:
    """OpenBLAS threads spinning after a dense search made the next query embedding 10x slower."""
    code = (
        "import numpy, threadpoolctl; from studygraph.ingest.embedder import Embedder; "
        f"Embedder({model_path!r}).encode(['x']); "
        "print(min(i['num_threads'] for i in threadpoolctl.threadpool_info() if i['user_api'] == 'blas'))"
    )
    assert last_word_printed(code) == "1"


@pytest.mark.parametrize("budget", [1, 64, 1024])
def test_token_batches_cover_every_row_once_within_the_budget(budget: int) -> None:
    lengths = [5, 256, 12, 12, 3, 40, 256, 7] * 9
    batches = token_batches(lengths, budget, most=16)
    rows = np.concatenate(batches)
    assert sorted(rows.tolist()) == list(range(len(lengths)))
    assert [lengths[i] for i in rows] == sorted(lengths, reverse=True)  # longest first
    for batch in batches:
        assert len(batch) <= 16
        assert len(batch) == 1 or len(batch) * max(lengths[i] for i in batch) <= budget


@pytest.mark.parametrize("backend", ["torch", "onnx-int8"])
def test_repeated_texts_get_the_same_vector_in_their_own_rows(model_path: str, models_dir: Path, backend: str) -> None:
    texts = ["what is CLIP?", "InfoNCE pulls pairs together", "what is CLIP?", "", "InfoNCE pulls pairs together"]
    vectors = Embedder(model_path, backend=backend, models_dir=models_dir).encode(texts)
    assert vectors.shape == (5, 384)
    np.testing.assert_array_equal(vectors[0], vectors[2])
    np.testing.assert_array_equal(vectors[1], vectors[4])
    assert float(vectors[0] @ vectors[1]) < 0.9


def test_spans_read_in_context_keep_their_rows_and_read_alone_as_encode_does(model_path: str, embedder) -> None:
    chunk = ["CLIP aligns images and text in one space.", "It is trained with a contrastive loss.", "The loss is symmetric."]
    long_text = " ".join(["The vision transformer cuts an image into patches and embeds each one."] * 12)  # > 128 tokens
    groups = [chunk, ["Alone in its chunk."], [], [long_text, "After a long span."]]
    got = embedder.encode_in_context(groups, 128)
    assert [len(g) for g in got] == [3, 1, 0, 2]
    for rows in got:
        np.testing.assert_allclose(np.linalg.norm(rows, axis=1), 1.0, atol=1e-5)
    alone = embedder.encode(["Alone in its chunk.", long_text, "It is trained with a contrastive loss."])
    assert float(got[1][0] @ alone[0]) > 0.9999  # alone in its window: exactly `encode`
    assert float(got[3][0] @ alone[1]) > 0.9999  # longer than the window: a window of its own
    # Read beside "CLIP ...", "It" is about CLIP: no longer the vector of the sentence alone.
    assert float(got[0][1] @ alone[2]) < 0.95
    flat = embedder.encode(chunk)
    np.testing.assert_allclose(embedder.encode_in_context([chunk], 0)[0], flat, atol=1e-6)  # 0: each alone


def test_the_span_window_is_part_of_what_the_index_was_built_with() -> None:
    from studygraph.ingest.manifest import Manifest, check_compatible
    from studygraph.settings import Settings

    built = Manifest(model="m", dimension=384, chunking=Settings(span_window=128).chunking(), backend="onnx")
    check_compatible(built, "m", 384, Settings(span_window=128).chunking(), "onnx")
    with pytest.raises(IndexMismatchError, match=r"span_window 128 \(now None\).*rebuild"):
        check_compatible(built, "m", 384, Settings(span_window=0).chunking(), "onnx")
    with pytest.raises(ConfigError, match="span_window"):
        Settings(span_window=-1)
