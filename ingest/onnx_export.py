"""The embedding model as ONNX, exported once from its local weights and kept in the data directory.

`onnx_model(folder, models_dir, backend)` returns the verified bytes of
`models_dir/<folder key>/model.onnx` (fp32) or `model-int8.onnx`, exporting them
first when they are missing, damaged or older than the weights. Nothing is ever
fetched: the source is the sentence-transformers folder on disk (torch and
transformers are imported only here, only to export).

Each file has a stamp beside it (`model.onnx.json`): the sha256 of the source
weights and of the file itself. The source is re-hashed only when its size or
mtime changed (sha256 of the 90 MB weights: 0.08 s); the ONNX file is hashed on
every load, from the bytes ONNX Runtime is given anyway (0.04 s for int8), so a
truncated or altered file is exported again instead of loaded. Files land by
temp file + rename (studygraph.atomic) under a lock, so two processes starting
at once export once and a reader never sees half a file.

Measured here (2 cores, AVX2 without VNNI) on the 638 seed texts, cosine to the
torch vectors: fp32 min 1.00000 (max abs difference 2e-7); dynamic int8 with
per-channel weights min 0.980 / mean 0.991, with `reduce_range` (7-bit weights)
min 0.982 / mean 0.991 and, over the edge cases (a 600-word text, "", "x"),
min 0.974 instead of 0.956: AVX2's u8 x s8 instruction saturates its 16-bit
sums on full-range weights (the ONNX Runtime docs advise `reduce_range` there).
Per-tensor weights: mean 0.958, too lossy. Export ~3 s, quantisation ~4 s on a
loaded machine.
"""

from __future__ import annotations

import hashlib
import json
import logging
import tempfile
import warnings
from pathlib import Path

from studygraph.atomic import write_bytes, write_json

logger = logging.getLogger(__name__)

FILES = {"onnx": "model.onnx", "onnx-int8": "model-int8.onnx"}
WEIGHTS = ("model.safetensors", "pytorch_model.bin", "config.json")
OPSET = 17
STAMP_VERSION = 1  # bump when the export itself changes: every stamp then mismatches


def export_dir(model_path: str, models_dir: Path) -> Path:
    """Where the exports of the model folder `model_path` live (one folder per source folder)."""
    resolved = Path(model_path).resolve()
    return models_dir / f"{resolved.name}-{hashlib.sha256(str(resolved).encode()).hexdigest()[:12]}"


def _source_files(folder: Path) -> list[Path]:
    return [folder / name for name in WEIGHTS if (folder / name).is_file()]


def _source_stat(folder: Path) -> list[list]:
    return [[p.name, p.stat().st_size, p.stat().st_mtime_ns] for p in _source_files(folder)]


def source_digest(folder: Path) -> str:
    """sha256 over the weight and config files of a model folder."""
    digest = hashlib.sha256(f"studygraph-onnx-{STAMP_VERSION}".encode())
    for path in _source_files(folder):
        digest.update(path.name.encode() + b"\0")
        with path.open("rb") as handle:
            while block := handle.read(1 << 20):
                digest.update(block)
    return digest.hexdigest()


def _read_stamp(path: Path) -> dict:
    try:
        stamp = json.loads(path.with_name(path.name + ".json").read_text(encoding="utf-8"))
        return stamp if isinstance(stamp, dict) else {}
    except (OSError, ValueError):
        return {}


def _current_source(folder: Path, stamp: dict) -> str:
    """The source digest, taken from the stamp while the weights' size and mtime are unchanged."""
    if stamp.get("source_stat") == _source_stat(folder) and stamp.get("version") == STAMP_VERSION:
        return str(stamp.get("source", ""))
    return source_digest(folder)


def _verified(path: Path, folder: Path) -> bytes | None:
    """The file's bytes if its stamp vouches for them and for the current weights, else None."""
    stamp = _read_stamp(path)
    if not stamp or not path.is_file():
        return None
    data = path.read_bytes()
    if hashlib.sha256(data).hexdigest() != stamp.get("sha256"):
        logger.warning("%s does not match its stamp (damaged?); exporting it again", path)
        return None
    if _current_source(folder, stamp) != stamp.get("source"):
        logger.info("the weights in %s changed; exporting %s again", folder, path.name)
        return None
    return data


def current_export(model_path: str, models_dir: Path, backend: str) -> bytes | None:
    """The verified bytes of the export for `backend`, or None when it must be (re)made."""
    return _verified(export_dir(model_path, models_dir) / FILES[backend], Path(model_path))


