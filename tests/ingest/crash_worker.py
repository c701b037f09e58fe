"""A writer process for the kill test: runs one ingest / remove / rebuild and may
SIGKILL itself at its K-th write event.

Events are the boundaries a crash can fall between: before each embedding
batch, before and after every Chroma write (upsert, update, delete, dropping a
collection), before and after every atomic rename (journal, manifest, snapshot,
graph, graph cache) and around the journal's removal. A run with kill_at=0
records the event list so the test can choose kill points.

Embeddings come from a cache of the real model's vectors that the test fills
beforehand (a text missing from it is an error), so a round costs a process
start, not a model load.

    python crash_worker.py CONFIG.json     # one run
    python crash_worker.py --serve         # a fork server: reads CONFIG paths on stdin

The fork server imports everything once and forks a fresh child per run, so a
kill round does not pay the imports again. For each config line it prints
`pid N`, then (from the child) `go` if asked, then `exit S` (S < 0: killed by
signal -S).
"""

from __future__ import annotations

import json
import os
import signal
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]


class Events:
    def __init__(self, kill_at: int) -> None:
        self.kill_at = kill_at
        self.names: list[str] = []
        self.active = False

    def __call__(self, name: str) -> None:
        if not self.active:
            return
        self.names.append(name)
        if len(self.names) == self.kill_at:
            os.kill(os.getpid(), signal.SIGKILL)


def load_cache(path: Path) -> dict[str, np.ndarray]:
    if not path.is_file():
        return {}
    with np.load(path, allow_pickle=False) as data:
        return dict(zip(data["texts"].tolist(), data["vectors"]))


def save_cache(path: Path, cache: dict[str, np.ndarray]) -> None:
    texts = sorted(cache)
    tmp = path.with_suffix(".tmp.npz")
    np.savez(tmp, texts=np.array(texts), vectors=np.vstack([cache[t] for t in texts]).astype(np.float32))
    os.replace(tmp, path)


def span_keys(group, window: int) -> list[str]:
    """Cache keys of one chunk's span vectors: each depends on the whole chunk's span texts."""
    joined = "\x1e".join(group)
    return [f"{joined}\x1f{window}\x1f{i}" for i in range(len(group))]


def chunk_vectors(groups, embedder) -> dict[str, np.ndarray]:
    """Real-model span vectors of chunks (span text groups), as cache entries."""
    groups = [list(g) for g in dict.fromkeys(tuple(g) for g in groups) if g]
    if not groups:
        return {}
    out: dict[str, np.ndarray] = {}
    for group, rows in zip(groups, embedder.encode_spans(groups)):
        out.update(zip(span_keys(group, embedder.span_window), rows))
    return out


def cached_span_encoder(cache: dict[str, np.ndarray], real, on_call=None, strict: bool = False):
    """An Embedder.encode_in_context that returns the real model's vectors, computing only unseen chunks
    (with `strict`, an unseen chunk is an error: the caller promised none would come)."""

    def encode_in_context(self, groups, window=128):
        if on_call:
            on_call("embed")
        groups = [list(g) for g in groups]
        keys = [span_keys(g, window) for g in groups]
        missing = [j for j, ks in enumerate(keys) if any(k not in cache for k in ks)]
        if missing and strict:
            raise RuntimeError(f"{len(missing)} chunk(s) not in the embedding cache, e.g. {groups[missing[0]][0][:80]!r}")
        for j, rows in zip(missing, real(self, [groups[j] for j in missing], window) if missing else []):
            cache.update(zip(keys[j], rows))
        width = next(iter(cache.values())).shape[0] if cache else 384
        return [np.vstack([cache[k] for k in ks]).astype(np.float32) if ks else np.zeros((0, width), np.float32) for ks in keys]

    return encode_in_context


