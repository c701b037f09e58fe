"""The embedding model as ONNX, exported once from its local weights and kept in the data directory.

`onnx_model(folder, models_dir, backend)` returns the path of the verified
`models_dir/<folder key>/model.onnx` (fp32) or `model-int8.onnx`, exporting them
first when they are missing, damaged or older than the weights. Nothing is ever
fetched: the source is the sentence-transformers folder on disk (torch and
transformers are imported only here, only to export).

Each model is two files: the graph (`model.onnx`, ~0.2 MB) and its weights as
ONNX external data (`model.onnx.data`), which ONNX Runtime maps from disk
instead of copying out of a protobuf. Measured on this machine (2 cores, load
~3), creating the fp32 session from the file's bytes took 0.34-0.84 s of CPU
and 307 MB; from the path of one file 0.25 s and 187 MB; from graph + external
data 0.09-0.10 s and 105 MB (int8: 0.12-0.35, 0.13-0.18, 0.08 s).

A stamp beside each model (`model.onnx.json`) holds the sha256 of the source
weights and, per file, its sha256, size and mtime. A file whose size and mtime
still match is trusted without reading it (hashing 90 MB cost a cold `ask` ~0.15
s); any write changes the mtime, so a truncated or altered file is hashed,
found wrong and exported again. The source is re-hashed only when its size or
mtime changed (sha256 of the 90 MB weights: 0.08 s). Files land by temp file +
rename under a lock, weights before graph before stamp, so two processes
starting at once export once and a reader never trusts half an export.

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
import os
import shutil
import tempfile
import warnings
from pathlib import Path

from studygraph.atomic import write_json, write_with

logger = logging.getLogger(__name__)

FILES = {"onnx": "model.onnx", "onnx-int8": "model-int8.onnx"}
WEIGHTS = ("model.safetensors", "pytorch_model.bin", "config.json")
OPSET = 17
STAMP_VERSION = 2  # bump when the export itself changes: every stamp then mismatches (2: external data)


def export_dir(model_path: str, models_dir: Path) -> Path:
    """Where the exports of the model folder `model_path` live (one folder per source folder)."""
    resolved = Path(model_path).resolve()
    return models_dir / f"{resolved.name}-{hashlib.sha256(str(resolved).encode()).hexdigest()[:12]}"


def data_file(model: Path) -> Path:
    """The external-data file holding the weights of the ONNX graph `model`."""
    return model.with_name(model.name + ".data")


def _source_files(folder: Path) -> list[Path]:
    return [folder / name for name in WEIGHTS if (folder / name).is_file()]


def _source_stat(folder: Path) -> list[list]:
    return [[p.name, p.stat().st_size, p.stat().st_mtime_ns] for p in _source_files(folder)]


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def source_digest(folder: Path) -> str:
    """sha256 over the weight and config files of a model folder."""
    digest = hashlib.sha256(f"studygraph-onnx-{STAMP_VERSION}".encode())
    for path in _source_files(folder):
        digest.update(path.name.encode() + b"\0")
        with path.open("rb") as handle:
            while block := handle.read(1 << 20):
                digest.update(block)
    return digest.hexdigest()


def _stamp_path(model: Path) -> Path:
    return model.with_name(model.name + ".json")


def _read_stamp(model: Path) -> dict:
    try:
        stamp = json.loads(_stamp_path(model).read_text(encoding="utf-8"))
        return stamp if isinstance(stamp, dict) else {}
    except (OSError, ValueError):
        return {}


def _file_record(path: Path, sha256: str | None = None) -> dict:
    st = path.stat()
    return {"sha256": sha256 or _sha256(path), "size": st.st_size, "mtime_ns": st.st_mtime_ns}


def _write_stamp(model: Path, source: str, source_stat: list[list], hashes: dict[str, str] | None = None) -> None:
    """Stamp `model` and its data file as they are on disk now (`hashes`: sha256 by file name, when known)."""
    files = {p.name: _file_record(p, (hashes or {}).get(p.name)) for p in (model, data_file(model))}
    write_json(_stamp_path(model), {"source": source, "source_stat": source_stat, "version": STAMP_VERSION, "files": files})


def _current_source(folder: Path, stamp: dict) -> str:
    """The source digest, taken from the stamp while the weights' size and mtime are unchanged."""
    if stamp.get("source_stat") == _source_stat(folder):
        return str(stamp.get("source", ""))
    return source_digest(folder)


