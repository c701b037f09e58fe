"""Blind evaluation on several corpora nobody here wrote (issues #16 and #17).

For each corpus (the seeds, and every corpus of notes_corpora.py but the held-out one):
ingest into benchmarks/results/notes/<name>/home (kept and reused unless --fresh);
score search and extractive answers per mode on the corpus's blind questions
(benchmarks/blind/<name>/qa.jsonl; the seeds also on ../shared/eval/dev_qa.jsonl as
row "seeds-dev"); check every citation's quote against the file on disk; on the
seeds, the relevance gate on off-topic questions; and the concept graph against a
teacher's concepts and relations (benchmarks/blind/<name>/concepts.json), with a
seeded sample of 40 edges written to edge_sample.jsonl for a person to judge.
All numbers go to benchmarks/results/notes/summary.json.

    .venv/bin/python benchmarks/notes_eval.py [--corpus NAME] [--modes hybrid,bm25,dense] [--fresh]
    .venv/bin/python benchmarks/notes_eval.py --final   # adds the held-out corpus: only before resolving
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import random
import re
import shutil
import statistics
import textwrap
import time
from pathlib import Path

import notes_corpora

from studygraph import Settings, Studygraph, load_settings
from studygraph.assistant.evaluate import evaluate_mode, load_gold
from studygraph.assistant.graph_sync import graph_path
from studygraph.errors import IndexMismatchError
from studygraph.ingest.formats import READERS
from studygraph.ingest.reading import read_note

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
BLIND = HERE / "blind"
RESULTS = HERE / "results" / "notes"
SUMMARY_JSON = RESULTS / "summary.json"
SEEDS = ROOT / "seeds"
DEV_GOLD = ROOT.parent / "shared" / "eval" / "dev_qa.jsonl"
MODES = ("hybrid", "bm25", "dense")
K = 5
SAMPLE, SAMPLE_SEED = 40, 2026
logger = logging.getLogger("notes_eval")


def normalise(text: str) -> str:
    """Lowercase, hyphens/dashes/whitespace as one space, a trailing plural s dropped."""
    text = re.sub(r"[\s\-‐‑–—]+", " ", text.lower()).strip()
    return text[:-1] if len(text) > 3 and text.endswith("s") and not text.endswith("ss") else text


def names_in(forms: list[str], text: str) -> bool:
    """Whether the text names one of the forms (normalised, plural-tolerant, whole words)."""
    plain = re.sub(r"[\s\-‐‑–—]+", " ", text.lower())
    return any(re.search(rf"(?<![a-z0-9]){re.escape(normalise(f))}(?:e?s)?(?![a-z0-9])", plain) for f in forms if normalise(f))


DOCUMENTS = frozenset(READERS)  # .pdf, .ipynb, .docx, .pptx: read through ingest's own reader


class Files:
    """Note files read from disk once, as lines an editor numbers (1-based)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._lines: dict[str, list[str]] = {}

    def relative(self, source: str) -> str:
        path = Path(source)
        return path.relative_to(self.folder).as_posix() if path.is_relative_to(self.folder) else source

    def lines(self, source: str, start: int, end: int) -> str:
        if source not in self._lines:
            path = Path(source) if Path(source).is_absolute() else self.folder / source
            if path.suffix.lower() in DOCUMENTS:  # cited lines count in the text ingest reads out of the document
                self._lines[source] = read_note(path, 1 << 30).text.split("\n")
            else:
                self._lines[source] = path.read_text(encoding="utf-8-sig", errors="replace").split("\n")
        return "\n".join(self._lines[source][start - 1 : end])


def open_corpus(name: str, folder: Path, fresh: bool) -> tuple[Settings, float]:
    """Settings of the corpus's data directory, ingested, and the ingest time (as recorded when reused):
    wall time of `ingest` into an empty directory, loading the model and building the graph included."""
    home = RESULTS / name / "home"
    record = RESULTS / name / "ingest.json"
    if fresh:
        shutil.rmtree(home, ignore_errors=True)
    sg = Studygraph(load_settings(env={}, home=home))
    if sg.notes() and record.is_file():
        logger.info("%s: reusing %s (--fresh to ingest again)", name, home)
        return sg.settings, json.loads(record.read_text())["ingest_s"]
    logger.info("%s: ingesting %s", name, folder)
    started = time.perf_counter()
    report = sg.ingest([folder])
    seconds = time.perf_counter() - started
    for warning in report.warnings:
        logger.warning("%s: %s", name, warning)
    record.write_text(json.dumps({"ingest_s": seconds}))
    return sg.settings, seconds


