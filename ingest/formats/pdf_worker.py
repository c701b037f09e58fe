"""PDFium in a child process, with a time limit per page and a memory limit.

A PDF is a program for drawing pages, and PDFium runs it in C with no limit of
its own. Measured here: a 117 KB PDF whose one page repeats a text-drawing
operator two million times (a FlateDecode stream of a few KB inflating to 48 MB)
took 3.3 s and 0.9 GB to read; ten times as many operators, a 1.1 MB file, would
at that rate take ~30 s and ~9 GB (extrapolated). In-process that stalls ingest and, since PDFium is
used under one lock, every PDF read in the app, and may take the machine's
memory with it; a crash inside PDFium would take the app down.

So PDFium runs only in a worker process, for reading a PDF's text and for drawing
a cited page (`python -m` this module, started on first use and kept for the next
PDF). It sends a message after each page; the parent stops it when one page takes
over PAGE_SECONDS or the whole file over FILE_SECONDS plus a second a page. Its
address space is capped at MEMORY_BYTES, so a bomb fails there, not here. The
worst real page measured was 0.047 s (the 196 PDFs of Debian's R vignettes,
statsmodels, nbsphinx and libtasn1 documentation: benchmarks/corpora and
/usr/share/doc), so the limits sit two hundred times above what a real document
needs. A stopped or crashed worker is replaced on the next read. Cost, measured on
the 92 PDFs of benchmarks/corpora (5.5 MB): 2.5-2.6 s in-process, 3.2-3.4 s
through the worker (its start ~0.15 s once, then ~7 ms a PDF to pass the bytes and
lines), against ~55 s/MB for the whole ingest of a PDF.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import threading
import time
from multiprocessing.connection import Connection
from typing import Any

from studygraph.errors import NoteError

PAGE_SECONDS = 10.0
FILE_SECONDS = 60.0  # plus one second a page
MEMORY_BYTES = 2 * 1024**3
_LOCK = threading.Lock()  # one read at a time: the worker serves one request, as PDFium's lock did
_worker: _Worker | None = None


class _Worker:
    """The child process and the two pipes to it (pickled messages, as multiprocessing frames them)."""

    def __init__(self) -> None:
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
        self.process = subprocess.Popen(
            [sys.executable, "-m", "studygraph.ingest.formats.pdf_worker", str(MEMORY_BYTES)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env,
        )
        assert self.process.stdin is not None and self.process.stdout is not None
        self.outbox = Connection(os.dup(self.process.stdin.fileno()), readable=False)
        self.inbox = Connection(os.dup(self.process.stdout.fileno()), writable=False)
        self.process.stdin.close()
        self.process.stdout.close()

    def alive(self) -> bool:
        return self.process.poll() is None

    def stop(self) -> None:
        self.process.kill()
        self.process.wait()
        self.outbox.close()
        self.inbox.close()


def run(path: str, function: str, *args: Any) -> Any:
    """`function(*args, progress=...)` run by the worker within the limits; `function` is
    "module:name" and calls `progress(pages done)` as it goes (a page read, a page drawn).

    Raises:
        NoteError: what the function raises, or the PDF was stopped (too slow, too much
            memory, PDFium crashed).
    """
    global _worker
    with _LOCK:
        if _worker is None or not _worker.alive():
            _worker = _Worker()
        worker = _worker
        try:
            worker.outbox.send((function, args))
            return _wait(worker, path)
        except (EOFError, OSError) as exc:
            worker.stop()
            raise NoteError(path, f"stopped the PDF reader (PDFium crashed or went over its {MEMORY_BYTES // 2**20:,} MB "
                                  "memory limit: a damaged PDF or one built to exhaust memory)") from exc


def _wait(worker: _Worker, path: str) -> Any:
    """The worker's answer, reading its page messages; stop it when a page or the file runs too long."""
    started = time.monotonic()
    pages = 0
    while True:
        left = min(PAGE_SECONDS, FILE_SECONDS + pages - (time.monotonic() - started))
        if left <= 0 or not worker.inbox.poll(left):
            worker.stop()
            what = f"over {PAGE_SECONDS:g} s on one page" if left > 0 else f"over {FILE_SECONDS + pages:g} s"
            raise NoteError(path, f"took {what} and was stopped (a PDF built to be slow to read, or damaged)")
        kind, value = worker.inbox.recv()
        if kind == "page":
            pages = value
        elif kind == "error":
            raise NoteError(path, value)
        else:
            return value


def stop() -> None:
    """Stop the worker (the next read starts another); for tests and shutdown."""
    global _worker
    with _LOCK:
        if _worker is not None:
            _worker.stop()
            _worker = None


def _serve(memory: int) -> None:
    """The worker: read requests from stdin, answer on stdout, until stdin closes."""
    import importlib
    import resource

    outbox = Connection(os.dup(1), readable=False)
    os.dup2(2, 1)  # a stray print of a library must not corrupt the pipe
    inbox = Connection(os.dup(0), writable=False)
    with contextlib.suppress(ValueError, OSError):  # not enforced on some systems (macOS): the time limits still hold
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    while True:
        try:
            function, args = inbox.recv()
        except EOFError:
            return
        module, name = function.split(":")
        result = None
        try:
            result = getattr(importlib.import_module(module), name)(*args, progress=lambda n: outbox.send(("page", n)))
        except NoteError as exc:
            outbox.send(("error", exc.reason))
        except MemoryError:
            outbox.send(("error", f"needs over {memory // 2**20:,} MB of memory (a PDF bomb?)"))
        except Exception as exc:  # PDFium's own errors on a damaged page: refuse the file, keep serving
            outbox.send(("error", f"is not a readable PDF ({type(exc).__name__}: {exc})"))
        else:
            outbox.send(("done", result))
        args = result = None  # the PDF's bytes and pages are freed before the next request


if __name__ == "__main__":
    _serve(int(sys.argv[1]))
