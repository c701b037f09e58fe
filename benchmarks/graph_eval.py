"""Concept-graph quality on the blind corpora, from the chunks already ingested by notes_eval.

    python benchmarks/graph_eval.py [--corpus NAME ...] [--no-catalog] [--final]

Reuses the data directories `benchmarks/notes_eval.py` ingested (run it first), builds the
graph from scratch (no extraction cache) and scores it against the teacher's concepts and
relations in `benchmarks/blind/NAME/concepts.json`: concept recall, type accuracy (our types
read as the teacher's six: architecture -> model, retrieval -> technique, benchmark ->
dataset), relation recall (any edge, and the teacher's type). For the seeds, which have no
teacher list, it reports how much of the catalog-on graph the catalog-off graph keeps.
A sample of 40 nodes per corpus (seed 2026) is written for a blind judge.
`astropy-astronomy` runs only with --final.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import random
import sys
import time

import notes_corpora  # type: ignore[import-not-found]
from notes_eval import BLIND, RESULTS, SEEDS, Files, concept_scores, edge_sample  # type: ignore[import-not-found]

from studygraph import Studygraph
from studygraph.graph import ConceptGraph, build_graph
from studygraph.graph.catalog import Catalog
from studygraph.settings import load_settings

CORPORA = ("seeds", "sympy-math", "r-stats-vignettes", "git-docs")
HELD_OUT = "astropy-astronomy"
COARSE = {"architecture": "model", "retrieval": "technique", "benchmark": "dataset"}


def chunks_of(name: str) -> list:
    sg = Studygraph(load_settings(env={}, home=RESULTS / name / "home"))
    return list(sg.index().chunks)


def retention(full, bare) -> dict:
    """Share of the catalog-on graph's concepts (by name) and edges (by end names) the catalog-off graph keeps."""
    from notes_eval import normalise  # type: ignore[import-not-found]

    def names(graph) -> dict[str, set[str]]:
        return {cid: {normalise(f) for f in (c.name, *c.aliases)} for cid, c in graph.concepts.items()}

    bare_names = names(bare)
    index = {f: cid for cid, forms in bare_names.items() for f in forms}
    mapped = {cid: next((index[f] for f in sorted(forms) if f in index), None) for cid, forms in names(full).items()}  # sorted: the same each run
    bare_edges = {frozenset((r.source, r.target)) for r in bare.relations}
    kept_edges = sum(
        bool(mapped[r.source] and mapped[r.target] and frozenset((mapped[r.source], mapped[r.target])) in bare_edges)
        for r in full.relations
    )
    return {"concepts_kept": sum(v is not None for v in mapped.values()) / max(1, len(mapped)),
            "relations_kept": kept_edges / max(1, len(full.relations))}


def write_judge_samples(name: str, graph, files: Files, suffix: str = "") -> None:
    """40 random nodes and 40 random edges (seed 2026) with the lines they stand on, for a blind judge."""
    rng = random.Random(2026)
    nodes = []
    for cid in rng.sample(sorted(graph.concepts), min(40, len(graph.concepts))):
        concept, where = graph.concepts[cid], graph.passages.get(cid, ())[:1]
        nodes.append({"name": concept.name, "type": concept.type, "file": files.relative(where[0].source) if where else "",
                      "text": files.lines(where[0].source, where[0].start_line, where[0].end_line)[:400] if where else ""})
    edges = []
    for rel in rng.sample(list(graph.relations), min(40, len(graph.relations))):
        ev = rel.evidence[0]
        edges.append({"source": graph.concepts[rel.source].name, "target": graph.concepts[rel.target].name,
                      "relation": rel.relation, "file": files.relative(ev.source),
                      "text": files.lines(ev.source, ev.start_line, ev.end_line)[:500]})
    for kind, rows in (("nodes", nodes), ("edges", edges)):
        (RESULTS / name / f"judge_{kind}{suffix}.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", action="append")
    parser.add_argument("--no-catalog", action="store_true")
    parser.add_argument("--final", action="store_true", help="also the held-out corpus")
    args = parser.parse_args()
    names = args.corpus or [*CORPORA, *([HELD_OUT] if args.final else [])]
    if HELD_OUT in names and not args.final:
        sys.exit("astropy-astronomy is the held-out check: pass --final")
    empty = Catalog(())
    out = {}
    for name in names:
        chunks = chunks_of(name)
        started, cpu = time.perf_counter(), time.process_time()
        graph = build_graph(chunks, catalog=empty if args.no_catalog else None)
        row = {"nodes": len(graph.concepts), "edges": len(graph.relations), "build_s": round(time.perf_counter() - started, 2),
               "build_cpu_s": round(time.process_time() - cpu, 2)}
        teacher = BLIND / name / "concepts.json"
        if teacher.is_file():
            gold = json.loads(teacher.read_text(encoding="utf-8"))
            coarse = ConceptGraph(
                {cid: dataclasses.replace(c, type=COARSE.get(c.type, c.type)) for cid, c in graph.concepts.items()},
                graph.relations, graph.passages,
            )
            row |= concept_scores(coarse, gold)
        elif not args.no_catalog:
            row |= retention(graph, build_graph(chunks, catalog=empty))
        files = Files(SEEDS if name == "seeds" else notes_corpora.corpus(name))
        row["edge_evidence_both"] = edge_sample(graph, files, RESULTS / name / "graph_edge_sample.jsonl")
        write_judge_samples(name, graph, files, "_nocatalog" if args.no_catalog else "")
        out[name] = row
        missed = row.pop("missed_concepts", None)
        print(name, json.dumps(row))
        if missed:
            print("   missed:", "; ".join(missed[:60]))


if __name__ == "__main__":
    main()