def _file_ok(path: Path, record: object) -> bool:
    """Whether `path` is the file `record` describes: by size and mtime, else by its sha256."""
    if not isinstance(record, dict):
        return False
    try:
        st = path.stat()
    except OSError:
        return False
    if st.st_size != record.get("size"):
        return False
    if st.st_mtime_ns == record.get("mtime_ns"):
        return True
    return _sha256(path) == record.get("sha256")


def _verified(model: Path, folder: Path) -> bool:
    """Whether the stamp beside `model` vouches for it, its data file and the current weights."""
    stamp = _read_stamp(model)
    if stamp.get("version") != STAMP_VERSION:
        return False
    files = stamp.get("files") or {}
    if not all(_file_ok(p, files.get(p.name)) for p in (model, data_file(model))):
        if model.exists():
            logger.warning("%s does not match its stamp (damaged?); exporting it again", model)
        return False
    if _current_source(folder, stamp) != stamp.get("source"):
        logger.info("the weights in %s changed; exporting %s again", folder, model.name)
        return False
    return True


def current_export(model_path: str, models_dir: Path, backend: str) -> Path | None:
    """The verified export for `backend` (the path of its graph file), or None when it must be (re)made."""
    model = export_dir(model_path, models_dir) / FILES[backend]
    return model if _verified(model, Path(model_path)) else None


def _copy_export(source: Path, target: Path) -> None:
    """Copy a verified export (data file first, then the graph, then its stamp with the copies' times)."""
    stamp = _read_stamp(source)
    for src in (data_file(source), source):
        with src.open("rb") as reading:
            write_with(target.parent / src.name, lambda out: shutil.copyfileobj(reading, out, 1 << 20))
    hashes = {name: str(record.get("sha256")) for name, record in stamp["files"].items()}
    _write_stamp(target, stamp["source"], stamp["source_stat"], hashes)


def onnx_model(model_path: str, models_dir: Path, backend: str, installed: Path | None = None) -> tuple[Path, bool]:
    """The ONNX model for `backend` ("onnx" or "onnx-int8"), exported first if needed.

    Args:
        installed: another models folder (the one `make install` filled); a verified
            export there is copied instead of exporting again (0.1 s instead of ~5-30 s
            of torch: every new data directory, e.g. each test's, would export anew).

    Returns:
        (the path of the model's graph file, its weights beside it; whether this call exported it).
    """
    from filelock import FileLock

    folder = Path(model_path)
    target = export_dir(model_path, models_dir) / FILES[backend]
    if _verified(target, folder):
        return target, False
    target.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(str(target.parent / ".export.lock")):
        if _verified(target, folder):  # another process may have exported it meanwhile
            return target, False
        copied = current_export(model_path, installed, backend) if installed and installed != models_dir else None
        if copied is not None:
            _copy_export(copied, target)
            return target, False
        export(folder, target.parent)
        if not _verified(target, folder):  # pragma: no cover - the export just wrote and stamped it
            raise RuntimeError(f"the ONNX export in {target.parent} did not verify")
    return target, True


def export(folder: Path, out_dir: Path) -> None:
    """Export fp32 and per-channel int8 ONNX files of the model in `folder` into `out_dir`."""
    source = source_digest(folder)
    stat = _source_stat(folder)
    logger.info("exporting the embedding model in %s to ONNX (once)", folder)
    with tempfile.TemporaryDirectory(dir=out_dir, prefix=".export-") as scratch:
        fp32, int8 = Path(scratch) / "whole.onnx", Path(scratch) / "whole-int8.onnx"
        _export_fp32(folder, fp32)
        _quantize(fp32, int8)
        for whole, name in ((fp32, FILES["onnx"]), (int8, FILES["onnx-int8"])):
            split = Path(scratch) / name
            _save_external(whole, split)
            # Same file system: each rename is atomic; the stamp, last, vouches for the pair.
            os.replace(data_file(split), data_file(out_dir / name))
            os.replace(split, out_dir / name)
            _write_stamp(out_dir / name, source, stat)


def _save_external(whole: Path, split: Path) -> None:
    """Rewrite a one-file ONNX model as graph + external data (`split` and `split.data`)."""
    import onnx

    model = onnx.load(str(whole))
    onnx.save_model(
        model, str(split), save_as_external_data=True, all_tensors_to_one_file=True,
        location=data_file(split).name, size_threshold=1024,
    )


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
