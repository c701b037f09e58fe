"""The per-chunk stages of a graph build (discovery, extraction) on every usable core.

Both stages read one chunk at a time and share nothing, so a first build of many
chunks reads them on every usable core: this process on a thread, and one worker
process per other core. Processes, not threads, for the others: the stages are pure
Python and hold the GIL. Each worker is a fresh interpreter running
`python -m studygraph.graph.worker` (importing the graph modules takes ~0.2 s and
~22 MB), fed pickled batches on its stdin. Not `multiprocessing`: forking copies
the locks held by the other threads of the app and of ingest (Chroma, ONNX Runtime,
Streamlit), and spawning runs the caller's main script again in every worker, which
breaks any script that builds a graph at its top level.

The same readers serve both stages, and each keeps the spans of the chunks it
discovered until it extracts them: splitting chunks into spans is a tenth of the
stages' CPU, and splitting again, or shipping spans both ways, would pay for it
twice. Each reader first extracts the chunks it discovered, then takes over batches
another has not reached.

Measured on the 12 MB Python docs (10,814 chunks, this 2-core machine): a cold build
took 36 s in one process before this module (and before the shortcuts in the rules
and the paused cycle collector); now 27.2-33.7 s in one process, 20.0-24.9 s with two
worker processes (three alternating runs; the catalog-only build of 2026-11-22 takes
14.4-20.2 s on the same host), and 20.2-22.9 s with this process and one worker, whose
memory together peaks at 477 MB instead of 590 (each worker ~120 MB). On the first
500 / 1,000 / 1,500 / 3,000 chunks, one process against two workers: 1.1-1.4 / 1.2 s,
1.9-2.3 / 2.0 s, 3.2-3.3 / 2.6 s, 6.6 / 4.7-5.1 s: starting a worker (an interpreter,
the lemma tables, the lexicon) pays off from ~1,000 chunks, hence `PARALLEL_FROM`.
"""

from __future__ import annotations

import contextlib
import logging
import pickle
import subprocess
import sys
import threading
from collections.abc import Sequence
from typing import Any

from studygraph.graph.discover import Candidate
from studygraph.graph.extract import ChunkFacts
from studygraph.graph.lexicon import Lexicon
from studygraph.graph.worker import Reader
from studygraph.ingest.note import Chunk
from studygraph.ingest.onnx_session import usable_cores

logger = logging.getLogger(__name__)

PARALLEL_FROM = 1500  # chunks; fewer are read in the caller's process (see the module docstring)
TASKS_PER_WORKER = 6  # batches per worker, so one slow batch does not leave the other core idle


class WorkerFailed(RuntimeError):
    """A worker process died or answered with something other than results."""


def workers_for(count: int) -> int:
    """How many readers to read `count` chunks with: this process and one worker process per other
    usable core (1: this process alone, without threads or workers)."""
    return usable_cores() if count >= PARALLEL_FROM else 1


class _Local:
    """This process as one of the readers: it reads its share on a thread while it waits for the
    workers' answers (it would idle otherwise), so a machine of n cores runs n-1 worker processes
    and holds one copy of the graph modules, lemma tables and lexicon fewer (~120 MB at 12 MB)."""

    def __init__(self) -> None:
        self.reader = Reader()

    def ask(self, request: tuple[str, Any]) -> Any:
        return self.reader.answer(*request)

    def keep_lexicon(self, lexicon: Lexicon, data: bytes) -> None:
        self.reader.lexicon = lexicon

    def close(self) -> None:
        self.reader = Reader()

    def wait(self) -> None:
        self.close()


class _Worker:
    def __init__(self) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "studygraph.graph.worker"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        )

    def ask(self, request: tuple[str, Any]) -> Any:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        pickle.dump(request, self.proc.stdin, protocol=pickle.HIGHEST_PROTOCOL)
        self.proc.stdin.flush()
        return pickle.load(self.proc.stdout)

    def keep_lexicon(self, lexicon: Lexicon, data: bytes) -> None:
        """Send the lexicon, pickled once for every worker as `data`."""
        assert self.proc.stdin is not None
        self.proc.stdin.write(data)
        self.proc.stdin.flush()

    def close(self) -> None:
        """End its input: it exits once it has read it (see `wait`)."""
        with contextlib.suppress(OSError):
            assert self.proc.stdin is not None
            self.proc.stdin.close()

    def wait(self) -> None:
        self.close()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


