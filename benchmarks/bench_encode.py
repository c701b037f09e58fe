"""The floor ingest is compared against: bare `model.encode` of the same chunks.

The stock call, `model.encode(texts, normalize_embeddings=True)` with
sentence-transformers' default batch size (32), the model already loaded, on two
sets of texts: the chunk texts (one vector per chunk, what a plain pipeline
embeds) and the span texts ingest really embeds (sentences, items, answers with
their question). Prints one JSON object:

    .venv/bin/python benchmarks/bench_encode.py CORPUS_DIR
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

from studygraph.ingest.chunking import split_note
from studygraph.ingest.embedder import offline
from studygraph.ingest.reading import discover, read_note
from studygraph.ingest.spans import indexed_spans, span_embedding_text
from studygraph.settings import load_settings


def main(corpus: Path) -> dict:
    settings = load_settings()
    files, _ = discover([corpus])
    chunks = [c for f in files for c in split_note(read_note(f, settings.max_note_bytes), settings.chunk_min_chars, settings.chunk_max_chars)]
    spans = [span_embedding_text(s) for c in chunks for s in indexed_spans(c)]
    offline()  # the environment ingest's embedder runs in (thread wait policy, no hub)
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(settings.model, device="cpu", local_files_only=True)
    model.encode(["warm up"])
    out: dict = {"chunks": len(chunks), "spans": len(spans)}
    for name, texts in (("chunk", [c.embedding_text() for c in chunks]), ("span", spans)):
        started = time.perf_counter()
        model.encode(texts, normalize_embeddings=True)
        out[f"{name}_encode_s"] = time.perf_counter() - started
    return out


if __name__ == "__main__":
    print(json.dumps(main(Path(sys.argv[1]).resolve())))
