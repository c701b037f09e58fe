"""Web pages against their sources: the same Python docs read as Sphinx's HTML and as reStructuredText.

    python benchmarks/html_eval.py [--distractors N]

Debian's python3.11-doc ships each page twice: the reStructuredText source
(`_sources/**/*.rst.txt`) and the HTML Sphinx built from it. For the pages the
40 held-out Python-docs questions cite, plus N other pages drawn with a fixed
seed, both versions are ingested into fresh data directories with the real
model, and the same questions are asked of each (hybrid search, k = 5):
recall@1, recall@5, MRR and answers holding the evidence. A question counts in
a version only when its evidence is in that version's text (HTML shows a role
`:func:`x`` as `x()`, so a few evidence strings differ); the count is reported.
Nothing is committed: the pages are fetched by `benchmarks/corpus.py`.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import tempfile
from dataclasses import replace
from pathlib import Path

import corpus  # type: ignore[import-not-found]

from studygraph import Studygraph, load_settings
from studygraph.assistant.evaluate import evaluate_mode, load_gold
from studygraph.ingest.reading import read_note

HERE = Path(__file__).resolve().parent
GOLDS = (HERE / "python_docs_qa.jsonl", HERE / "python_docs_qa_sampled.jsonl")


def pages(root: Path) -> dict[str, tuple[Path, Path]]:
    """Relative page name -> (its .rst.txt source, its .html), for every page that has both."""
    sources, html = root / "_sources", root
    out = {}
    for src in sources.rglob("*.rst.txt"):
        rel = src.relative_to(sources).as_posix().removesuffix(".rst.txt")
        built = html / f"{rel}.html"
        if built.is_file():
            out[rel] = (src, built)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--distractors", type=int, default=120)
    args = parser.parse_args()
    root = corpus._fetch(corpus.CACHE).parent  # python3.11-doc's html folder, fetched once
    both = pages(root)
    gold = [g for path in GOLDS for g in load_gold(path)]
    by_name: dict[str, list[str]] = {}
    for rel in both:
        by_name.setdefault(Path(rel).name + ".rst.txt", []).append(rel)
    cited = {rel for g in gold for s in g.sources for rel in by_name.get(s, [])}
    others = sorted(set(both) - cited)
    chosen = sorted(cited | set(random.Random(2026).sample(others, min(args.distractors, len(others)))))
    rows = {}
    with tempfile.TemporaryDirectory() as tmp:
        for kind in ("rst", "html"):
            folder = Path(tmp) / kind / "notes"
            for rel in chosen:
                src = both[rel][0 if kind == "rst" else 1]
                target = folder / (f"{rel}.rst.txt" if kind == "rst" else f"{rel}.html")
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy(src, target)
            sg = Studygraph(load_settings(env={}, home=Path(tmp) / kind / "home"))
            report = sg.ingest([folder])
            texts = {p: read_note(p, 1 << 26).text.lower() for p in folder.rglob("*") if p.is_file()}
            asked = []
            for g in gold:
                sources = tuple(s.removesuffix(".rst.txt") + ".html" for s in g.sources) if kind == "html" else g.sources
                if any(g.evidence.lower() in t for p, t in texts.items() if any(p.as_posix().endswith("/" + s) for s in sources)):
                    asked.append(replace(g, sources=sources))
            result = evaluate_mode(asked, "hybrid", 5, sg.search, lambda q, k, m, sg=sg: sg.ask(q, k, m, llm=False))
            rows[kind] = {"pages": len(chosen), "chunks": report.chunks, "questions": len(asked),
                          "recall@1": round(result.recall[1], 3), "recall@5": round(result.recall[5], 3),
                          "mrr": round(result.mrr, 3), "answer_evidence": round(result.answer_evidence, 3),
                          "ids": sorted(g.id for g in asked)}
            print(kind, json.dumps({k: v for k, v in rows[kind].items() if k != "ids"}), flush=True)
    common = set(rows["rst"]["ids"]) & set(rows["html"]["ids"])
    print(f"questions whose evidence both versions hold: {len(common)} of {len(gold)}")


if __name__ == "__main__":
    main()
