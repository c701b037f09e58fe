"""Follow note folders: re-ingest shortly after files stop changing.

Editors save in bursts (temp file, rename, touch), so changes are collected
until the folder has been quiet for `debounce` seconds, then handed over in
one batch. watchdog's native observer is used when the OS allows it, else
polling.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer
from watchdog.observers.polling import PollingObserver

from studygraph.settings import SUFFIXES

logger = logging.getLogger(__name__)


def is_note_path(path: str) -> bool:
    p = Path(path)
    return p.suffix.lower() in SUFFIXES and not p.name.startswith(".")


class _Collector(FileSystemEventHandler):
    """Remembers which note paths changed and when the last change happened."""

    def __init__(self, files: set[Path]) -> None:
        self.files = files  # watched single files (their folder is watched); empty = everything
        self.changed: set[Path] = set()
        self.last = 0.0
        self.wake = threading.Event()
        self._lock = threading.Lock()

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type in ("opened", "closed_no_write"):
            return
        paths = [event.src_path, getattr(event, "dest_path", "") or ""]
        hits = [Path(str(p)) for p in paths if p and (is_note_path(str(p)) or (event.is_directory and event.event_type != "modified"))]
        if self.files:
            hits = [p for p in hits if p in self.files]
        if not hits:
            return
        with self._lock:
            self.changed.update(hits)
            self.last = time.monotonic()
        self.wake.set()

    def take_when_quiet(self, debounce: float, stop: threading.Event) -> set[Path]:
        """Block until something changed and then nothing for `debounce` s (or stop is set)."""
        while not stop.is_set():
            if not self.wake.wait(timeout=0.2):
                continue
            with self._lock:
                quiet = time.monotonic() - self.last
                if quiet >= debounce:
                    batch, self.changed = self.changed, set()
                    self.wake.clear()
                    return batch
            stop.wait(min(debounce - quiet, debounce))
        return set()


def watch(
    paths: Sequence[Path],
    on_change: Callable[[set[Path]], None],
    debounce: float = 1.0,
    stop: threading.Event | None = None,
    polling: bool = False,
    on_ready: Callable[[], None] | None = None,
) -> None:
    """Call `on_change(changed paths)` after each burst of changes under `paths`, until `stop` is set.

    Args:
        paths: folders (watched recursively) or single note files.
        on_change: what to do with a batch; exceptions are logged and watching goes on.
        debounce: seconds of quiet that end a burst.
        stop: set it to return (e.g. from a signal handler or a test).
        polling: poll instead of using OS notifications (network drives).
        on_ready: called once the observer runs, e.g. for a first ingest
            (changes made while it runs are not missed).
    """
    stop = stop or threading.Event()
    roots = [Path(p).expanduser().resolve() for p in paths]
    files = {p for p in roots if p.is_file()}
    collector = _Collector(files)
    observer = _start(roots, collector, polling)
    try:
        if on_ready:
            on_ready()
        while not stop.is_set():
            batch = collector.take_when_quiet(debounce, stop)
            if not batch:
                continue
            try:
                on_change(batch)
            except Exception:
                logger.exception("re-ingest after a change failed; still watching")
    finally:
        observer.stop()
        observer.join(timeout=5)


def _start(roots: list[Path], collector: _Collector, polling: bool):
    def schedule(observer) -> None:
        for root in roots:
            target = root.parent if root.is_file() else root
            observer.schedule(collector, str(target), recursive=not root.is_file())
        observer.start()

    if not polling:
        try:
            observer = Observer()
            schedule(observer)
            return observer
        except OSError as exc:  # e.g. the inotify watch limit
            logger.warning("file notifications unavailable (%s); polling instead", exc)
    observer = PollingObserver(timeout=1.0)
    schedule(observer)
    return observer
