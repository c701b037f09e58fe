"""`make bench`: every cost the README reports, measured in one run.

For each corpus (the seeds; 1/4, 1/2 and all of the Python 3.11 docs, see
corpus.py), in a fresh data directory:
- ingest wall time and peak RSS (bench_ingest.py, its own process);
- the floor: bare `model.encode` of the same chunks, and of the spans ingest embeds (bench_encode.py);
- concept graph and BM25 build time from scratch;
- warm latency p50/p95 of `search` in each mode and of `ask` (bench_query.py);
- cold `studygraph ask`, process start to answer (the real CLI, 3 runs);
- `studygraph eval` recall on the corpus's gold questions (seeds: the dev set; full docs:
  python_docs_qa.jsonl, written by hand, and python_docs_qa_sampled.jsonl, written blind
  from files drawn at random);
- issue #15's targets: the largest corpus ingested again while a busy loop keeps one core
  busy (`--busy`), and every corpus with questions ingested and evaluated again with the
  torch backend, its recall, MRR and answers with evidence beside the default backend's
  (`--compare-backends`); the last table lists each target beside its measurement.

Writes benchmarks/results/<stamp>.json (raw), benchmarks/results/<stamp>.md (the
README table) and docs/bench_growth.png. The machine's load average is recorded
beside every corpus: on a shared machine, numbers taken under load are slower.

    .venv/bin/python benchmarks/run_all.py [--corpora seeds,quarter,half,full] [--keep]
        [--busy CORPUS | --busy ''] [--compare-backends torch | --compare-backends '']
    .venv/bin/python benchmarks/run_all.py --requery RAW.json --homes DIR   # queries again, same ingest
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from corpus import FRACTIONS, size_of, subset

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


RESULTS = HERE / "results"
PLOT = ROOT / "docs" / "bench_growth.png"
BIN = Path(sys.executable).parent
DEV_GOLD = ROOT.parent / "shared" / "eval" / "dev_qa.jsonl"
DOCS_GOLD = HERE / "python_docs_qa.jsonl"
DOCS_EVAL = (DOCS_GOLD, HERE / "python_docs_qa_sampled.jsonl")
COLD_RUNS = 3
logger = logging.getLogger("bench")


def _env(home: Path, backend: str | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("STUDYGRAPH_")}
    # PYTHONPATH: the CLI runs this checkout's code even when another one is pip-installed (-e).
    env.update(STUDYGRAPH_HOME=str(home), HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", TOKENIZERS_PARALLELISM="false",
               PYTHONPATH=str(ROOT))
    if backend:
        env["STUDYGRAPH_EMBED_BACKEND"] = backend
    return env


def _child(args: list[str], home: Path, backend: str | None = None) -> dict:
    """Run a helper script in its own process and parse the JSON it prints."""
    done = subprocess.run([sys.executable, *args], env=_env(home, backend), cwd=ROOT, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _cold_ask(home: Path, questions: list[str]) -> list[float]:
    """Wall time of `studygraph ask` from process start to the printed answer (OS file cache warm)."""
    times = []
    for q in questions[:COLD_RUNS]:
        started = time.perf_counter()
        done = subprocess.run([str(BIN / "studygraph"), "ask", q], env=_env(home), cwd=ROOT, capture_output=True, text=True)
        times.append(time.perf_counter() - started)
        if done.returncode != 0:
            raise RuntimeError(f"studygraph ask failed: {done.stderr[-2000:]}")
    return times


def _eval(home: Path, gold: Path, backend: str | None = None) -> dict:
    done = subprocess.run(
        [str(BIN / "studygraph"), "eval", str(gold), "--json"], env=_env(home, backend), cwd=ROOT, capture_output=True, text=True
    )
    if done.returncode != 0:
        raise RuntimeError(f"studygraph eval failed: {done.stderr[-2000:]}")
    return {r["mode"]: r for r in json.loads(done.stdout.strip().splitlines()[-1])}


def _questions(gold: Path) -> list[str]:
    return [json.loads(line)["q"] for line in gold.read_text(encoding="utf-8").splitlines() if line.strip()]


def measure_queries(row: dict, home: Path, gold: Path, eval_golds: Sequence[Path]) -> None:
    logger.info("%s: warm queries", row["corpus"])
    row["query"] = _child([str(HERE / "bench_query.py"), str(home), str(gold)], home)
    logger.info("%s: cold ask", row["corpus"])
    row["cold_ask_s"] = _cold_ask(home, _questions(gold))
    row["evals"] = {}
    for eval_gold in eval_golds:
        logger.info("%s: eval on %s", row["corpus"], eval_gold.name)
        row["evals"][eval_gold.name] = _eval(home, eval_gold)
    row["load_after"] = os.getloadavg()[0]


def eval_golds(name: str, dev: Path | None) -> tuple[Path, ...]:
    if name == "seeds":
        return (dev,) if dev else ()
    return DOCS_EVAL if name == "full" else ()


def requery(raw: Path, homes: Path, dev: Path | None) -> list[dict]:
    """Measure queries again (warm, cold, eval) over the data directories of an earlier
    run (`--keep`), keeping its ingest numbers; a missing directory is ingested again."""
    rows = json.loads(raw.read_text())
    for row in rows:
        name = row["corpus"]
        folder = ROOT / "seeds" if name == "seeds" else subset(name)
        home = homes / f"home-{name}"
        if not home.is_dir():
            logger.info("%s: no data directory under %s; ingesting again (not measured)", name, homes)
            _child([str(HERE / "bench_ingest.py"), str(folder), str(home)], home)
        gold = dev if name == "seeds" and dev else DOCS_GOLD
        row["load_before_queries"] = os.getloadavg()[0]
        measure_queries(row, home, gold, eval_golds(name, dev))
        row["queries_measured_at"] = time.strftime("%Y-%m-%d %H:%M")
    return rows


def bench_corpus(
    name: str, folder: Path, gold: Path, evals: Sequence[Path], work: Path, busy: bool = False, other_backend: str = ""
) -> dict:
    home = work / f"home-{name}"
    shutil.rmtree(home, ignore_errors=True)
    files, size = size_of(folder) if name != "seeds" else (len(list(folder.glob("*.txt"))), sum(p.stat().st_size for p in folder.glob("*.txt")))
    row: dict = {"corpus": name, "files": files, "bytes": size, "load_before": os.getloadavg()[0]}
    logger.info("%s: ingest (%d files, %.1f MB)", name, files, size / 1e6)
    row["ingest"] = _child([str(HERE / "bench_ingest.py"), str(folder), str(home)], home)
    logger.info("%s: ingest %.1f s; bare encode floor", name, row["ingest"]["ingest_s"])
    row["encode"] = _child([str(HERE / "bench_encode.py"), str(folder)], home)
    measure_queries(row, home, gold, evals)
    if busy:
        row["busy"] = ingest_with_a_busy_core(folder, work / f"home-{name}-busy")
    if other_backend and evals:
        row["other_backend"] = {"backend": other_backend, "evals": evals_with(other_backend, folder, evals, work / f"home-{name}-{other_backend}")}
    return row


def ingest_with_a_busy_core(folder: Path, home: Path) -> dict:
    """The ingest again, into a fresh data directory, while another process keeps one core busy."""
    from bench_encode import busy_loop

    shutil.rmtree(home, ignore_errors=True)
    hog = busy_loop()
    try:
        time.sleep(1.0)
        load = os.getloadavg()[0]
        logger.info("%s: ingest with one core kept busy", folder.name)
        out = _child([str(HERE / "bench_ingest.py"), str(folder), str(home)], home)
    finally:
        hog.kill()
        hog.wait()
    return out | {"load_before": load}


def evals_with(backend: str, folder: Path, golds: Sequence[Path], home: Path) -> dict:
    """Ingest with another embedding backend and evaluate the same question sets (retrieval side by side)."""
    shutil.rmtree(home, ignore_errors=True)
    logger.info("%s: ingest and eval with the %s backend", folder.name, backend)
    ingest = _child([str(HERE / "bench_ingest.py"), str(folder), str(home)], home, backend)
    return {"ingest_s": ingest["ingest_s"], "load": os.getloadavg()[0]} | {g.name: _eval(home, g, backend) for g in golds}


def _ms(q: dict, key: str) -> str:
    return f"{q[key]['p50_ms']:.0f} / {q[key]['p95_ms']:.0f}"


def _slope(rows: list[dict], value) -> str:
    """Log-log growth exponent of `value` vs chunks from the smallest to the largest docs subset
    (1.0 = linear, below 1 = sub-linear)."""
    docs = [r for r in rows if r["corpus"] in FRACTIONS]
    if len(docs) < 2:
        return "-"
    a, b = docs[0], docs[-1]
    return f"{math.log(value(b) / value(a)) / math.log(b['ingest']['chunks'] / a['ingest']['chunks']):.2f}"


def markdown(rows: list[dict]) -> str:
    lines = [
        "| corpus | files | MB | chunks | spans | ingest s | encode floor s (chunks / spans) | ingest ÷ floor (chunks / spans) | peak RSS MB (with graph workers) | graph build s | load |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        i, e = r["ingest"], r["encode"]
        lines.append(
            f"| {r['corpus']} | {r['files']} | {r['bytes'] / 1e6:.1f} | {i['chunks']} | {i['spans']} | {i['ingest_s']:.1f} "
            f"| {e['chunk_encode_s']:.1f} / {e['span_encode_s']:.1f} "
            f"| {i['ingest_s'] / e['chunk_encode_s']:.2f} / {i['ingest_s'] / e['span_encode_s']:.2f} "
            f"| {i['peak_rss_mb']:.0f} ({i.get('peak_rss_with_workers_mb', 0):.0f}) | {i['graph_build_s']:.1f} | {r['load_before']:.1f} |"
        )
    lines += [
        "",
        "| corpus | search hybrid p50 / p95 ms | bm25 | dense | ask p50 / p95 ms | query embed p50 ms | cold `ask` s | recall@5 (hybrid) | load |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        q = r["query"]
        recall_text = " / ".join(f"{recall:.2f} ({gold})" for gold, recall in _recalls(r)) or "-"
        cold = sorted(r["cold_ask_s"])[len(r["cold_ask_s"]) // 2]
        lines.append(
            f"| {r['corpus']} | {_ms(q, 'search_hybrid')} | {_ms(q, 'search_bm25')} | {_ms(q, 'search_dense')} "
            f"| {_ms(q, 'ask')} | {q['embed']['p50_ms']:.0f} | {cold:.1f} (max {max(r['cold_ask_s']):.1f}) "
            f"| {recall_text} | {r['load_after']:.1f} |"
        )
    lines += ["", *targets_table(rows), "", *backends_table(rows)]
    lines += [
        "",
        "Growth from 1/4 to all of the docs (log-log exponent vs chunks; 1 = linear): "
        f"hybrid search p50 {_slope(rows, lambda r: r['query']['search_hybrid']['p50_ms'])}, "
        f"ask p50 {_slope(rows, lambda r: r['query']['ask']['p50_ms'])}, "
        f"ingest {_slope(rows, lambda r: r['ingest']['ingest_s'])}.",
    ]
    return "\n".join(lines) + "\n"


def _stage_shares(i: dict) -> str:
    """Shares of ingest wall time: embedding (with the Chroma upserts between batches), the rest of
    the pipeline (read, chunk, commit, snapshot) and the index load + concept graph after it."""
    total = i["ingest_s"] or 1.0
    embed, rest, after = i["embed_s"], i["sync_s"] - i["embed_s"], i["after_sync_s"]
    return " / ".join(f"{100 * part / total:.0f}%" for part in (embed, rest, after))


def targets_table(rows: list[dict]) -> list[str]:
    """Issue #15's targets, each beside its measurement (the 12 MB corpus is `full`)."""
    lines = [
        "| corpus | ingest ÷ chunk floor (<= 0.45) | embed / rest of sync / index+graph | cold `ask` median s (<= 1.5) "
        "| warm search p50 ms (<= 20) | peak RSS MB (<= 1000) | ingest with a busy core ÷ quiet (<= 1.3) | load |",
        "|---|---:|---|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        i = r["ingest"]
        cold = sorted(r["cold_ask_s"])[len(r["cold_ask_s"]) // 2]
        busy = f"{r['busy']['ingest_s'] / i['ingest_s']:.2f} (load {r['busy']['load_before']:.1f})" if "busy" in r else "-"
        lines.append(
            f"| {r['corpus']} | {i['ingest_s'] / r['encode']['chunk_encode_s']:.2f} | {_stage_shares(i)} | {cold:.2f} "
            f"| {r['query']['search_hybrid']['p50_ms']:.0f} | {i['peak_rss_mb']:.0f} | {busy} "
            f"| {r['load_before']:.1f} / {r['load_after']:.1f} |"
        )
    return lines


def backends_table(rows: list[dict]) -> list[str]:
    """Hybrid recall@5, MRR and answers with evidence of the default backend beside another's."""
    lines = ["| corpus | questions | backend | R@5 | MRR | answers with evidence |", "|---|---|---|---:|---:|---:|"]
    for r in rows:
        other = r.get("other_backend")
        if not other:
            continue
        for gold, mine in r.get("evals", {}).items():
            theirs = other["evals"].get(gold)
            for name, e in (("default", mine), (other["backend"], theirs)):
                if e is None:
                    continue
                h = e["hybrid"]
                lines.append(f"| {r['corpus']} | {gold} | {name} | {h['recall']['5']:.3f} | {h['mrr']:.3f} | {h.get('answer_evidence', float('nan')):.3f} |")
    return lines if len(lines) > 2 else []


def _recalls(row: dict) -> list[tuple[str, float]]:
    """(gold file, hybrid recall@5) of each eval of a row (older results: one `eval`)."""
    evals = row.get("evals") or ({row["eval_gold"]: row["eval"]} if "eval" in row else {})
    return [(gold, e["hybrid"]["recall"]["5"]) for gold, e in evals.items()]


def plot(rows: list[dict], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    docs = [r for r in rows if r["corpus"] in FRACTIONS] or rows
    chunks = [r["ingest"]["chunks"] for r in docs]
    labels = [f"{r['corpus']}\n{r['ingest']['chunks']:,} chunks" for r in docs]
    fig, axes = plt.subplots(1, 3, figsize=(15, 4.4))
    ax = axes[0]
    ax.plot(chunks, [r["ingest"]["ingest_s"] for r in docs], "o-", label="ingest (studygraph)")
    ax.plot(chunks, [r["encode"]["span_encode_s"] for r in docs], "s--", label="bare encode of the spans")
    ax.plot(chunks, [r["encode"]["chunk_encode_s"] for r in docs], "^--", label="bare encode of the chunks")
    ax.set_title("Ingest wall time (s)")
    ax2 = axes[1]
    for key, label in (("search_hybrid", "search hybrid"), ("search_bm25", "search bm25"),
                       ("search_dense", "search dense"), ("ask", "ask")):
        ax2.plot(chunks, [r["query"][key]["p50_ms"] for r in docs], "o-", label=f"{label} p50")
    ax2.plot(chunks, [r["query"]["ask"]["p95_ms"] for r in docs], "x:", label="ask p95")
    ax2.axhline(20, color="gray", ls="--", lw=1, label="target: search p50 20 ms")
    ax2.set_title("Warm query latency (ms)")
    ax3 = axes[2]
    ax3.plot(chunks, [sorted(r["cold_ask_s"])[len(r["cold_ask_s"]) // 2] for r in docs], "o-", label="cold `studygraph ask` (s)")
    ax3.plot(chunks, [r["ingest"]["graph_build_s"] for r in docs], "s-", label="graph build from scratch (s)")
    ax3.plot(chunks, [r["ingest"]["peak_rss_mb"] / 1000 for r in docs], "^-", label="ingest peak RSS (GB)")
    ax3.axhline(1.5, color="gray", ls="--", lw=1, label="target: cold ask 1.5 s")
    ax3.axhline(1.0, color="gray", ls=":", lw=1, label="target: peak RSS 1.0 GB")
    ax3.set_title("Cold start, graph build, memory")
    for a in axes:
        a.set_xticks(chunks, labels, fontsize=8)
        a.set_ylim(bottom=0)
        a.grid(alpha=0.3)
        a.legend(fontsize=8)
    load = max(r["load_before"] for r in docs)
    fig.suptitle(f"Studygraph costs vs corpus size (Python 3.11 docs, {os.cpu_count()} cores, load avg <= {load:.1f})")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpora", default="seeds,quarter,half,full")
    parser.add_argument("--keep", action="store_true", help="keep the data directories (under benchmarks/results/)")
    parser.add_argument("--dev-gold", type=Path, default=DEV_GOLD, help="gold questions for the seeds")
    parser.add_argument("--replot", type=Path, help="only redo the table and plot from a raw results .json")
    parser.add_argument("--requery", type=Path, help="re-measure queries for a raw results .json (see --homes)")
    parser.add_argument("--homes", type=Path, help="with --requery: the folder holding home-<corpus> data directories")
    parser.add_argument("--busy", default=None, help="the corpus ingested again with one core kept busy (default: the last; '' for none)")
    parser.add_argument("--compare-backends", default="torch", help="another embedding backend to evaluate beside the default ('' for none)")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", datefmt="%H:%M:%S")
    if args.requery:
        rows = requery(args.requery, args.homes, args.dev_gold if args.dev_gold.is_file() else None)
        out = RESULTS / f"{time.strftime('%Y%m%d-%H%M%S')}-requery.json"
        out.write_text(json.dumps(rows, indent=1))
        out.with_suffix(".md").write_text(markdown(rows))
        plot(rows, PLOT)
        print(markdown(rows))
        print(f"raw results: {out}; plot: {PLOT}")
        return
    if args.replot:
        rows = json.loads(args.replot.read_text())
        args.replot.with_suffix(".md").write_text(markdown(rows))
        plot(rows, PLOT)
        print(markdown(rows))
        return
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    work = Path(tempfile.mkdtemp(prefix=f"run-{stamp}-", dir=RESULTS))
    rows = []
    try:
        dev = args.dev_gold if args.dev_gold.is_file() else None
        names = args.corpora.split(",")
        busy = names[-1] if args.busy is None else args.busy
        for name in names:
            folder, gold = (ROOT / "seeds", dev or DOCS_GOLD) if name == "seeds" else (subset(name), DOCS_GOLD)
            rows.append(bench_corpus(name, folder, gold, eval_golds(name, dev), work, name == busy, args.compare_backends))
            (RESULTS / f"{stamp}.json").write_text(json.dumps(rows, indent=1))
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    table = markdown(rows)
    (RESULTS / f"{stamp}.md").write_text(table)
    if any(r["corpus"] in FRACTIONS for r in rows):
        plot(rows, PLOT)
    print(table)
    print(f"raw results: {RESULTS / f'{stamp}.json'}; plot: {PLOT}")


if __name__ == "__main__":
    main()
