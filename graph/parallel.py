"""The per-chunk stages of a graph build (discovery, extraction) on every usable core.

Both stages read one chunk at a time and share nothing, so a first build of many
chunks runs them in worker processes. Processes, not threads: the stages are pure
Python and hold the GIL. Each worker is a fresh interpreter running
`python -m studygraph.graph.worker` (importing the graph modules takes ~0.2 s and
~22 MB), fed pickled batches on its stdin. Not `multiprocessing`: forking copies
the locks held by the other threads of the app and of ingest (Chroma, ONNX Runtime,
Streamlit), and spawning runs the caller's main script again in every worker, which
breaks any script that builds a graph at its top level. A worker re-splits its
chunks into spans instead of receiving them: splitting is ~7% of the stages' CPU,
shipping spans both ways would cost more.

Measured on the 12 MB Python docs (10,814 chunks) on this 2-core machine: see
`PARALLEL_FROM` and the README's graph build numbers.
"""

from __future__ import annotations

import contextlib
import logging
import os
import pickle
import subprocess
import sys
import threading
from collections.abc import Sequence
from typing import Any

from studygraph.graph.discover import Candidate
from studygraph.graph.extract import ChunkFacts
from studygraph.graph.lexicon import Lexicon
from studygraph.ingest.note import Chunk
from studygraph.ingest.onnx_session import usable_cores

logger = logging.getLogger(__name__)

PARALLEL_FROM = 1500  # chunks; fewer are read serially in the caller's process
TASKS_PER_WORKER = 6  # batches per worker, so one slow batch does not leave the other core idle


class WorkerFailed(RuntimeError):
    """A worker process died or answered with something other than results."""


def workers_for(count: int) -> int:
    """How many worker processes to read `count` chunks with (1: serially, in this process)."""
    return usable_cores() if count >= PARALLEL_FROM else 1


def _serve(work: str, batches: list[list[Chunk]], lexicon: Lexicon | None, results: list, lock: threading.Lock,
           queue: list[int], errors: list[BaseException]) -> None:
    """One worker's life: start it, hand it batches until none are left, stop it."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "studygraph.graph.worker"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert proc.stdin is not None and proc.stdout is not None
    try:
        if lexicon is not None:
            pickle.dump(("lexicon", lexicon), proc.stdin, protocol=pickle.HIGHEST_PROTOCOL)
        while not errors:
            with lock:
                if not queue:
                    break
                index = queue.pop()
            pickle.dump((work, batches[index]), proc.stdin, protocol=pickle.HIGHEST_PROTOCOL)
            proc.stdin.flush()
            answer = pickle.load(proc.stdout)
            if not isinstance(answer, list) or len(answer) != len(batches[index]):
                raise WorkerFailed(f"a graph worker answered {type(answer).__name__} for a batch of {len(batches[index])}")
            results[index] = answer
    except (OSError, EOFError, pickle.UnpicklingError, WorkerFailed) as exc:
        errors.append(exc)
    finally:
        with contextlib.suppress(OSError):
            proc.stdin.close()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _run(work: str, chunks: Sequence[Chunk], workers: int, lexicon: Lexicon | None = None) -> list[Any] | None:
    """`work` over `chunks` in `workers` processes, results in chunk order; None if a worker failed."""
    size = max(1, -(-len(chunks) // (workers * TASKS_PER_WORKER)))
    batches = [list(chunks[i : i + size]) for i in range(0, len(chunks), size)]
    results: list[Any] = [None] * len(batches)
    queue = list(range(len(batches)))[::-1]  # popped from the end: first batches first
    lock, errors = threading.Lock(), list[BaseException]()
    threads = [
        threading.Thread(target=_serve, args=(work, batches, lexicon, results, lock, queue, errors), daemon=True)
        for _ in range(min(workers, len(batches)))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        logger.warning("graph build: a worker process failed (%s); reading the chunks in this process", errors[0])
        return None
    return [result for batch in results for result in batch]


def discover_all(chunks: Sequence[Chunk]) -> list[tuple[Candidate, ...]] | None:
    """Discovery candidates of each chunk read in worker processes, or None to read them here
    (too few chunks to pay for the processes, one usable core, or a worker failed)."""
    workers = workers_for(len(chunks))
    return _run("discover", chunks, workers) if workers > 1 else None


def extract_all(chunks: Sequence[Chunk], lexicon: Lexicon) -> list[ChunkFacts] | None:
    """`extract(chunk, lexicon)` of each chunk in worker processes, or None to do it here."""
    workers = workers_for(len(chunks))
    return _run("extract", chunks, workers, lexicon) if workers > 1 else None
