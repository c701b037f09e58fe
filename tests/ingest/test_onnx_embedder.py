"""The ONNX Runtime backends: torch's vectors (fp32) or close to them (int8), from a
local export made once, checked, and redone when damaged or outdated."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import studygraph.ingest.embedder as embedder_module
from studygraph.errors import ConfigError, IndexMismatchError
from studygraph.ingest import onnx_export
from studygraph.ingest.chunking import split_note
from studygraph.ingest.embedder import Embedder
from studygraph.ingest.manifest import Manifest, check_compatible, load_manifest, save_manifest
from studygraph.ingest.note import Note
from studygraph.ingest.spans import indexed_spans, span_embedding_text
from studygraph.settings import load_settings

ROOT = Path(__file__).resolve().parents[2]


def seed_sentences(limit: int = 300) -> list[str]:
    """The first `limit` distinct span texts of the seed notes, as ingest embeds them."""
    texts: dict[str, None] = {}
    for path in sorted((ROOT / "seeds").glob("*.txt")):
        note = Note(str(path), path.read_text(encoding="utf-8"), "", 0, 0.0)
        for chunk in split_note(note):
            texts.update(dict.fromkeys(span_embedding_text(s) for s in indexed_spans(chunk)))
    return list(texts)[:limit]


@pytest.fixture(autouse=True)
def fresh_model_cache() -> None:
    """Loaded models are shared per (model, backend) in a process; these tests look at the
    export files themselves, so each starts as a new process would."""
    embedder_module._MODELS.clear()


@pytest.fixture(scope="module")
def models_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One export for the module (every Embedder of a backend then shares the loaded session)."""
    return tmp_path_factory.mktemp("models")


@pytest.fixture(scope="module")
def sentences() -> list[str]:
    return seed_sentences()


@pytest.fixture(scope="module")
def torch_vectors(model_path: str, sentences: list[str]) -> np.ndarray:
    return Embedder(model_path, backend="torch").encode(sentences)


def cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.sum(a * b, axis=1)


def test_fp32_gives_torch_vectors(model_path: str, models_dir: Path, sentences: list[str], torch_vectors: np.ndarray) -> None:
    assert len(sentences) == 300
    ours = Embedder(model_path, backend="onnx", models_dir=models_dir).encode(sentences)
    assert ours.shape == torch_vectors.shape and ours.dtype == np.float32
    assert cosines(ours, torch_vectors).min() >= 0.9999
    np.testing.assert_allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)


def test_int8_stays_close_to_torch(model_path: str, models_dir: Path, sentences: list[str], torch_vectors: np.ndarray) -> None:
    """Loose on purpose: benchmarks/bench_encode.py reports the distribution (min 0.98 measured)."""
    ours = Embedder(model_path, backend="onnx-int8", models_dir=models_dir).encode(sentences)
    similarity = cosines(ours, torch_vectors)
    assert similarity.min() >= 0.97, f"min {similarity.min():.4f}, median {np.median(similarity):.4f}"
    # Each sentence's nearest torch vector is still its own.
    assert np.mean(np.argmax(ours @ torch_vectors.T, axis=1) == np.arange(len(sentences))) >= 0.99


def test_export_is_made_once_and_reused(model_path: str, models_dir: Path) -> None:
    Embedder(model_path, backend="onnx-int8", models_dir=models_dir).encode(["warm"])  # exported by now
    target = onnx_export.export_dir(model_path, models_dir) / onnx_export.FILES["onnx-int8"]
    before = [p.stat() for p in (target, onnx_export.data_file(target))]
    path, exported = onnx_export.onnx_model(model_path, models_dir, "onnx-int8")
    assert not exported and path == target
    after = [p.stat() for p in (target, onnx_export.data_file(target))]
    assert [(s.st_ino, s.st_mtime_ns) for s in after] == [(s.st_ino, s.st_mtime_ns) for s in before]
    # The graph is small, the weights sit beside it (mapped, not copied, by ONNX Runtime).
    assert target.stat().st_size < 1_000_000 < onnx_export.data_file(target).stat().st_size
    # Nothing half-written is left beside the files.
    assert sorted(p.name for p in target.parent.iterdir()) == [
        ".export.lock", "model-int8.onnx", "model-int8.onnx.data", "model-int8.onnx.json",
        "model.onnx", "model.onnx.data", "model.onnx.json",
    ]


