"""The single-writer lock of a data directory.

Every command that changes the index (ingest, remove, rebuild, doctor --repair)
holds it; a second writer waits up to `lock_timeout`, then gives up with a
clear message. Readers never take it, except to repair a stale snapshot so
that no writer deletes chunks underneath them.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path

from filelock import FileLock, Timeout

from studygraph.errors import IndexBusyError

logger = logging.getLogger(__name__)
STALE_TEMP_SECONDS = 600.0


def lock_path(home: Path) -> Path:
    return home / "ingest.lock"


def writer_lock(home: Path, timeout: float, on_wait: Callable[[], None] | None = None) -> FileLock:
    """Acquire the writer lock of `home`, waiting at most `timeout` seconds.

    Args:
        home: the data directory.
        timeout: seconds to wait for another writer.
        on_wait: called once if the lock is busy, before waiting.

    Raises:
        IndexBusyError: another writer kept the lock for longer than `timeout`.
    """
    home.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(lock_path(home)))
    try:
        lock.acquire(timeout=0)
    except Timeout:
        if on_wait:
            on_wait()
        try:
            lock.acquire(timeout=timeout)
        except Timeout as exc:
            raise IndexBusyError(
                f"another studygraph process has held {lock_path(home)} for over {timeout:.0f} s "
                "(an ingest, remove, rebuild or doctor --repair); try again when it has finished"
            ) from exc
    return lock


def try_writer_lock(home: Path) -> FileLock | None:
    """The writer lock if nobody holds it now, else None (also None on a read-only data directory)."""
    try:
        lock = FileLock(str(lock_path(home)))
        lock.acquire(timeout=0)
    except (Timeout, OSError):
        return None
    return lock


def sweep_temp_files(home: Path, older_than: float = STALE_TEMP_SECONDS) -> list[Path]:
    """Delete temp files a killed writer left behind (`.<name>.*.tmp`).

    Only old ones: a reader may be writing a fresh one right now without the lock.
    """
    removed = []
    cutoff = time.time() - older_than
    for folder in (home, home / "index", home / "graph", home / "graph" / "cache"):
        for tmp in folder.glob(".*.tmp") if folder.is_dir() else ():
            try:
                if tmp.stat().st_mtime < cutoff:
                    tmp.unlink()
                    removed.append(tmp)
            except OSError:
                continue
    if removed:
        logger.info("removed %d temp file(s) left by an interrupted write", len(removed))
    return removed
