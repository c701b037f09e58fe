"""Our own sentence-transformers model, loaded once, lazily, from a local path."""

from __future__ import annotations

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


class Embedder:
    """Encodes texts to L2-normalised float32 vectors. Cheap to construct; the
    model loads on first use and is shared by every Embedder of the same path."""

    def __init__(self, model_path: str, batch_size: int = 64) -> None:
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
        return np.asarray(vectors, dtype=np.float32)
