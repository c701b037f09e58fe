"""Whose turn it is to use the CPU: a student's question or page first, background work after.

The chat's welcome (assistant/welcome.py) is worked out on a thread of the app. Python
threads share one interpreter lock, so while it ran, the student's first page and first
answer ran at half speed or waited out whole C calls (parsing the graph's JSON holds the
lock). So foreground work (a page being drawn, a question being answered) takes a turn,
and background work waits until no turn is held. Measured on the 12 MB Python docs
(`benchmarks/bench_app.py --new-student`, cold processes): a new student's first answer came
1.53-1.72 s after the app's start with the welcome beside it, 1.18-1.40 s (median 1.30) with
turns; a returning student's, who has no welcome to work out, 1.17-1.38 s.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager


class Turns:
    """A count of foreground turns in progress, and a wait for none."""

    def __init__(self) -> None:
        self._held = 0
        self._idle = threading.Condition()
        self._mine = threading.local()  # turns this thread holds

    @contextmanager
    def foreground(self) -> Iterator[None]:
        """Hold a turn for the duration: background work waits meanwhile."""
        self._take(1)
        try:
            yield
        finally:
            self._take(-1)

    @contextmanager
    def aside(self) -> Iterator[None]:
        """Give up this thread's turns while it waits for background work (a page that waits
        briefly for the welcome must let the welcome run); a no-op where it holds none."""
        mine = getattr(self._mine, "count", 0)
        self._take(-mine)
        try:
            yield
        finally:
            self._take(mine)

    def wait(self, timeout: float | None = None) -> bool:
        """Block until no turn is held (True), or `timeout` seconds pass (False)."""
        with self._idle:
            return self._idle.wait_for(lambda: self._held == 0, timeout)

    def held(self) -> int:
        with self._idle:
            return self._held

    def _take(self, n: int) -> None:
        if not n:
            return
        self._mine.count = getattr(self._mine, "count", 0) + n
        with self._idle:
            self._held += n
            if self._held == 0:
                self._idle.notify_all()