def build_graph_timed(sg: Studygraph):
    """The concept graph built from scratch (stored graph and extraction cache deleted) and its build time.

    `sg` must not have loaded its graph yet (a new facade): it keeps the one it loaded in memory.
    """
    sg.index()  # the snapshot loads outside the timing
    shutil.rmtree(graph_path(sg.settings.home).parent, ignore_errors=True)
    started = time.perf_counter()
    graph = sg.graph()
    return graph, time.perf_counter() - started


class TimedAsk:
    """`ask` as evaluate_mode calls it, keeping every answer and its wall time."""

    def __init__(self, sg: Studygraph) -> None:
        self.sg = sg
        self.answers: list = []
        self.ms: list[float] = []

    def __call__(self, question: str, k: int, mode: str):
        started = time.perf_counter()
        answer = self.sg.ask(question, k, mode, llm=False)
        self.ms.append((time.perf_counter() - started) * 1000)
        self.answers.append(answer)
        return answer


def retrieval(sg: Studygraph, gold_path: Path, modes: list[str]) -> tuple[dict, list]:
    """Per mode: recall@1/@5, MRR, answers holding the evidence, answer length, warm ask p50; and every answer."""
    gold = load_gold(gold_path)
    scores, answers = {}, []
    for mode in modes:
        sg.ask(gold[0].question, K, mode, llm=False)  # warm: model, index, graph
        ask = TimedAsk(sg)
        report = evaluate_mode(gold, mode, K, sg.search, ask)
        lengths = [len(a.text) for a in ask.answers]
        scores[mode] = {
            "questions": report.questions, "recall@1": report.recall[1], "recall@5": report.recall[5],
            "mrr": report.mrr, "answer_evidence": report.answer_evidence, "answer_max_chars": max(lengths),
            "answer_p50_chars": statistics.median(lengths), "ask_p50_ms": statistics.median(ask.ms),
            "misses": list(report.misses),
        }
        answers += ask.answers
    return scores, answers


def citations_exact(answers: list, files: Files) -> dict:
    """Share of citations whose quote equals the cited lines on disk, and, looser, whose quote lies
    inside them and touches every one (the first and last may be quoted from or to mid-line)."""
    exact = spans = total = 0
    for answer in answers:
        for c in answer.citations:
            lines = files.lines(c.source, c.start_line, c.end_line)
            at = lines.find(c.quote)
            total += 1
            exact += c.quote == lines
            spans += at >= 0 and "\n" not in lines[:at] and "\n" not in lines[at + len(c.quote) :]
            if c.quote != lines and total - exact <= 2:
                logger.info("citation not exact: %s:%d-%d %r", c.source, c.start_line, c.end_line, c.quote[:100])
    return {"citations": total, "exact": exact / total if total else None, "spans_lines": spans / total if total else None}


def answer_gate(sg: Studygraph) -> dict:
    """Off-topic questions refused and the seeds' blind questions answered (default mode)."""
    offtopic = [q.strip() for q in (BLIND / "seeds" / "offtopic.txt").read_text().splitlines() if q.strip()]
    questions = [g.question for g in load_gold(BLIND / "seeds" / "qa.jsonl")]
    refused = sum(not a.found for a in sg.ask_batch(offtopic, K, llm=False))
    answered = sum(a.found for a in sg.ask_batch(questions, K, llm=False))
    return {"offtopic_refused": refused / len(offtopic), "answered": answered / len(questions)}


def node_lookup(graph) -> dict[str, list[str]]:
    """Normalised name or alias -> concept ids."""
    table: dict[str, list[str]] = {}
    for cid, concept in graph.concepts.items():
        for form in (concept.name, *concept.aliases):
            ids = table.setdefault(normalise(form), [])
            if cid not in ids:
                ids.append(cid)
    return table


