"""The embedding model, loaded once, lazily, from a local sentence-transformers folder.

Three backends give the same kind of vectors (mean or CLS pooling of the last
hidden states, L2-normalised, as `SentenceTransformer.encode`):

- "torch": the transformer through `transformers`, the reference;
- "onnx": ONNX Runtime on an fp32 export of the same weights (ingest/onnx_export.py),
  torch's vectors to 2e-7;
- "onnx-int8": the same export with dynamically quantised int8 weights, cosine
  >= 0.98 to torch's on the seed texts (tests/ingest/test_onnx_embedder.py).

Every backend tokenizes with `tokenizers` from the folder's tokenizer.json and
pools in numpy, so the ONNX ones import neither torch nor transformers: a cold
`studygraph ask` then loads in well under a second what torch took seconds for.

Batches hold a token budget, not a fixed count: texts are tokenized once, sorted
by token length and cut into batches of about `batch_tokens` tokens including
padding, so a batch of one-line spans holds many texts and a batch of 256-token
chunks a few. Measured on the Python docs: 10k spans encode in 0.61x the time
of the 32-per-batch loop this replaced, 1,536 whole chunks in 0.72x the time
of sentence-transformers' `encode`. Identical texts are encoded once.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from studygraph.errors import ConfigError

logger = logging.getLogger(__name__)
_LOCK = threading.Lock()
_MODELS: dict[tuple[str, str], LoadedModel] = {}

BACKENDS = ("torch", "onnx", "onnx-int8")
CONTEXT_WINDOW = 128  # tokens a span is read with its neighbours in (Embedder.encode_in_context)
# Backends whose vectors agree to 1e-4 share a family; an index is searchable
# and extendable by any backend of the family that built it.
FAMILIES = {"torch": "fp32", "onnx": "fp32", "onnx-int8": "int8"}


def same_vectors(built_with: str, now: str) -> bool:
    """Whether vectors of backend `now` may be mixed with an index built with `built_with`."""
    return FAMILIES.get(built_with, built_with) == FAMILIES.get(now, now)


def offline() -> None:
    """Nothing may reach a model hub at run time."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")


@cache
def _libc_trim() -> Callable[[int], int] | None:
    """glibc's malloc_trim, looked up on first use (ctypes and find_library's ldconfig
    run cost a cold query ~20 ms for a function only multi-batch encodes call)."""
    import ctypes
    import ctypes.util

    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim
    except (OSError, AttributeError):
        return None


def release_freed_memory() -> None:
    """Give the heap pages the model freed back to the OS.

    Every batch of a new sequence length leaves glibc's heap fragmented: bare
    `model.encode` over 25k note sentences grows the process from 0.56 to 1.19 GB
    although nothing is kept. `malloc_trim(0)` after each encode call holds it at
    0.61 GB for no measurable time (benchmarks/README numbers, glibc only).
    """
    trim = _libc_trim()
    if trim is not None:
        trim(0)


@dataclass(frozen=True)
class LoadedModel:
    tokenizer: Any  # a tokenizers.Tokenizer, truncating at max_length, not padding
    run: Callable[[dict[str, np.ndarray]], np.ndarray]  # feeds -> last hidden states
    inputs: tuple[str, ...]  # the feeds the model takes, of input_ids, attention_mask, token_type_ids
    max_length: int
    pooling: str  # "mean" | "cls"
    dimension: int
    pad_id: int
    workers: int  # batches encoded at once (torch parallelises inside a batch instead)


