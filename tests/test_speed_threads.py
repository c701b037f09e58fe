"""How many batches the ONNX embedder runs at once, read from this machine's real
cores and load (issue #15: a busy machine must not make ingest slower than one
thread would). The throughput behind the choice is measured by
benchmarks/bench_encode.py --backends (quiet and with one core kept busy)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from studygraph.ingest.onnx_session import batch_workers, free_cores, usable_cores


def test_one_batch_per_core_this_process_may_use() -> None:
    cores = len(os.sched_getaffinity(0))
    assert usable_cores() == cores
    assert batch_workers() == cores  # never more threads than cores: each run keeps its core busy
    assert 0.0 <= free_cores() <= cores


def test_a_process_narrowed_to_one_core_encodes_one_batch_at_a_time(seeded_home: Path, tmp_path: Path) -> None:
    """As `taskset -c 0 studygraph ingest` would run: the embedder reads the narrowed affinity."""
    home = tmp_path / "home"
    shutil.copytree(seeded_home / "models", home / "models")
    code = (
        "import json, os\n"
        "os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})\n"
        "from studygraph.ingest.embedder import Embedder, _MODELS\n"
        "from studygraph.settings import load_settings\n"
        "embedder = Embedder.from_settings(load_settings())\n"
        "vectors = embedder.encode(['one batch', 'and ' * 400, 'another'])\n"
        "print(json.dumps([len(os.sched_getaffinity(0)), _MODELS[(embedder.model_path, embedder.backend)].workers, vectors.shape[0]]))\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("STUDYGRAPH_")}
    env.update(STUDYGRAPH_HOME=str(home), HF_HUB_OFFLINE="1")
    done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.strip().splitlines()[-1]) == [1, 1, 3]