def onnx_model(model_path: str, models_dir: Path, backend: str, installed: Path | None = None) -> tuple[bytes, bool]:
    """The ONNX model for `backend` ("onnx" or "onnx-int8"), exported first if needed.

    Args:
        installed: another models folder (the one `make install` filled); a verified
            export there is copied instead of exporting again (0.1 s instead of ~5-30 s
            of torch: every new data directory, e.g. each test's, would export anew).

    Returns:
        (the model file's bytes, whether this call exported it).
    """
    from filelock import FileLock

    folder = Path(model_path)
    target = export_dir(model_path, models_dir) / FILES[backend]
    data = current_export(model_path, models_dir, backend)
    if data is not None:
        return data, False
    target.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(str(target.parent / ".export.lock")):
        data = _verified(target, folder)  # another process may have exported it meanwhile
        if data is not None:
            return data, False
        copied = current_export(model_path, installed, backend) if installed and installed != models_dir else None
        if copied is not None and installed is not None:
            write_bytes(target, copied)
            write_json(target.with_name(target.name + ".json"), _read_stamp(export_dir(model_path, installed) / FILES[backend]))
            return copied, False
        export(folder, target.parent)
        data = _verified(target, folder)
    if data is None:  # pragma: no cover - the export just wrote and stamped it
        raise RuntimeError(f"the ONNX export in {target.parent} did not verify")
    return data, True


def export(folder: Path, out_dir: Path) -> None:
    """Export fp32 and per-channel int8 ONNX files of the model in `folder` into `out_dir`."""
    source = source_digest(folder)
    stat = _source_stat(folder)
    logger.info("exporting the embedding model in %s to ONNX (once)", folder)
    with tempfile.TemporaryDirectory(dir=out_dir, prefix=".export-") as scratch:
        fp32, int8 = Path(scratch) / FILES["onnx"], Path(scratch) / FILES["onnx-int8"]
        _export_fp32(folder, fp32)
        _quantize(fp32, int8)
        for made in (fp32, int8):
            data = made.read_bytes()
            write_bytes(out_dir / made.name, data)
            stamp = {"source": source, "source_stat": stat, "sha256": hashlib.sha256(data).hexdigest(), "version": STAMP_VERSION}
            write_json(out_dir / f"{made.name}.json", stamp)


def _export_fp32(folder: Path, target: Path) -> None:
    """Trace the transformer (hidden states out; pooling stays in numpy) with the TorchScript exporter.

    The TorchScript exporter needs only the `onnx` package (the dynamo one also
    needs onnxscript); torch is pinned, so its deprecation does not bite. Eager
    attention traces to plain MatMul/Softmax, which dynamic quantisation handles.
    """
    import torch
    from transformers import AutoModel
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()
    model = AutoModel.from_pretrained(str(folder), local_files_only=True, attn_implementation="eager").eval()
    uses_types = int(getattr(model.config, "type_vocab_size", 0) or 0) > 0
    names = ["input_ids", "attention_mask", *(["token_type_ids"] if uses_types else [])]

    class Hidden(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.model = model

        def forward(self, *inputs: torch.Tensor) -> torch.Tensor:
            return self.model(**dict(zip(names, inputs))).last_hidden_state

    # A padded example, so the trace keeps the attention mask's path.
    ids = torch.tensor([[101, 7592, 2088, 102, 0, 0], [101, 7592, 2088, 2003, 2009, 102]])
    example = (ids, (ids != 0).long(), *([torch.zeros_like(ids)] if uses_types else []))
    axes = {name: {0: "batch", 1: "tokens"} for name in [*names, "last_hidden_state"]}
    with warnings.catch_warnings(), torch.inference_mode(False), torch.no_grad():
        warnings.simplefilter("ignore")  # tracer and deprecation chatter; parity is tested
        torch.onnx.export(
            Hidden(), example, str(target), input_names=names, output_names=["last_hidden_state"],
            dynamic_axes=axes, opset_version=OPSET, dynamo=False,
        )


def _quantize(fp32: Path, int8: Path) -> None:
    from onnxruntime.quantization import QuantType, quantize_dynamic

    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.ERROR)  # quantize_dynamic logs a pre-processing tip through the root logger
    try:
        quantize_dynamic(str(fp32), str(int8), per_channel=True, reduce_range=True, weight_type=QuantType.QInt8)
    finally:
        root.setLevel(level)


def main() -> None:
    """`python -m studygraph.ingest.onnx_export`: export into the data directory now (for `make install`)."""
    from studygraph.ingest.embedder import offline
    from studygraph.settings import load_settings

    offline()
    settings = load_settings()
    for backend in FILES:
        _, exported = onnx_model(settings.model, settings.home / "models", backend)
        print(f"{backend}: {'exported' if exported else 'up to date'} in {export_dir(settings.model, settings.home / 'models')}")


if __name__ == "__main__":
    main()
