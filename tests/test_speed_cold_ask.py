"""A cold `studygraph ask` imports only what answering needs (issue #15: cold ask <= 1.5 s).

The time itself is measured in benchmarks/ (run_all.py, cold `ask`), not here; this
pins what made it slow: modules a query never uses, each costing a cold process
0.05-2.7 s of CPU. A module named here may still be imported inside the function
that needs it (ingest, the study commands, an LLM answer, GraphML export).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

# module -> who needs it instead (and what it cost a cold ask before it left the path)
NOT_ON_THE_QUERY_PATH = {
    "torch": "the parity tests and the one-time ONNX export (~2.7 s of imports)",
    "transformers": "the one-time ONNX export",
    "sentence_transformers": "benchmarks only",
    "scipy": "nothing since BM25 is plain numpy (0.27 s)",
    "networkx": "ConceptGraph.nx and GraphML export (0.2 s)",
    "rich": "progress bars and the study commands (0.13 s)",
    "chromadb": "writes, and a snapshot rebuilt when stale",
    "llama_index": "the llama-index adapter",
    "streamlit": "the app",
    "fsrs": "the study deck (0.14 s with the deck)",
    "genanki": "`cards --export`",
    "watchdog": "`studygraph watch`",
    "studygraph.ingest.pipeline": "ingest, remove, rebuild",
    "studygraph.graph.build": "a stale graph's rebuild",
    "studygraph.assistant.study": "the study commands",
}


def test_a_cold_ask_imports_only_the_query_path(seeded_home: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    shutil.copytree(seeded_home, home)  # its ONNX export included: the ask exports nothing
    code = (
        "import json, sys\n"
        "from studygraph.cli.main import app\n"
        "app(['ask', 'What is CLIP?'], standalone_mode=False)\n"
        f"print(json.dumps([m for m in {sorted(NOT_ON_THE_QUERY_PATH)!r} if m in sys.modules]))\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("STUDYGRAPH_")}
    env.update(STUDYGRAPH_HOME=str(home), HF_HUB_OFFLINE="1")
    done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    *answer, modules = done.stdout.strip().splitlines()
    assert "CLIP" in "\n".join(answer)
    loaded = json.loads(modules)
    assert loaded == [], "a cold ask imported " + "; ".join(f"{m} (needed by {NOT_ON_THE_QUERY_PATH[m]})" for m in loaded)