class Readers:
    """The readers of one graph build: this process alone for a few chunks, or this process on
    a thread beside worker processes; use as a context manager.

    If a worker fails, the reason is logged and this process reads every chunk of the stage
    again, alone: nothing is lost.
    """

    def __init__(self) -> None:
        self._workers: list[_Local | _Worker] = []  # this process first, then the worker processes
        self._owner: dict[str, int] = {}  # chunk id -> the worker keeping its spans
        self._broken = False
        self._closed: list[_Local | _Worker] = []  # let go, not yet reaped
        self._alone = Reader()  # this process reading without workers (spans kept from one stage to the next)

    def __enter__(self) -> Readers:
        return self

    def __exit__(self, *exc: object) -> None:
        for worker in self._workers + self._closed:
            worker.wait()
        self._workers, self._closed = [], []

    def close(self) -> None:
        """Let the workers go: they exit on their own while the caller goes on (reaped on exit)."""
        for worker in self._workers:
            worker.close()
        self._closed += self._workers
        self._workers = []
        self._alone = Reader()

    def discover(self, chunks: Sequence[Chunk]) -> list[tuple[Candidate, ...]]:
        """Discovery candidates of each chunk, in order."""
        count = workers_for(len(chunks))
        if count > 1 and not self._broken and self._start(count):
            batches = _batches(list(chunks), len(self._workers))
            queues = [[b for b in range(len(batches)) if b % len(self._workers) == w] for w in range(len(self._workers))]
            results = self._run("discover", batches, queues)
            if results is not None:
                return results
        return self._alone.discover(list(chunks))

    def extract(self, chunks: Sequence[Chunk], lexicon: Lexicon) -> list[ChunkFacts]:
        """`extract(chunk, lexicon)` of each chunk, in order, each by the reader that discovered it if one did."""
        results = self._extract_beside(chunks, lexicon) if self._workers or workers_for(len(chunks)) > 1 else None
        return self._alone.extract(list(chunks), lexicon) if results is None else results

    def _extract_beside(self, chunks: Sequence[Chunk], lexicon: Lexicon) -> list[ChunkFacts] | None:
        """`extract` with the workers, or None if they failed (or had failed before)."""
        if self._broken or not chunks or not self._start(usable_cores()):
            return None
        n = len(self._workers)
        groups: list[list[int]] = [[] for _ in range(n)]
        for i, chunk in enumerate(chunks):
            groups[self._owner.get(chunk.id, i % n)].append(i)
        batches: list[list[Chunk]] = []
        queues: list[list[int]] = [[] for _ in range(n)]
        for w, group in enumerate(groups):
            for batch in _batches([chunks[i] for i in group], 1):
                queues[w].append(len(batches))
                batches.append(batch)
        data = pickle.dumps(("lexicon", lexicon), protocol=pickle.HIGHEST_PROTOCOL)
        try:
            for worker in self._workers:
                worker.keep_lexicon(lexicon, data)
        except OSError as exc:
            self._fail(exc)
            return None
        results = self._run("extract", batches, queues)
        if results is None:
            return None
        by_index = dict(zip((i for group in groups for i in group), results))  # back in the chunks' order
        return [by_index[i] for i in range(len(chunks))]

    def _start(self, count: int) -> bool:
        """`count` readers (this process and count-1 worker processes) unless they run already;
        False (logged) if a process could not start."""
        try:
            self._workers = self._workers or [_Local()]
            while len(self._workers) < count and not self._broken:
                self._workers.append(_Worker())
        except OSError as exc:
            self._fail(exc)
        return not self._broken

    def _run(self, work: str, batches: list[list[Chunk]], queues: list[list[int]]) -> list[Any] | None:
        """Each worker takes its own queue's batches in turn, then the other queues' last batches."""
        results: list[Any] = [None] * len(batches)
        lock, errors = threading.Lock(), list[BaseException]()
        for queue in queues:
            queue.reverse()  # popped from the end: a queue's first batches first

        def serve(w: int) -> None:
            worker = self._workers[w]
            try:
                while not errors:
                    with lock:
                        mine = queues[w] or max(queues, key=len)  # the longest other queue when ours is done
                        if not mine:
                            return
                        index = mine.pop() if mine is queues[w] else mine.pop(0)  # steal from the far end
                    answer = worker.ask((work, batches[index]))
                    if not isinstance(answer, list) or len(answer) != len(batches[index]):
                        raise WorkerFailed(f"a graph worker answered {type(answer).__name__} for a batch of {len(batches[index])}")
                    results[index] = answer
                    if work == "discover":
                        with lock:
                            self._owner.update((chunk.id, w) for chunk in batches[index])
            except Exception as exc:  # a dead pipe, a bad answer, or a bug the serial build will raise again
                errors.append(exc)

        threads = [threading.Thread(target=serve, args=(w,), daemon=True) for w in range(len(self._workers))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        if errors:
            self._fail(errors[0])
            return None
        return [result for batch in results for result in batch]

    def _fail(self, exc: BaseException) -> None:
        logger.warning("graph build: reading chunks on several cores failed (%s); reading them one by one", exc)
        self._broken = True


def _batches(chunks: list[Chunk], workers: int) -> list[list[Chunk]]:
    size = max(1, -(-len(chunks) // (workers * TASKS_PER_WORKER)))
    return [chunks[i : i + size] for i in range(0, len(chunks), size)]