def concept_scores(graph, teacher: dict) -> dict:
    """Concept recall, type accuracy, relation recall (any edge / same type either way) against a teacher."""
    lookup = node_lookup(graph)
    forms = {normalise(f): [c["name"], *c["aliases"]] for c in teacher["concepts"] for f in [c["name"], *c["aliases"]]}

    def nodes(name: str) -> list[str]:
        found = [cid for f in forms.get(normalise(name), [name]) for cid in lookup.get(normalise(f), [])]
        return list(dict.fromkeys(found))

    found = {c["name"]: nodes(c["name"]) for c in teacher["concepts"]}
    hits = [c for c in teacher["concepts"] if found[c["name"]]]
    typed_right = sum(graph.concepts[found[c["name"]][0]].type == c["type"] for c in hits)
    edges: dict[frozenset, set[str]] = {}
    for rel in graph.relations:
        edges.setdefault(frozenset((rel.source, rel.target)), set()).add(rel.relation)
    joined = typed = 0
    for r in teacher["relations"]:
        kinds = set().union(*(edges.get(frozenset((a, b)), set()) for a in nodes(r["source"]) for b in nodes(r["target"])))
        joined += bool(kinds)
        typed += r["relation"] in kinds
    n_rel = len(teacher["relations"])
    return {
        "concepts": len(teacher["concepts"]), "concept_recall": len(hits) / len(teacher["concepts"]),
        "type_accuracy": typed_right / len(hits) if hits else None, "relations": n_rel,
        "relation_recall": joined / n_rel, "typed_relation_recall": typed / n_rel,
        "missed_concepts": [c["name"] for c in teacher["concepts"] if not found[c["name"]]],
    }


def edge_sample(graph, files: Files, out: Path) -> float | None:
    """Share of SAMPLE seeded random edges whose every evidence entry names both ends; writes the sample."""
    if not graph.relations:
        return None
    sample = random.Random(SAMPLE_SEED).sample(graph.relations, min(SAMPLE, len(graph.relations)))
    good, rows = 0, []
    for rel in sample:
        ends = [graph.concepts[rel.source], graph.concepts[rel.target]]
        evidence = []
        for ev in rel.evidence:
            text = files.lines(ev.source, ev.start_line, ev.end_line)
            both = all(names_in([c.name, *c.aliases], text) for c in ends)
            evidence.append({"file": files.relative(ev.source), "lines": [ev.start_line, ev.end_line], "text": text, "names_both": both})
        ok = bool(evidence) and all(e["names_both"] for e in evidence)
        good += ok
        rows.append({"source": ends[0].name, "target": ends[1].name, "relation": rel.relation, "names_both": ok,
                     "evidence": evidence})
    out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return good / len(sample)


def evaluate_corpus(name: str, modes: list[str], fresh: bool) -> dict[str, dict]:
    """Every number of one corpus, by row name (the seeds give two rows: blind and dev questions)."""
    folder = SEEDS if name == "seeds" else notes_corpora.corpus(name)
    (RESULTS / name).mkdir(parents=True, exist_ok=True)
    count, size = notes_corpora.size_of(folder)
    settings, ingest_s = open_corpus(name, folder, fresh)
    sg = Studygraph(settings)
    graph, graph_s = build_graph_timed(sg)
    files = Files(folder)
    row = {"files": count, "mb": size / 1e6, "load_avg": os.getloadavg()[0], "ingest_s": ingest_s, "graph_build_s": graph_s,
           "graph_nodes": len(graph.concepts), "graph_edges": len(graph.relations),
           "edge_evidence_both": edge_sample(graph, files, RESULTS / name / "edge_sample.jsonl")}
    if (BLIND / name / "concepts.json").is_file():
        row |= concept_scores(graph, json.loads((BLIND / name / "concepts.json").read_text(encoding="utf-8")))
    rows = {name: row}
    golds = {name: BLIND / name / "qa.jsonl"} | ({"seeds-dev": DEV_GOLD} if name == "seeds" else {})
    for row_name, gold in golds.items():
        scores, answers = retrieval(sg, gold, modes)
        rows.setdefault(row_name, {}).update(modes=scores, **citations_exact(answers, files))
    if name == "seeds":
        row |= answer_gate(sg)
    return rows


def fmt(value) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.2f}" if abs(value) < 100 else f"{value:.0f}"
    return str(value)


MODE_COLUMNS = (("R@1", "recall@1"), ("R@5", "recall@5"), ("MRR", "mrr"), ("evid", "answer_evidence"),
                ("max ch", "answer_max_chars"), ("p50 ch", "answer_p50_chars"), ("ask ms", "ask_p50_ms"))
