"""Word and PowerPoint measured on blind questions: the R vignettes (`r-stats-vignettes`,
whose questions were written blind from the Markdown) rebuilt as .docx and as .pptx,
then ingested and asked as any student's files would be.

No registry ships Word or PowerPoint files with prose to study (only libraries' test
fixtures: Debian, PyPI and npm searched, see issue #18), so the text is the vignettes' own, laid out as a student's document or deck
would be: a Word document keeps the note's structure as ingest reads it (headings, paragraphs
with wrapped lines joined, list items, code lines set in Courier New as a Word user sets code); a deck puts each `#`/`##` section on a slide, its title the heading and
the body in a text box, code lines in Courier New. The questions' sources are mapped from `.md` to the new suffix.

    .venv/bin/python benchmarks/office_eval.py [--format docx|pptx ...]

Writes nothing to the repository; the files and data directories go to
benchmarks/corpora/notes/r-stats-<format>/ and benchmarks/results/notes/r-stats-<format>/.
"""

from __future__ import annotations

import argparse
import dataclasses
import logging
import re
import shutil
import time
from pathlib import Path

import notes_corpora
from notes_eval import BLIND, RESULTS, TimedAsk

from studygraph import Studygraph, load_settings
from studygraph.assistant.evaluate import evaluate_mode, load_gold
from studygraph.ingest.blocks import FENCE, parse

BASE = "r-stats-vignettes"
BULLET = re.compile(r"^\s*(?:[-*+•]|\d{1,4}[.)])\s+")


def blocks(text: str) -> list[tuple[str, str, int]]:
    """(kind, text, level) of a Markdown note as ingest reads its structure (`ingest.blocks.parse`):
    headings, paragraphs (wrapped lines joined), list items, code lines; front matter and rules left out."""
    lines = text.splitlines()
    headings, atoms = parse(lines)
    out: list[tuple[int, str, str, int]] = [(h.line, "heading", h.title, h.level) for h in headings]
    for atom in atoms:
        body = lines[atom.start : atom.end + 1]
        if atom.kind == "code":
            out += [(atom.start, "code", line.rstrip(), 0) for line in body if line.strip() and not FENCE.match(line)]
        elif atom.kind == "list":
            out.append((atom.start, "item", " ".join(BULLET.sub("", line, count=1).strip() for line in body if line.strip()), 0))
        elif atom.kind not in ("meta", "rule"):
            out.append((atom.start, "paragraph", " ".join(line.strip() for line in body if line.strip()), 0))
    return [(kind, body, level) for _, kind, body, level in sorted(out, key=lambda part: part[0])]


def write_docx(parts: list[tuple[str, str, int]], path: Path) -> None:
    import docx

    document = docx.Document()
    for kind, body, level in parts:
        if kind == "heading":
            document.add_heading(body, level=min(level, 9))
        elif kind == "item":
            document.add_paragraph(body, style="List Bullet")
        elif kind == "code":  # set in a fixed-pitch font, as code is in a Word document
            document.add_paragraph().add_run(body).font.name = "Courier New"
        else:
            document.add_paragraph(body)
    document.save(str(path))


def write_pptx(parts: list[tuple[str, str, int]], path: Path) -> None:
    import pptx
    from pptx.util import Inches, Pt

    deck = pptx.Presentation()
    slides: list[tuple[str, list[tuple[str, str]]]] = []
    for kind, body, level in parts:
        if (kind == "heading" and level <= 2) or not slides:
            slides.append((body if kind == "heading" else "", []))
            if kind == "heading":
                continue
        slides[-1][1].append((kind, body))
    for title, lines in slides:
        slide = deck.slides.add_slide(deck.slide_layouts[5])
        slide.shapes.title.text = title or " "
        frame = slide.shapes.add_textbox(Inches(0.5), Inches(1.5), Inches(9), Inches(5)).text_frame
        frame.word_wrap = True
        for i, (kind, line) in enumerate(lines or [("paragraph", " ")]):
            paragraph = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
            paragraph.text = line
            paragraph.font.size = Pt(12)
            if kind == "code":  # set in a fixed-pitch font, as code is on a slide
                paragraph.runs[0].font.name = "Courier New"
    deck.save(str(path))


def build(fmt: str) -> Path:
    """The corpus rebuilt in `fmt`, written once."""
    source = notes_corpora.corpus(BASE)
    target = source.with_name(f"r-stats-{fmt}")
    if target.is_dir():
        return target
    partial = target.with_name(target.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    for note in sorted(source.rglob("*.md")):
        out = partial / note.relative_to(source).with_suffix(f".{fmt}")
        out.parent.mkdir(parents=True, exist_ok=True)
        parts = blocks(note.read_text(encoding="utf-8"))
        (write_docx if fmt == "docx" else write_pptx)(parts, out)
    partial.rename(target)
    return target


def evaluate(fmt: str) -> dict:
    folder = build(fmt)
    home = RESULTS / folder.name / "home"
    shutil.rmtree(home, ignore_errors=True)
    sg = Studygraph(load_settings(env={}, home=home))
    megabytes = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 1e6
    started, cpu = time.perf_counter(), time.process_time()
    sg.ingest([folder])
    ingest_s, ingest_cpu = time.perf_counter() - started, time.process_time() - cpu
    gold = [dataclasses.replace(g, sources=tuple(re.sub(r"\.md$", f".{fmt}", s) for s in g.sources))
            for g in load_gold(BLIND / BASE / "qa.jsonl")]
    report = evaluate_mode(gold, "hybrid", 5, sg.search, TimedAsk(sg))
    return {"format": fmt, "files": len(list(folder.rglob(f"*.{fmt}"))), "mb": round(megabytes, 2),
            "ingest_s": round(ingest_s, 1), "ingest_cpu_s": round(ingest_cpu, 1), "questions": report.questions,
            "recall@1": round(report.recall[1], 2), "recall@5": round(report.recall[5], 2),
            "mrr": round(report.mrr, 2), "answer_evidence": round(report.answer_evidence, 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--format", action="append", choices=("docx", "pptx"), help="default: both")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    for fmt in args.format or ["docx", "pptx"]:
        print(evaluate(fmt), flush=True)


if __name__ == "__main__":
    main()
