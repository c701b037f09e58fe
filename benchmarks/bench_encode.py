"""The encode floor, and what each embedder backend costs and changes.

Three modes; each prints one JSON object as its last line (tables go to stderr):

    .venv/bin/python benchmarks/bench_encode.py CORPUS_DIR
        the floor ingest is compared against: the stock `model.encode(texts,
        normalize_embeddings=True)` of sentence-transformers (batch size 32, model
        loaded) on the chunk texts and on the span texts ingest really embeds.

    .venv/bin/python benchmarks/bench_encode.py --backends [--corpus seeds] [--repeat 3]
        sentences/s and CPU-ms per sentence of our Embedder for torch, onnx and
        onnx-int8 (and int8 with 2 intra-op threads instead of one batch per core)
        on the corpus's spans, quiet and while a busy loop we start keeps one core
        busy; and the cosine of each backend's vectors to torch's.

    .venv/bin/python benchmarks/bench_encode.py --quality [--backends-list torch,onnx,onnx-int8]
        per backend, in a fresh data directory: `studygraph ingest` of each corpus,
        `studygraph eval --modes hybrid,dense` of its question sets, cold `ask`
        seconds and peak RSS. ONNX exports are made once, before, and copied in.

Each backend runs in its own process (its imports and threads do not meet the
others'). The 1-minute load average is printed beside every number: on a shared
machine, numbers taken under load are slower.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

from studygraph.ingest.chunking import split_note
from studygraph.ingest.embedder import offline
from studygraph.ingest.reading import discover, read_note
from studygraph.ingest.spans import indexed_spans, span_embedding_text
from studygraph.settings import load_settings

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
BACKENDS = ("torch", "onnx", "onnx-int8", "onnx-int8:intra2")
BUSY_LIMIT_S = 900  # the busy loop ends itself even if this script is killed
# (gold, corpus) pairs of --quality; never the astropy set (held out).
QUALITY_SETS = (
    (ROOT.parent / "shared" / "eval" / "dev_qa.jsonl", ROOT / "seeds"),
    (HERE / "blind" / "seeds" / "qa.jsonl", ROOT / "seeds"),
    (HERE / "blind" / "sympy-math" / "qa.jsonl", HERE / "corpora" / "notes" / "sympy-math"),
    (HERE / "blind" / "git-docs" / "qa.jsonl", HERE / "corpora" / "notes" / "git-docs"),
)


def corpus_texts(corpus: Path) -> tuple[list[str], list[str]]:
    """(chunk texts, span texts) of a folder, as ingest cuts them."""
    settings = load_settings()
    files, _ = discover([corpus])
    chunks = [c for f in files for c in split_note(read_note(f, settings.max_note_bytes), settings.chunk_min_chars, settings.chunk_max_chars)]
    return [c.embedding_text() for c in chunks], [span_embedding_text(s) for c in chunks for s in indexed_spans(c)]


def floor(corpus: Path) -> dict:
    chunks, spans = corpus_texts(corpus)
    offline()  # the environment ingest's embedder runs in (thread wait policy, no hub)
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(load_settings().model, device="cpu", local_files_only=True)
    model.encode(["warm up"])
    out: dict = {"chunks": len(chunks), "spans": len(spans)}
    for name, texts in (("chunk", chunks), ("span", spans)):
        started = time.perf_counter()
        model.encode(texts, normalize_embeddings=True)
        out[f"{name}_encode_s"] = time.perf_counter() - started
    return out


def busy_loop() -> subprocess.Popen:
    """Another process keeping one core busy (bounded: it stops by itself after BUSY_LIMIT_S)."""
    code = f"import time\nend = time.monotonic() + {BUSY_LIMIT_S}\nwhile time.monotonic() < end:\n    pass\n"
    return subprocess.Popen([sys.executable, "-c", code])


def _timed(embedder, texts: list[str], repeat: int) -> dict:
    runs = []
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        embedder.encode(texts)
        runs.append((len(texts) / (time.perf_counter() - wall), 1000 * (time.process_time() - cpu) / len(texts)))
    return {
        "sentences_per_s": max(r[0] for r in runs),
        "sentences_per_s_median": statistics.median(r[0] for r in runs),
        "cpu_ms_per_sentence": min(r[1] for r in runs),
        "load": os.getloadavg()[0],
    }


def one_backend(name: str, models_dir: Path, texts_file: Path, vectors_file: Path, repeat: int) -> dict:
    """Child process: load one backend, time it quiet and busy, save its vectors."""
    import numpy as np

    from studygraph.ingest import embedder as module
    from studygraph.ingest.onnx_export import onnx_model
    from studygraph.ingest.onnx_session import open_session

    texts = json.loads(texts_file.read_text())
    backend = name.split(":")[0]
    embedder = module.Embedder(load_settings().model, backend=backend, models_dir=models_dir)
    started = time.perf_counter()
    embedder.encode(["warm up"])
    out: dict = {"load_s": time.perf_counter() - started}
    if name.endswith(":intra2"):  # the alternative: ONNX Runtime's own 2 threads on one batch at a time
        session = open_session(onnx_model(embedder.model_path, models_dir, backend)[0], intra_threads=2)
        key = (embedder.model_path, backend)
        module._MODELS[key] = replace(module._MODELS[key], run=lambda feeds: session.run(["last_hidden_state"], feeds)[0], workers=1)
    np.save(vectors_file, embedder.encode(texts))
    out["quiet"] = _timed(embedder, texts, repeat)
    hog = busy_loop()
    try:
        time.sleep(1.0)
        out["busy"] = _timed(embedder, texts, repeat)
    finally:
        hog.kill()
        hog.wait()
    return out


def backends(corpus: Path, repeat: int, names: list[str]) -> dict:
    import numpy as np

    _, spans = corpus_texts(corpus)
    texts = list(dict.fromkeys(spans))
    out: dict = {"corpus": str(corpus), "texts": len(texts), "backends": {}}
    with tempfile.TemporaryDirectory() as scratch:
        texts_file = Path(scratch) / "texts.json"
        texts_file.write_text(json.dumps(texts))
        models = Path(scratch) / "models"
        for name in names:
            vectors = Path(scratch) / f"{name.replace(':', '_')}.npy"
            args = ["--one", name, str(models), str(texts_file), str(vectors), str(repeat)]
            done = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True)
            if done.returncode != 0:
                raise RuntimeError(f"{name} failed:\n{done.stderr[-3000:]}")
            out["backends"][name] = json.loads(done.stdout.strip().splitlines()[-1])
        reference = np.load(Path(scratch) / "torch.npy") if "torch" in names else None
        for name in names:
            if reference is None or name == "torch":
                continue
            cos = np.sum(np.load(Path(scratch) / f"{name.replace(':', '_')}.npy") * reference, axis=1)
            out["backends"][name]["cosine_to_torch"] = {
                "min": float(cos.min()), "p1": float(np.percentile(cos, 1)), "p5": float(np.percentile(cos, 5)),
                "median": float(np.median(cos)), "mean": float(cos.mean()),
            }
    print(f"{out['texts']} distinct spans of {corpus.name}", file=sys.stderr)
    print("| backend | load s | sent/s quiet | CPU-ms/sent quiet | sent/s busy | CPU-ms/sent busy | load quiet/busy | cosine to torch min / p1 / median |", file=sys.stderr)
    print("|---|---|---|---|---|---|---|---|", file=sys.stderr)
    for name, row in out["backends"].items():
        q, b, c = row["quiet"], row["busy"], row.get("cosine_to_torch")
        cos = f"{c['min']:.4f} / {c['p1']:.4f} / {c['median']:.4f}" if c else "1"
        print(f"| {name} | {row['load_s']:.1f} | {q['sentences_per_s']:.0f} | {q['cpu_ms_per_sentence']:.2f} | {b['sentences_per_s']:.0f} "
              f"| {b['cpu_ms_per_sentence']:.2f} | {q['load']:.1f} / {b['load']:.1f} | {cos} |", file=sys.stderr)
    return out


def _run(args: list[str], env: dict[str, str]) -> tuple[float, str]:
    """(wall seconds, stdout) of one command in its own process."""
    started = time.perf_counter()
    done = subprocess.run(args, env=env, cwd=ROOT, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed:\n{done.stderr[-3000:]}")
    return time.perf_counter() - started, done.stdout


def _peak_rss_run(args: list[str], env: dict[str, str]) -> tuple[float, int, str]:
    """(wall seconds, peak RSS in MB, stdout) of one command, through /usr/bin/time."""
    with tempfile.NamedTemporaryFile("r", suffix=".rss") as rss:
        wall, stdout = _run(["/usr/bin/time", "-f", "%M", "-o", rss.name, *args], env)
        return wall, int(rss.read().strip().splitlines()[-1]) // 1024, stdout


def quality(names: list[str]) -> dict:
    studygraph = str(Path(sys.executable).parent / "studygraph")
    out: dict = {"backends": {}}
    with tempfile.TemporaryDirectory() as scratch:
        for name in names:
            models = Path(scratch) / f"models-{name}"
            base = {k: v for k, v in os.environ.items() if not k.startswith("STUDYGRAPH_")}
            base.update(HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", TOKENIZERS_PARALLELISM="false", STUDYGRAPH_EMBED_BACKEND=name)
            row: dict = {}
            if name != "torch":  # the one-time export, as `make install` does it
                env = {**base, "STUDYGRAPH_HOME": str(models.parent / f"export-{name}")}
                row["export_s"], _ = _run([sys.executable, "-m", "studygraph.ingest.onnx_export"], env)
            for corpus in dict.fromkeys(c for _, c in QUALITY_SETS):
                home = Path(scratch) / f"{name}-{corpus.name}"
                if name != "torch":
                    shutil.copytree(models.parent / f"export-{name}" / "models", home / "models")
                env = {**base, "STUDYGRAPH_HOME": str(home)}
                load = os.getloadavg()[0]
                ingest_s, ingest_rss, _ = _peak_rss_run([studygraph, "ingest", str(corpus)], env)
                asks = [_peak_rss_run([studygraph, "ask", "What is CLIP?"], env) for _ in range(3)]
                row[corpus.name] = {
                    "ingest_s": ingest_s, "ingest_peak_rss_mb": ingest_rss, "load_before_ingest": load,
                    "cold_ask_s": statistics.median(a[0] for a in asks), "ask_peak_rss_mb": max(a[1] for a in asks),
                    "evals": {},
                }
                for gold, source in QUALITY_SETS:
                    if source != corpus:
                        continue
                    _, eval_rss, stdout = _peak_rss_run([studygraph, "eval", str(gold), "--modes", "hybrid,dense", "--json"], env)
                    reports = json.loads(stdout.strip().splitlines()[-1])
                    row[corpus.name]["evals"][f"{gold.parent.name}/{gold.name}"] = {
                        r["mode"]: {"R@1": r["recall"]["1"], "R@5": r["recall"]["5"], "MRR": r["mrr"], "evidence": r["answer_evidence"]}
                        for r in reports
                    } | {"peak_rss_mb": eval_rss}
            out["backends"][name] = row
            print(json.dumps({name: row}), file=sys.stderr)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("corpus", nargs="?", type=Path)
    parser.add_argument("--backends", action="store_true")
    parser.add_argument("--quality", action="store_true")
    parser.add_argument("--backends-list", default=",".join(BACKENDS))
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--one", nargs=5, metavar=("BACKEND", "MODELS", "TEXTS", "VECTORS", "REPEAT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    names = [n for n in args.backends_list.split(",") if n]
    if args.one:
        name, models, texts, vectors, repeat = args.one
        result = one_backend(name, Path(models), Path(texts), Path(vectors), int(repeat))
    elif args.backends:
        result = backends((args.corpus or ROOT / "seeds").resolve(), args.repeat, names)
    elif args.quality:
        result = quality([n for n in names if ":" not in n])
    elif args.corpus:
        result = floor(args.corpus.resolve())
    else:
        parser.error("give a CORPUS_DIR, --backends or --quality")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
