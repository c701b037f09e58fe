"""Our own sentence-transformers model, loaded once, lazily, from a local path."""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import os
import threading
from collections.abc import Sequence

import numpy as np

logger = logging.getLogger(__name__)
_LOCK = threading.Lock()
_MODELS: dict[str, object] = {}


def offline() -> None:
    """Nothing may reach a model hub at run time."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")


def _libc_trim():  # noqa: ANN202 - a ctypes function, or None off glibc
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


class Embedder:
    """Encodes texts to L2-normalised float32 vectors. Cheap to construct; the
    model loads on first use and is shared by every Embedder of the same path."""

    def __init__(self, model_path: str, batch_size: int = 32) -> None:
        self.model_path = model_path
        self.batch_size = batch_size

    def _model(self):  # noqa: ANN202 - SentenceTransformer, imported lazily
        with _LOCK:
            model = _MODELS.get(self.model_path)
            if model is None:
                offline()
                from sentence_transformers import SentenceTransformer
                from transformers.utils import logging as hf_logging

                hf_logging.disable_progress_bar()

                logger.info("loading embedding model from %s", self.model_path)
                model = SentenceTransformer(self.model_path, device="cpu", local_files_only=True)
                _MODELS[self.model_path] = model
            return model

    def load_in_background(self) -> None:
        """Start loading the model on a thread, so a cold process can read its
        index meanwhile; `encode` waits for it."""
        if self.model_path not in _MODELS:
            threading.Thread(target=self._model, name="studygraph-model-load", daemon=True).start()

    @property
    def dimension(self) -> int:
        model = self._model()
        getter = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
        return int(getter())

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        vectors = self._model().encode(
            list(texts),
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        out = np.asarray(vectors, dtype=np.float32)
        if len(texts) > self.batch_size:
            release_freed_memory()
        return out
