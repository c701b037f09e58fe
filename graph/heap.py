"""Pausing Python's cycle collector while a graph's many objects are made."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def no_cyclic_gc() -> Iterator[None]:
    """Pause the cycle collector while a graph's objects are made: nothing made then is garbage
    in a cycle (tuples, frozen dataclasses, dicts of them; freed by reference counts), yet every
    700 new containers the collector walked the growing heap again. Measured on the 12 MB Python
    docs: a third of the JSON parse of a stored graph, and half of a build's selection (7.4 -> 3.5 s)
    and assembly (4.0 -> 2.1 s)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()
