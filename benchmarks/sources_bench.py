"""Ingest time per MB and citation placement, per file format (#18).

Files nobody here wrote, fetched by sources_fetch.py and never committed: the R
vignettes Debian ships (PDF), nbsphinx's documentation notebooks (Debian), and
the .docx/.pptx test files in python-docx's and python-pptx's source releases
(PyPI). For each format, in a fresh data directory with the real model:
- ingest seconds per MB of files (reading, chunking, embedding, Chroma, snapshot);
- reading alone, seconds per MB;
- placement: every quotable span of every chunk, placed by `units.place`, must
  stand in the lines of its page or cell read again from the file (PDF: PDFium's
  page text; notebook: the cell source read with json): share found;
- ask --json: questions made from the notes' headings and first sentences,
  every citation's quote found at its page/cell and lines.
Web pages (nbsphinx's HTML) and LaTeX (the vignettes' Sweave sources) have no pages: their
citations are checked against the lines of the note, and a LaTeX note has its source's lines.
Run: `.venv/bin/python benchmarks/sources_bench.py [pdf ipynb docx pptx html rnw]`.
"""

from __future__ import annotations

import json
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sources_fetch import DEFAULT, fetch, notebooks, sweave, web_pages

from studygraph.assistant.facade import Studygraph
from studygraph.assistant.output import answer_json
from studygraph.errors import NoteError
from studygraph.ingest.chunking import split_note
from studygraph.ingest.formats import pdf as pdf_format
from studygraph.ingest.reading import read_note
from studygraph.ingest.spans import split_spans
from studygraph.ingest.units import decode, place
from studygraph.settings import load_settings

LIMIT = 20 * 1024 * 1024


def office_files(folder: Path = DEFAULT) -> list[Path]:
    sdist = folder / "sdist"
    sdist.mkdir(parents=True, exist_ok=True)
    if not list(sdist.glob("*.tar.gz")):
        subprocess.run([sys.executable, "-m", "pip", "download", "--no-binary", ":all:", "--no-deps", "--no-build-isolation",
                        "python-docx==1.2.0", "python-pptx==1.0.2", "-d", str(sdist)], check=True, capture_output=True)
        for archive in sdist.glob("*.tar.gz"):
            shutil.unpack_archive(archive, sdist)
    return sorted(p for p in sdist.rglob("*") if p.suffix in (".docx", ".pptx"))


def unit_lines(path: Path) -> dict[int, list[str]]:
    """Each page's or cell's lines, read again from the file without the note."""
    if path.suffix == ".pdf":
        pages = pdf_format.read_pages(path.read_bytes(), str(path))
        return dict(enumerate(pages, 1))
    if path.suffix == ".ipynb":
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        return {n: ("".join(c["source"]) if isinstance(c["source"], list) else c["source"]).rstrip("\n").split("\n")
                for n, c in enumerate(cells, 1)}
    if path.suffix == ".pptx":  # slides: the reader's own text per slide (no second extractor to check against)
        note = read_note(path, LIMIT)
        return {u.number: note.lines[u.first - 1 : u.last] for u in decode(note.units)[1]}
    return {}


def stands(where: dict, quote: str, units: dict[int, list[str]], kind: str) -> bool:
    first, last = where[kind], where.get(f"end_{kind}", where[kind])
    if first == last:
        lines = units[first][where["start_line"] - 1 : where["end_line"]]
    else:
        lines = units[first][where["start_line"] - 1 :] + units[last][: where["end_line"]]
    return quote in "\n".join(lines)


def questions(notes: list, k: int, rng: random.Random) -> list[str]:
    out = []
    for note in notes:
        for chunk in split_note(note):
            if chunk.heading:
                out.append(f"What is said about {chunk.heading.rsplit(' > ', 1)[-1]}?")
    rng.shuffle(out)
    return list(dict.fromkeys(out))[:k]


def bench(kind: str, files: list[Path], rng: random.Random) -> dict:
    megabytes = sum(f.stat().st_size for f in files) / 1e6
    started = time.perf_counter()
    notes, refused = [], 0
    for f in files:
        try:
            notes.append(read_note(f, LIMIT))
        except NoteError:
            refused += 1
    read_seconds = time.perf_counter() - started
    placed = found = 0
    for note in notes:
        units = unit_lines(Path(note.path))
        if not units:
            continue
        unit_kind = note.units.split(":", 1)[0]
        for chunk in split_note(note):
            for span in split_spans(chunk):
                where = place(chunk.units, span.start_line, span.end_line)
                placed += 1
                found += bool(where) and stands(where, span.text, units, unit_kind)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "notes"
        folder.mkdir()
        for i, f in enumerate(files):
            shutil.copy(f, folder / f"{i:03d}-{f.name}")
        sg = Studygraph(load_settings(env={}, home=Path(tmp) / "home"))
        started = time.perf_counter()
        report = sg.ingest([folder])
        ingest_seconds = time.perf_counter() - started
        cited = cited_ok = 0
        copies = {str((folder / f"{i:03d}-{f.name}").resolve()): f for i, f in enumerate(files)}
        for question in questions(notes, 15, rng):
            for citation in answer_json(sg.ask(question, llm=False))["citations"]:
                source = copies[str(Path(citation["source"]).resolve())]
                units = unit_lines(source)
                cited += 1
                if not units:  # a .docx, a web page, LaTeX: lines of the note itself
                    lines = read_note(source, LIMIT).lines[citation["start_line"] - 1 : citation["end_line"]]
                    cited_ok += citation["quote"] in "\n".join(lines)
                else:
                    unit_kind = "page" if "page" in citation else "cell"
                    cited_ok += unit_kind in citation and stands(citation, citation["quote"], units, unit_kind)
    return {
        "format": kind, "files": len(files), "read": len(notes), "refused": refused, "MB": round(megabytes, 3),
        "chunks": report.chunks, "ingest_s_per_MB": round(ingest_seconds / megabytes, 2),
        "read_s_per_MB": round(read_seconds / megabytes, 2),
        "spans_placed": f"{found}/{placed}", "citations_at_their_lines": f"{cited_ok}/{cited}",
    }


def main() -> None:
    rng = random.Random(18)
    office = office_files()
    sets = {
        "pdf": fetch(),
        "ipynb": notebooks(),
        "docx": [p for p in office if p.suffix == ".docx"],
        "pptx": [p for p in office if p.suffix == ".pptx"],
        "html": web_pages(),
        "rnw": sweave(),
    }
    wanted = sys.argv[1:] or list(sets)  # e.g. `sources_bench.py pdf ipynb`
    for kind, files in sets.items():
        if kind in wanted:
            print(json.dumps(bench(kind, files, rng)), flush=True)


if __name__ == "__main__":
    main()