SCALARS = ("files", "mb", "load_avg", "ingest_s", "graph_build_s", "graph_nodes", "graph_edges", "edge_evidence_both",
           "concepts", "concept_recall", "type_accuracy", "relations", "relation_recall", "typed_relation_recall",
           "offtopic_refused", "answered", "citations", "exact", "spans_lines")
SUMMARY = (("MB", "mb"), ("ingest s", "ingest_s"), *MODE_COLUMNS[:4], ("ask ms", "ask_p50_ms"),
           ("max ch", "answer_max_chars"), ("cite", "exact"), ("citeln", "spans_lines"), ("concepts", "concept_recall"),
           ("types", "type_accuracy"), ("rels", "relation_recall"), ("typed", "typed_relation_recall"),
           ("edge ev", "edge_evidence_both"), ("graph s", "graph_build_s"), ("refused", "offtopic_refused"),
           ("answered", "answered"))


def corpus_table(name: str, row: dict) -> str:
    """One line per mode, then the corpus's other numbers."""
    lines = [f"== {name}", f"{'mode':8s} " + " ".join(f"{h:>7s}" for h, _ in MODE_COLUMNS)]
    for mode, scores in row.get("modes", {}).items():
        lines.append(f"{mode:8s} " + " ".join(f"{fmt(scores[key]):>7s}" for _, key in MODE_COLUMNS))
    lines += textwrap.wrap("  ".join(f"{key} {fmt(row[key])}" for key in SCALARS if key in row), 120)
    return "\n".join(lines)


def summary_table(rows: dict[str, dict], mode: str) -> str:
    """One line per row: its numbers in `mode` and the corpus-wide ones."""
    lines = [f"{'corpus (' + mode + ')':20s} " + " ".join(f"{h:>8s}" for h, _ in SUMMARY)]
    for name, row in rows.items():
        flat = {**row, **row.get("modes", {}).get(mode, {})}
        lines.append(f"{name:20s} " + " ".join(f"{fmt(flat.get(key)):>8s}" for _, key in SUMMARY))
    return "\n".join(lines)


def save(rows: dict[str, dict], modes: list[str], seconds: float) -> dict[str, dict]:
    """Stamp the rows and merge them into summary.json (rows of corpora not run are kept)."""
    kept = json.loads(SUMMARY_JSON.read_text())["corpora"] if SUMMARY_JSON.is_file() else {}
    for row in rows.values():
        row |= {"measured": time.strftime("%Y-%m-%d %H:%M"), "modes_run": modes, "corpus_run_s": seconds}
    SUMMARY_JSON.write_text(json.dumps({"corpora": kept | rows}, indent=1))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", choices=("seeds", *notes_corpora.NAMES), help="evaluate only this corpus")
    parser.add_argument("--modes", default=",".join(MODES), help="comma-separated search modes")
    parser.add_argument("--fresh", action="store_true", help="ingest again into a new data directory")
    parser.add_argument("--final", action="store_true", help=f"add the held-out corpus {notes_corpora.HELD_OUT}")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    if args.corpus == notes_corpora.HELD_OUT and not args.final:
        parser.error(f"{args.corpus} is held out: only with --final, before resolving the issue")
    modes = [m.strip() for m in args.modes.split(",") if m.strip()]
    if bad := [m for m in modes if m not in MODES]:
        parser.error(f"modes must be among {', '.join(MODES)}, got {', '.join(bad)}")
    names = [args.corpus] if args.corpus else ["seeds", *(n for n in notes_corpora.NAMES
                                                          if args.final or n != notes_corpora.HELD_OUT)]
    started = time.perf_counter()
    rows: dict[str, dict] = {}
    for name in names:
        began = time.perf_counter()
        try:
            done = evaluate_corpus(name, modes, args.fresh)
        except IndexMismatchError as exc:
            raise SystemExit(f"{name}: {exc} (or run this script with --fresh)") from exc
        rows |= save(done, modes, time.perf_counter() - began)  # after each corpus: a long run that fails late keeps what it measured
    elapsed = time.perf_counter() - started
    for name, row in rows.items():
        print(corpus_table(name, row) + "\n")
    print(summary_table(rows, "hybrid" if "hybrid" in modes else modes[0]))
    print(f"\n{len(rows)} rows in {elapsed:.0f}s; numbers in {SUMMARY_JSON.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
