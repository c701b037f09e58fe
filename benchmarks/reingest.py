"""Re-ingest costs the README reports (issue 5).

1. `studygraph ingest seeds/` when nothing changed: process start-up, the ingest
   call itself, and whether torch / sentence-transformers were imported at all.
2. One edited note among 500: the ingest call in a fresh process whose start-up
   (imports, chromadb, the model) is done, and the same call from a cold start.

Each figure is the median of several runs in fresh processes. The 500-note
corpus is built from the seed notes' sections (every note a different
selection, with its own title); its first ingest uses a cache of span
vectors so the set-up takes seconds, and the measured runs use the real model.

    .venv/bin/python benchmarks/reingest.py [--notes 500] [--runs 5] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

CHILD = """
import json, sys, time
t0 = time.perf_counter()
from studygraph.assistant.facade import Studygraph
sg = Studygraph()
t1 = time.perf_counter()
if sys.argv[2] == "preload":  # start-up of a command that writes: chromadb and the model
    import chromadb
    sg.embedder.encode(["warm up"])
t2 = time.perf_counter()
report = sg.ingest([sys.argv[1]])
t3 = time.perf_counter()
print(json.dumps({"import_s": t1 - t0, "model_s": t2 - t1, "ingest_s": t3 - t2, "embedded": report.embedded,
                  "updated": len(report.updated), "unchanged": len(report.unchanged),
                  "torch": "torch" in sys.modules, "sentence_transformers": "sentence_transformers" in sys.modules}))
"""


def env_for(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("STUDYGRAPH_")}
    env.update(STUDYGRAPH_HOME=str(home), HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", TOKENIZERS_PARALLELISM="false")
    return env


def child(home: Path, notes: Path, preload: bool) -> dict:
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(notes), "preload" if preload else "lazy"],
        env=env_for(home), cwd=ROOT, capture_output=True, text=True, check=True,
    )
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["process_s"] = time.perf_counter() - started
    return result


def cli_wall(home: Path, notes: Path) -> float:
    started = time.perf_counter()
    subprocess.run([str(Path(sys.executable).with_name("studygraph")), "ingest", str(notes)], env=env_for(home), cwd=ROOT,
                   capture_output=True, check=True)
    return time.perf_counter() - started


def median(rows: list[dict], key: str) -> float:
    return statistics.median(r[key] for r in rows)


def make_corpus(folder: Path, count: int, seed: int = 5) -> None:
    """`count` notes, each a titled selection of 3-6 sections of the seed notes."""
    from studygraph.ingest.chunking import split_note
    from studygraph.ingest.reading import read_note

    sections = [c.text for p in sorted((ROOT / "seeds").iterdir()) for c in split_note(read_note(p, 1 << 24))]
    rng = random.Random(seed)
    folder.mkdir(parents=True)
    for i in range(count):
        body = "\n\n".join(rng.sample(sections, rng.randint(3, 6)))
        (folder / f"note_{i:03d}.md").write_text(f"# Study note {i}\n\n{body}\n", encoding="utf-8")


def cached_setup_ingest(home: Path, notes: Path) -> None:
    """First ingest of the corpus, embedding each distinct span text once."""
    import numpy as np

    import studygraph.ingest.embedder as embedder_module
    from studygraph.assistant.facade import Studygraph
    from studygraph.settings import load_settings

    real = embedder_module.Embedder.encode
    cache: dict[str, np.ndarray] = {}

    def encode(self, texts):
        missing = sorted({t for t in texts if t not in cache})
        if missing:
            cache.update(zip(missing, real(self, missing)))
        return np.vstack([cache[t] for t in texts])

    embedder_module.Embedder.encode = encode
    try:
        Studygraph(load_settings(env={}, home=home)).ingest([notes])
    finally:
        embedder_module.Embedder.encode = real


def edit(note: Path, run: int) -> None:
    lines = note.read_text(encoding="utf-8").split("\n")
    lines[2] = lines[2] + f" Edited in run {run}: this sentence changes one passage."
    note.write_text("\n".join(lines), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--notes", type=int, default=500)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    os.environ.update(HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1")
    out: dict = {"load_average": os.getloadavg()[0]}
    with tempfile.TemporaryDirectory(prefix="reingest-") as tmp:
        tmp_path = Path(tmp)
        seeds = tmp_path / "seeds"
        shutil.copytree(ROOT / "seeds", seeds)
        home = tmp_path / "home-seeds"
        child(home, seeds, preload=False)  # first ingest
        unchanged = [child(home, seeds, preload=False) for _ in range(args.runs)]
        out["unchanged_seeds"] = {
            "ingest_s": median(unchanged, "ingest_s"),
            "import_s": median(unchanged, "import_s"),
            "process_s": median(unchanged, "process_s"),
            "cli_wall_s": statistics.median(cli_wall(home, seeds) for _ in range(args.runs)),
            "embedded": max(r["embedded"] for r in unchanged),
            "torch_imported": any(r["torch"] or r["sentence_transformers"] for r in unchanged),
        }
        corpus, home = tmp_path / "corpus", tmp_path / "home-corpus"
        make_corpus(corpus, args.notes)
        started = time.perf_counter()
        cached_setup_ingest(home, corpus)
        out["corpus"] = {"notes": args.notes, "setup_s": time.perf_counter() - started}
        cold, warm = [], []
        for run in range(args.runs):
            edit(corpus / f"note_{run * 7:03d}.md", run)
            cold.append(child(home, corpus, preload=False))
            edit(corpus / f"note_{run * 7 + 1:03d}.md", run)
            warm.append(child(home, corpus, preload=True))
        out["one_edit_in_corpus"] = {
            "ingest_cold_s": median(cold, "ingest_s"),
            "ingest_after_startup_s": median(warm, "ingest_s"),
            "chromadb_and_model_load_s": median(warm, "model_s"),
            "import_s": median(warm, "import_s"),
            "embedded_per_run": sorted({r["embedded"] for r in cold + warm}),
            "updated_per_run": sorted({r["updated"] for r in cold + warm}),
            "unchanged_per_run": sorted({r["unchanged"] for r in cold + warm}),
        }
    if args.json:
        print(json.dumps(out))
        return
    u, e = out["unchanged_seeds"], out["one_edit_in_corpus"]
    print(f"load average {out['load_average']:.1f}")
    print(f"unchanged seeds: ingest {u['ingest_s'] * 1000:.0f} ms after start-up (imports {u['import_s']:.2f} s); "
          f"`studygraph ingest` wall {u['cli_wall_s']:.2f} s; embedded {u['embedded']}; torch imported: {u['torch_imported']}")
    print(f"one edited note among {args.notes}: ingest {e['ingest_after_startup_s']:.2f} s after start-up, "
          f"{e['ingest_cold_s']:.2f} s from a cold start (chromadb + model load {e['chromadb_and_model_load_s']:.2f} s); "
          f"embedded {e['embedded_per_run']} chunk(s), {e['unchanged_per_run']} notes unchanged "
          f"(corpus set-up {out['corpus']['setup_s']:.0f} s)")


if __name__ == "__main__":
    main()