def test_a_new_data_directory_copies_the_installed_export(model_path: str, models_dir: Path, tmp_path: Path) -> None:
    Embedder(model_path, backend="onnx-int8", models_dir=models_dir).encode(["warm"])
    path, exported = onnx_export.onnx_model(model_path, tmp_path / "models", "onnx-int8", installed=models_dir)
    assert not exported
    assert onnx_export.current_export(model_path, tmp_path / "models", "onnx-int8") == path
    installed = onnx_export.export_dir(model_path, models_dir) / path.name
    for copy, source in ((path, installed), (onnx_export.data_file(path), onnx_export.data_file(installed))):
        assert copy.read_bytes() == source.read_bytes()


def copy_exports(model_path: str, source: Path, target: Path) -> Path:
    Embedder(model_path, backend="onnx-int8", models_dir=source).encode(["warm"])
    shutil.copytree(onnx_export.export_dir(model_path, source), onnx_export.export_dir(model_path, target))
    return onnx_export.export_dir(model_path, target) / onnx_export.FILES["onnx-int8"]


def test_a_damaged_export_is_exported_again(model_path: str, models_dir: Path, tmp_path: Path) -> None:
    target = copy_exports(model_path, models_dir, tmp_path / "models")
    weights = onnx_export.data_file(target)
    size = weights.stat().st_size
    with weights.open("r+b") as handle:  # zero bytes in the weights, size unchanged
        handle.seek(size // 2)
        handle.write(b"\0" * 64)
    assert onnx_export.current_export(model_path, tmp_path / "models", "onnx-int8") is None
    path, exported = onnx_export.onnx_model(model_path, tmp_path / "models", "onnx-int8")
    assert exported and path == target
    with weights.open("rb") as handle:
        handle.seek(size // 2)
        assert handle.read(64) != b"\0" * 64


def test_a_touched_but_intact_export_is_trusted_after_hashing(model_path: str, models_dir: Path, tmp_path: Path) -> None:
    """Size and mtime spare the hash; a new mtime alone (a copy, a backup tool) costs one hash, not an export."""
    target = copy_exports(model_path, models_dir, tmp_path / "models")
    os.utime(onnx_export.data_file(target), ns=(1, 1))
    path, exported = onnx_export.onnx_model(model_path, tmp_path / "models", "onnx-int8")
    assert not exported and path == target
    assert onnx_export.data_file(target).stat().st_mtime_ns == 1  # left as it was


def test_a_truncated_export_is_exported_again(model_path: str, models_dir: Path, tmp_path: Path) -> None:
    target = copy_exports(model_path, models_dir, tmp_path / "models")
    mtime = target.stat().st_mtime_ns
    with target.open("r+b") as handle:
        handle.truncate(100)
    os.utime(target, ns=(mtime, mtime))  # even with its old mtime, the size gives it away
    assert onnx_export.current_export(model_path, tmp_path / "models", "onnx-int8") is None


def test_a_failed_export_leaves_the_old_files_and_no_temp_files(
    model_path: str, models_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = copy_exports(model_path, models_dir, tmp_path / "models")
    target.with_name(target.name + ".json").write_text("{}")  # the stamp no longer vouches: export again

    def fail(folder: Path, fp32: Path) -> None:
        fp32.write_bytes(b"half an export")
        raise RuntimeError("export interrupted")

    monkeypatch.setattr(onnx_export, "_export_fp32", fail)
    before = {p.name: p.read_bytes() for p in target.parent.iterdir()}
    with pytest.raises(RuntimeError, match="interrupted"):
        onnx_export.onnx_model(model_path, tmp_path / "models", "onnx-int8")
    assert {p.name: p.read_bytes() for p in target.parent.iterdir()} == before


def test_changed_weights_are_noticed_by_their_hash(model_path: str, models_dir: Path, tmp_path: Path) -> None:
    """A copied model folder: same content (new mtimes) reuses the export; changed content does not."""
    folder = tmp_path / "model"
    folder.mkdir()
    for item in Path(model_path).iterdir():
        (folder / item.name).symlink_to(item)
    (folder / "config.json").unlink()
    shutil.copy(Path(model_path) / "config.json", folder / "config.json")
    source = onnx_export.export_dir(model_path, models_dir)
    Embedder(model_path, backend="onnx-int8", models_dir=models_dir).encode(["warm"])
    shutil.copytree(source, onnx_export.export_dir(str(folder), tmp_path / "models"))
    assert onnx_export.current_export(str(folder), tmp_path / "models", "onnx-int8") is not None
    config = json.loads((folder / "config.json").read_text())
    (folder / "config.json").write_text(json.dumps({**config, "layer_norm_eps": 1e-6}))
    assert onnx_export.current_export(str(folder), tmp_path / "models", "onnx-int8") is None


def test_the_backend_setting_names_the_choices(monkeypatch: pytest.MonkeyPatch) -> None:
    assert load_settings(env={}).embed_backend == "onnx"  # torch's vectors; int8 lost answers with evidence
    assert load_settings(env={"STUDYGRAPH_EMBED_BACKEND": "torch"}).embed_backend == "torch"
    with pytest.raises(ConfigError, match="embed_backend must be one of torch, onnx, onnx-int8, got 'onnx-fp16'"):
        load_settings(env={"STUDYGRAPH_EMBED_BACKEND": "onnx-fp16"})
    with pytest.raises(ConfigError, match="embed_backend must be one of"):
        Embedder("unused", backend="tensorrt")


def test_an_index_of_other_vectors_asks_for_a_rebuild(tmp_path: Path) -> None:
    settings = load_settings(env={}, home=tmp_path)
    save_manifest(tmp_path, Manifest(model=settings.model_name, dimension=384, chunking=settings.chunking(), backend="torch"))
    manifest = load_manifest(tmp_path)
    assert manifest is not None and manifest.backend == "torch"
    check_compatible(manifest, settings.model_name, 384, settings.chunking(), "onnx")  # torch's vectors to 1e-4
    with pytest.raises(IndexMismatchError, match=r"embed_backend 'torch' \(now 'onnx-int8'\); run `studygraph rebuild`"):
        check_compatible(manifest, settings.model_name, 384, settings.chunking(), "onnx-int8")
    # A manifest from before backends were recorded was made by torch.
    data = json.loads((tmp_path / "manifest.json").read_text())
    del data["backend"]
    (tmp_path / "manifest.json").write_text(json.dumps(data))
    assert load_manifest(tmp_path).backend == "torch"  # type: ignore[union-attr]


def test_ingest_refuses_an_index_built_by_another_backend(tmp_path: Path, model_path: str, models_dir: Path) -> None:
    from studygraph.ingest.pipeline import sync

    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "clip.md").write_text("# CLIP\n\nCLIP learns images and captions together with a contrastive loss.\n")
    built = load_settings(env={}, home=tmp_path / "home", embed_backend="onnx")
    sync([notes], built, Embedder.from_settings(built))
    assert load_manifest(built.home).backend == "onnx"  # type: ignore[union-attr]
    (notes / "vit.md").write_text("# ViT\n\nA vision transformer reads an image as a sequence of patches.\n")
    same = load_settings(env={}, home=tmp_path / "home", embed_backend="torch")
    assert sync([notes], same, Embedder.from_settings(same)).embedded == 1
    other = load_settings(env={}, home=tmp_path / "home", embed_backend="onnx-int8")
    with pytest.raises(IndexMismatchError, match="run `studygraph rebuild`"):
        sync([notes], other, Embedder.from_settings(other))


def test_a_cold_ask_imports_no_torch(seeded_home: Path, model_path: str, models_dir: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    shutil.copytree(seeded_home, home)
    Embedder(model_path, backend="onnx-int8", models_dir=models_dir).encode(["warm"])
    shutil.rmtree(home / "models", ignore_errors=True)
    shutil.copytree(models_dir, home / "models")  # as `make install` leaves it: no export in the ask
    code = (
        "import json, sys\n"
        "from studygraph.cli.main import app\n"
        "app(['ask', 'What is CLIP?', '--json'], standalone_mode=False)\n"
        "print(json.dumps([m for m in ('torch', 'transformers', 'sentence_transformers') if m in sys.modules]))\n"
    )
    env = {**os.environ, "STUDYGRAPH_HOME": str(home), "STUDYGRAPH_EMBED_BACKEND": "onnx-int8", "HF_HUB_OFFLINE": "1"}
    done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.strip().splitlines()
    assert "CLIP" in lines[0]
    assert json.loads(lines[-1]) == [], "a cold ask imported these (does the facade build Embedder.from_settings?)"