def _read_json(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def pooling_of(folder: Path) -> str:
    """The pooling a sentence-transformers folder declares (mean when it declares none)."""
    modules = _read_json(folder / "modules.json")
    declared: list[str] = [m.get("path", "") for m in modules if str(m.get("type", "")).endswith("Pooling")] if isinstance(modules, list) else []
    config = _read_json(folder / (declared[0] if declared else "1_Pooling") / "config.json")
    if not config or config.get("pooling_mode_mean_tokens"):
        return "mean"
    if config.get("pooling_mode_cls_token"):
        return "cls"
    raise ConfigError(f"the model in {folder} uses a pooling Studygraph does not implement ({config}); use a mean- or CLS-pooled model")


def share_cores_with_the_model() -> None:
    """One BLAS thread for numpy once the model runs in the process.

    After a numpy matrix product OpenBLAS's idle threads spin, and the model's
    threads then wait for the cores: on this 2-core machine a query embedding
    right after a dense search over 115k span vectors took 103 ms instead of
    9 ms. With one BLAS thread the dense product costs 14.5 ms instead of 10.8.
    """
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - a dependency; without it queries are only slower
        return
    threadpool_limits(1, user_api="blas")


@dataclass(frozen=True)
class ModelFolder:
    """What the folder's JSON files say: no model framework needed to read them."""

    path: Path
    max_length: int
    pooling: str
    dimension: int
    type_ids: bool  # whether the transformer takes token_type_ids


def read_folder(model_path: str) -> ModelFolder:
    folder = Path(model_path)
    config = _read_json(folder / "config.json")
    if not config or not (folder / "tokenizer.json").is_file():
        raise ConfigError(
            f"no embedding model at {model_path} (expected a sentence-transformers folder with config.json and tokenizer.json)"
        )
    limit = _read_json(folder / "sentence_bert_config.json").get("max_seq_length")
    limit = limit or _read_json(folder / "tokenizer_config.json").get("model_max_length") or 512
    max_length = min(int(limit), int(config.get("max_position_embeddings", limit)))
    types = int(config.get("type_vocab_size", 0) or 0) > 0
    return ModelFolder(folder, max_length, pooling_of(folder), int(config["hidden_size"]), types)


def _tokenizer(folder: ModelFolder) -> tuple[Any, int]:
    """The folder's tokenizer.json, truncating at the model's limit (its own file says 128, padded)."""
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(folder.path / "tokenizer.json"))
    padding = tokenizer.padding or {}
    pad_id = int(padding.get("pad_id", tokenizer.token_to_id("[PAD]") or 0))
    tokenizer.no_padding()
    tokenizer.enable_truncation(max_length=folder.max_length)
    return tokenizer, pad_id


def load_torch(folder: ModelFolder) -> tuple[Callable[[dict[str, np.ndarray]], np.ndarray], int]:
    import torch
    from transformers import AutoModel
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()
    model = AutoModel.from_pretrained(str(folder.path), local_files_only=True).eval()

    def run(feeds: dict[str, np.ndarray]) -> np.ndarray:
        with torch.inference_mode():
            return model(**{k: torch.from_numpy(v) for k, v in feeds.items()}).last_hidden_state.numpy()

    return run, 1


def load_model(model_path: str, backend: str = "torch", models_dir: Path | None = None, installed: Path | None = None) -> LoadedModel:
    offline()
    share_cores_with_the_model()
    folder = read_folder(model_path)
    logger.info("loading embedding model from %s (%s)", model_path, backend)
    tokenizer, pad_id = _tokenizer(folder)
    if backend == "torch":
        run, workers = load_torch(folder)
    else:
        if models_dir is None:
            raise ConfigError(f"the {backend} backend needs a folder to keep its exported model in")
        from studygraph.ingest.onnx_session import onnx_runner

        run, workers = onnx_runner(str(folder.path), backend, models_dir, installed)
    inputs = ("input_ids", "attention_mask", *(("token_type_ids",) if folder.type_ids else ()))
    return LoadedModel(tokenizer, run, inputs, folder.max_length, folder.pooling, folder.dimension, pad_id, workers)


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


