"""The embedding model, loaded once, lazily, from a local sentence-transformers folder.

The model runs through `transformers` directly (tokenizer, BERT, the folder's
pooling, L2 normalisation): the same vectors `SentenceTransformer.encode` gives
(tests/ingest/test_embedder.py compares them), without importing
sentence-transformers, whose import (scikit-learn and more) alone took 2.7 s of
a cold `studygraph ask`.

Batches hold a token budget, not a fixed count: texts are tokenized once, sorted
by token length and cut into batches of about `batch_tokens` tokens including
padding, so a batch of one-line spans holds many texts and a batch of 256-token
chunks a few. Measured on the Python docs: 10k spans encode in 0.61x the time
of the 32-per-batch loop this replaced, 1,536 whole chunks in 0.72x the time
of sentence-transformers' `encode`. Identical texts are encoded once.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import json
import logging
import os
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from studygraph.errors import ConfigError

logger = logging.getLogger(__name__)
_LOCK = threading.Lock()
_MODELS: dict[str, LoadedModel] = {}


def offline() -> None:
    """Nothing may reach a model hub at run time."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")


def _libc_trim():
    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim
    except (OSError, AttributeError):
        return None


_TRIM = _libc_trim()


def release_freed_memory() -> None:
    """Give the heap pages torch freed back to the OS.

    Every batch of a new sequence length leaves glibc's heap fragmented: bare
    `model.encode` over 25k note sentences grows the process from 0.56 to 1.19 GB
    although nothing is kept. `malloc_trim(0)` after each encode call holds it at
    0.61 GB for no measurable time (benchmarks/README numbers, glibc only).
    """
    if _TRIM is not None:
        _TRIM(0)


@dataclass(frozen=True)
class LoadedModel:
    tokenizer: Any
    model: Any  # a transformers PreTrainedModel
    max_length: int
    pooling: str  # "mean" | "cls"
    dimension: int


def _read_json(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def pooling_of(folder: Path) -> str:
    """The pooling a sentence-transformers folder declares (mean when it declares none)."""
    modules = _read_json(folder / "modules.json")
    declared = [m.get("path", "") for m in modules if str(m.get("type", "")).endswith("Pooling")] if isinstance(modules, list) else []
    config = _read_json(folder / (declared[0] if declared else "1_Pooling") / "config.json")
    if not config or config.get("pooling_mode_mean_tokens"):
        return "mean"
    if config.get("pooling_mode_cls_token"):
        return "cls"
    raise ConfigError(f"the model in {folder} uses a pooling Studygraph does not implement ({config}); use a mean- or CLS-pooled model")


def share_cores_with_torch() -> None:
    """One BLAS thread for numpy once torch runs in the process.

    After a numpy matrix product OpenBLAS's idle threads spin, and torch's own
    threads then wait for the cores: on this 2-core machine a query embedding
    right after a dense search over 115k span vectors took 103 ms instead of
    9 ms. With one BLAS thread the dense product costs 14.5 ms instead of 10.8.
    """
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - a dependency; without it queries are only slower
        return
    threadpool_limits(1, user_api="blas")


def load_model(model_path: str) -> LoadedModel:
    offline()
    share_cores_with_torch()
    from transformers import AutoModel, AutoTokenizer
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()
    folder = Path(model_path)
    if not (folder / "config.json").is_file():
        raise ConfigError(f"no embedding model at {model_path} (expected a sentence-transformers folder with config.json)")
    logger.info("loading embedding model from %s", model_path)
    tokenizer = AutoTokenizer.from_pretrained(model_path, local_files_only=True)
    model = AutoModel.from_pretrained(model_path, local_files_only=True).eval()
    limit = _read_json(folder / "sentence_bert_config.json").get("max_seq_length")
    max_length = min(int(limit or tokenizer.model_max_length), int(model.config.max_position_embeddings))
    return LoadedModel(tokenizer, model, max_length, pooling_of(folder), int(model.config.hidden_size))


def token_batches(lengths: Sequence[int], budget: int, most: int = 256) -> list[np.ndarray]:
    """Rows grouped longest first into batches whose padded size (rows x longest)
    stays within `budget` tokens; a text longer than the budget gets a batch alone."""
    order = np.argsort(-np.asarray(lengths, dtype=np.int64), kind="stable")
    batches, start = [], 0
    while start < len(order):
        size = max(1, min(most, budget // max(1, int(lengths[order[start]]))))
        batches.append(order[start : start + size])
        start += size
    return batches


def _padded(encoded: dict[str, list[list[int]]], rows: np.ndarray, pad_id: int, right: bool) -> dict[str, Any]:
    """The batch tensors of `rows`, padded to its longest row (attention mask 0 on padding)."""
    import torch

    width = max(len(encoded["input_ids"][i]) for i in rows)
    out = {}
    for key, values in encoded.items():
        filler = pad_id if key == "input_ids" else 0
        block = np.full((len(rows), width), filler, dtype=np.int64)
        for j, i in enumerate(rows):
            row = values[i]
            if right:
                block[j, : len(row)] = row
            else:
                block[j, width - len(row) :] = row
        out[key] = torch.from_numpy(block)
    return out


class Embedder:
    """Encodes texts to L2-normalised float32 vectors. Cheap to construct; the
    model loads on first use and is shared by every Embedder of the same path."""

    def __init__(self, model_path: str, batch_tokens: int = 1024) -> None:
        self.model_path = model_path
        self.batch_tokens = batch_tokens

    def _model(self) -> LoadedModel:
        with _LOCK:
            loaded = _MODELS.get(self.model_path)
            if loaded is None:
                loaded = _MODELS[self.model_path] = load_model(self.model_path)
            return loaded

    def load_in_background(self) -> None:
        """Start loading the model on a thread, so a cold process can read its
        index meanwhile; `encode` waits for it."""
        if self.model_path not in _MODELS:
            threading.Thread(target=self._quiet_load, name="studygraph-model-load", daemon=True).start()

    def _quiet_load(self) -> None:
        try:
            self._model()
        except Exception:
            logger.debug("background model load failed", exc_info=True)

    @property
    def dimension(self) -> int:
        return self._model().dimension

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        loaded = self._model()
        if not texts:
            return np.zeros((0, loaded.dimension), dtype=np.float32)
        import torch

        unique = list(dict.fromkeys(texts))
        encoded = loaded.tokenizer(unique, truncation=True, max_length=loaded.max_length)
        inputs = dict(encoded)  # input_ids, attention_mask and whatever else the model takes
        lengths = [len(ids) for ids in inputs["input_ids"]]
        pad_id = loaded.tokenizer.pad_token_id or 0
        right = loaded.tokenizer.padding_side == "right"
        vectors = np.empty((len(unique), loaded.dimension), dtype=np.float32)
        batches = token_batches(lengths, self.batch_tokens)
        with torch.inference_mode():
            for rows in batches:
                batch = _padded(inputs, rows, pad_id, right)
                hidden = loaded.model(**batch).last_hidden_state
                if loaded.pooling == "cls":
                    pooled = hidden[:, 0]
                else:
                    mask = batch["attention_mask"].unsqueeze(-1).to(hidden.dtype)
                    pooled = (hidden * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1e-9)
                vectors[rows] = torch.nn.functional.normalize(pooled, p=2, dim=1).numpy()
        if len(batches) > 1:
            release_freed_memory()
        if len(unique) == len(texts):
            return vectors
        position = {text: i for i, text in enumerate(unique)}
        return vectors[[position[t] for t in texts]]
