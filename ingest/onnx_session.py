"""ONNX Runtime sessions for the embedder, and how many batches run at once.

Each session runs one intra-op thread; `encode` runs up to `batch_workers()`
batches at once on Python threads (ONNX Runtime releases the GIL). Measured on
this 2-core machine, int8, the seed spans in ~1024-token batches, sentences/s
(best of 3):

| machine                          | 1 thread | intra-op 2 | intra-op 2, no spin | 2 workers x 1 thread |
|----------------------------------|---------:|-----------:|--------------------:|---------------------:|
| other sessions' tests (load ~4)  |      103 |         86 |                  83 |                  118 |
| and a busy loop on one core      |       47 |         33 |                  45 |                   70 |

Intra-op threads meet at a barrier after every operator, so one thread that
loses its core stalls the other (2 threads fell below 1); whole batches on
separate threads share nothing and simply get the scheduler's share. With
workers a busy machine can only slow ingest towards one free core, never below
one thread. The count is therefore the cores this process may use
(`sched_getaffinity`), not a guess of the free ones from the load average: the
1-minute average lags a busy spell by a minute and read 4-7 here while two
workers still did 1.5x better than one. Measured again with the load average at
9-10 (other sessions' tests; fp32, 600 seed spans, median of 3): 1, 2 and 3
workers did 34, 30 and 33 sentences/s, and 17, 27 and 28 with a busy loop on one
core more. Fewer workers on a busy machine would only give up our share of the
cores; `free_cores()` is reported beside the benchmark numbers, not obeyed.
tests/test_speed_threads.py checks the choice on this machine's real affinity.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

logger = logging.getLogger(__name__)


def usable_cores() -> int:
    """Cores this process may run on (its CPU affinity, which containers and `taskset` narrow)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def free_cores() -> float:
    """Usable cores minus the 1-minute load average (what the benchmark reports beside its numbers)."""
    try:
        load = os.getloadavg()[0]
    except (AttributeError, OSError):  # pragma: no cover - not Unix
        load = 0.0
    return max(0.0, usable_cores() - load)


def batch_workers() -> int:
    """How many batches to encode at once: one per usable core (see the module docstring)."""
    return usable_cores()


def open_session(model: Path, intra_threads: int = 1) -> Any:
    """An ONNX Runtime CPU session of the model file (its weights mapped from the data file
    beside it, see onnx_export), `intra_threads` threads per run."""
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = intra_threads
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    options.log_severity_level = 3  # errors only: ORT warns about unused initializers after quantisation
    # Spinning threads keep a core after each operator; between batches that core
    # is better left to the other worker or the user's other programs.
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    # Memory patterns replay the allocations of a shape seen before; every batch here has
    # its own (rows, tokens), so they only held memory: without them the seed-style spans
    # of the Python docs (1,200, two workers) peaked at 227 MB instead of 254, CPU unchanged
    # (11.0-11.9 s vs 11.8-13.2 s, three alternating runs, load 6.5-7.3).
    options.enable_mem_pattern = False
    return ort.InferenceSession(str(model), options, providers=["CPUExecutionProvider"])


def onnx_runner(
    model_path: str, backend: str, models_dir: Path, installed: Path | None = None
) -> tuple[Callable[[dict[str, np.ndarray]], np.ndarray], int]:
    """The model of `backend` as a function feeds -> last hidden states, and how many may run at once."""
    from studygraph.ingest.onnx_export import onnx_model

    path, exported = onnx_model(model_path, models_dir, backend, installed)
    if exported:
        logger.info("exported the %s model into %s", backend, models_dir)
    session = open_session(path)

    def run(feeds: dict[str, np.ndarray]) -> np.ndarray:
        return session.run(["last_hidden_state"], feeds)[0]

    return run, batch_workers()