def padded(ids: Sequence[Sequence[int]], rows: np.ndarray, pad_id: int, inputs: Sequence[str]) -> dict[str, np.ndarray]:
    """The feeds of `rows`, right-padded to their longest row (attention mask 0 on padding)."""
    width = max(len(ids[i]) for i in rows)
    block = np.full((len(rows), width), pad_id, dtype=np.int64)
    mask = np.zeros((len(rows), width), dtype=np.int64)
    for j, i in enumerate(rows):
        block[j, : len(ids[i])] = ids[i]
        mask[j, : len(ids[i])] = 1
    feeds = {"input_ids": block, "attention_mask": mask, "token_type_ids": np.zeros_like(block)}
    return {name: feeds[name] for name in inputs}


def pool(hidden: np.ndarray, mask: np.ndarray, pooling: str) -> np.ndarray:
    """Sentence vectors from hidden states: masked mean (or the CLS row), L2-normalised."""
    if pooling == "cls":
        pooled = hidden[:, 0]
    else:
        weights = mask[:, :, None].astype(hidden.dtype)
        pooled = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
    return pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)


class Embedder:
    """Encodes texts to L2-normalised float32 vectors. Cheap to construct; the
    model loads on first use and is shared by every Embedder of the same path
    and backend.

    Args:
        model_path: a sentence-transformers folder.
        batch_tokens: tokens per batch, padding included.
        backend: "torch", "onnx" or "onnx-int8" (see the module docstring).
        models_dir: where the ONNX backends keep their export (settings.home / "models").
        installed: a models folder whose export a new `models_dir` copies (the default data directory's).
        span_window: tokens a chunk's span is read with its neighbours in (`encode_spans`); 0 reads each alone.
    """

    def __init__(
        self, model_path: str, batch_tokens: int = 1024, backend: str = "torch", models_dir: Path | None = None,
        installed: Path | None = None, span_window: int = CONTEXT_WINDOW,
    ) -> None:
        if backend not in BACKENDS:
            raise ConfigError(f"embed_backend must be one of {', '.join(BACKENDS)}, got {backend!r}")
        self.model_path = model_path
        self.batch_tokens = batch_tokens
        self.backend = backend
        self.models_dir = models_dir
        self.installed = installed
        self.span_window = span_window

    @classmethod
    def from_settings(cls, settings: Any) -> Embedder:
        """The embedder `settings` describe: its model, backend and data directory (which
        copies the export `make install` left in the default one, if there is one)."""
        from studygraph.settings import Settings

        installed = Settings().home / "models"  # the default data directory
        return cls(settings.model, backend=settings.embed_backend, models_dir=Path(settings.home) / "models", installed=installed,
                   span_window=settings.span_window)

    def _model(self) -> LoadedModel:
        with _LOCK:
            key = (self.model_path, self.backend)
            loaded = _MODELS.get(key)
            if loaded is None:
                loaded = _MODELS[key] = load_model(self.model_path, self.backend, self.models_dir, self.installed)
            return loaded

    def load_in_background(self) -> None:
        """Start loading the model on a thread, so a cold process can read its
        index meanwhile; `encode` waits for it."""
        if (self.model_path, self.backend) not in _MODELS:
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
        unique = list(dict.fromkeys(texts))
        ids = [e.ids for e in loaded.tokenizer.encode_batch(unique, add_special_tokens=True)]
        vectors = np.empty((len(unique), loaded.dimension), dtype=np.float32)

        def pooled(rows: np.ndarray, hidden: np.ndarray, mask: np.ndarray) -> None:
            vectors[rows] = pool(hidden, mask, loaded.pooling)

        self._run(loaded, ids, pooled)
        if len(unique) == len(texts):
            return vectors
        position = {text: i for i, text in enumerate(unique)}
        return vectors[[position[t] for t in texts]]

    def _run(self, loaded: LoadedModel, ids: Sequence[Sequence[int]],
             take: Callable[[np.ndarray, np.ndarray, np.ndarray], None]) -> None:
        """Run the model over token rows in token-budget batches; `take(rows, hidden, mask)` per batch."""
        batches = token_batches([len(row) for row in ids], self.batch_tokens)

        def encode_batch(rows: np.ndarray) -> None:
            feeds = padded(ids, rows, loaded.pad_id, loaded.inputs)
            take(rows, loaded.run(feeds), feeds["attention_mask"])

        if loaded.workers > 1 and len(batches) > 1:
            from concurrent.futures import ThreadPoolExecutor

            with ThreadPoolExecutor(min(loaded.workers, len(batches)), thread_name_prefix="studygraph-embed") as pool_:
                list(pool_.map(encode_batch, batches))
        else:
            for rows in batches:
                encode_batch(rows)
        if len(batches) > 1:
            release_freed_memory()

    def encode_spans(self, groups: Sequence[Sequence[str]]) -> list[np.ndarray]:
        """Span vectors of chunks (one group of span texts per chunk), as this embedder's
        `span_window` says: in context, or each span alone."""
        return self.encode_in_context(groups, self.span_window)

    def encode_in_context(self, groups: Sequence[Sequence[str]], window: int = CONTEXT_WINDOW) -> list[np.ndarray]:
        """Vectors of texts read beside their neighbours ("late chunking"): each group's
        texts (a chunk's spans, in order) are packed into windows of at most `window`
        tokens, the model reads each window once, and a text's vector is the mean of
        its own tokens' states. A text alone in its window gets exactly `encode`'s vector;
        a text longer than the window gets a window of its own (up to the model's length).

        Why: a sentence that leans on the one before ("It is used as follows") is
        found by what it is about. Measured against each span read alone, hybrid
        recall@1 on blind questions: SymPy docs 0.67 -> 0.75, R vignettes 0.73 -> 0.80,
        the seeds unchanged; 256- and 512-token windows did worse than 128.
        `window <= 0`, or a CLS-pooled model, reads every text alone.
        """
        loaded = self._model()
        specials = loaded.tokenizer.encode("", add_special_tokens=True).ids
        bounds = np.cumsum([0] + [len(group) for group in groups])
        if window <= 0 or loaded.pooling != "mean" or len(specials) != 2:
            flat = self.encode([t for group in groups for t in group])
            return [flat[bounds[i] : bounds[i + 1]] for i in range(len(groups))]
        first, last = specials
        rows: list[list[int]] = []  # one per window, special tokens included
        places: list[list[tuple[int, int, int]]] = []  # per window: (text number, first token, end)
        count = 0

        def close(row: list[int], place: list[tuple[int, int, int]]) -> None:
            rows.append([*row, last])
            # Alone in its window, a text is pooled as `encode` pools it: special tokens included.
            places.append([(place[0][0], 0, len(row) + 1)] if len(place) == 1 else place)

        for group in groups:
            encoded = loaded.tokenizer.encode_batch(list(group), add_special_tokens=False) if group else []
            row: list[int] = [first]
            place: list[tuple[int, int, int]] = []
            for e in encoded:
                ids = e.ids[: loaded.max_length - 2]
                if len(row) > 1 and len(row) + len(ids) + 1 > window:
                    close(row, place)
                    row, place = [first], []
                place.append((count, len(row), len(row) + len(ids)))
                row += ids
                count += 1
            if place:
                close(row, place)
        vectors = np.zeros((count, loaded.dimension), dtype=np.float32)

        def pooled(batch: np.ndarray, hidden: np.ndarray, mask: np.ndarray) -> None:
            for j, w in enumerate(batch):
                for k, a, b in places[w]:
                    v = hidden[j, a:b].mean(axis=0) if b > a else hidden[j, 0]
                    vectors[k] = v / max(float(np.linalg.norm(v)), 1e-12)

        if rows:
            self._run(loaded, rows, pooled)
        return [vectors[bounds[i] : bounds[i + 1]] for i in range(len(groups))]