def cached_encoder(cache: dict[str, np.ndarray], real_encode, on_call=None, strict: bool = False):
    """An Embedder.encode that returns the real model's vectors, computing only unseen texts
    (with `strict`, an unseen text is an error: the caller promised none would come)."""

    def encode(self, texts):
        if on_call:
            on_call("embed")
        texts = list(texts)
        missing = sorted({t for t in texts if t not in cache})
        if missing and strict:
            raise RuntimeError(f"{len(missing)} text(s) not in the embedding cache, e.g. {missing[0][:80]!r}")
        if missing:
            cache.update(zip(missing, real_encode(self, missing)))
        if not texts:
            return real_encode(self, texts)
        return np.vstack([cache[t] for t in texts]).astype(np.float32)

    return encode


def instrument(events: Events) -> None:
    """Fire an event around every durable write of the writer."""
    import chromadb.api.client as client_module
    import chromadb.api.models.Collection as collection_module

    import studygraph.ingest.commit as commit

    def around(owner, name: str, label: str) -> None:
        original = getattr(owner, name)

        def wrapped(*args, **kwargs):
            events(f"{label}:before")
            result = original(*args, **kwargs)
            events(f"{label}:after")
            return result

        setattr(owner, name, wrapped)

    for method in ("upsert", "update", "delete", "add"):
        around(collection_module.Collection, method, f"chroma.{method}")
    around(client_module.Client, "delete_collection", "chroma.drop")
    original_replace = os.replace

    def replace(src, dst, *args, **kwargs):
        events(f"rename:{Path(dst).name}:before")
        original_replace(src, dst, *args, **kwargs)
        events(f"rename:{Path(dst).name}:after")

    os.replace = replace
    around(commit, "clear_journal", "journal.remove")


def main(config_path: str) -> None:
    config = json.loads(Path(config_path).read_text())
    os.environ["STUDYGRAPH_HOME"] = config["home"]
    os.environ.update(config.get("env", {}))  # e.g. the chunk sizes of test_faults_kill_sequences.py
    os.environ.setdefault("HF_HUB_OFFLINE", "1")

    import studygraph.ingest.embedder as embedder_module
    import studygraph.ingest.maintenance as maintenance
    import studygraph.ingest.upsert as upsert
    from studygraph.assistant.facade import Studygraph
    from studygraph.settings import load_settings

    events = Events(int(config.get("kill_at", 0)))
    cache_path = Path(config["cache"])
    cache = load_cache(cache_path)
    embedder_module.Embedder.encode = cached_encoder(cache, embedder_module.Embedder.encode, events, strict=True)
    embedder_module.Embedder.encode_in_context = cached_span_encoder(
        cache, embedder_module.Embedder.encode_in_context, events, strict=True)
    upsert.EMBED_BATCH = int(config.get("batch", upsert.EMBED_BATCH))
    instrument(events)

    sg = Studygraph(load_settings())
    op = config["op"]
    if config.get("go"):
        print("go", flush=True)
    started = time.perf_counter()
    events.active = True
    if op == "ingest":
        sg.ingest([Path(p) for p in config["paths"]])
    elif op == "remove":
        from studygraph.assistant.upkeep import follow_graph

        maintenance.remove_notes(config["targets"], sg.settings, sg.embedder, sg.store)
        follow_graph(sg)
    elif op == "rebuild":
        from studygraph.assistant.upkeep import follow_graph

        maintenance.rebuild(None, sg.settings, sg.embedder, sg.store)
        follow_graph(sg)
    else:
        raise SystemExit(f"unknown op {op!r}")
    events.active = False
    elapsed = time.perf_counter() - started
    if config.get("events_out"):
        Path(config["events_out"]).write_text(json.dumps({"events": events.names, "seconds": elapsed}))


def serve() -> None:
    import chromadb  # noqa: F401 - imported once, before any fork

    import studygraph.ingest.maintenance  # noqa: F401
    from studygraph.assistant.facade import Studygraph  # noqa: F401
    from studygraph.assistant.upkeep import follow_graph  # noqa: F401

    for line in sys.stdin:
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:
            code = 0
            try:
                main(line.strip())
            except BaseException:
                import traceback

                traceback.print_exc()
                code = 1
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)
        print(f"pid {pid}", flush=True)
        _, status = os.waitpid(pid, 0)
        code = -os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)
        print(f"exit {code}", flush=True)


if __name__ == "__main__":
    serve() if sys.argv[1] == "--serve" else main(sys.argv[1])
