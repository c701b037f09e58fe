"""pypdfium2 against pypdf on real LaTeX-made PDFs, scored against their LaTeX sources.

Each R vignette ships its .Rnw source beside the PDF. The source's words (TeX
commands and R code chunks dropped) are the reference:
- word precision: share of extracted words (letters only, >= 3 long) that occur in
  the source; words glued together ("thetimeseries") or split apart fail it;
- glued: extracted tokens of >= 16 letters not in the source, per 1,000 words;
- bigram precision: share of adjacent extracted word pairs that are adjacent in the
  source; text in the wrong reading order fails it;
- seconds per MB of PDF.
"note" is what Studygraph keeps: PDFium's text with ligature codes and removed
hyphens cleaned, running headers, footers and page numbers left out.
Run: `.venv/bin/python benchmarks/sources_extractors.py` (fetches with sources_fetch.py).
"""

from __future__ import annotations

import itertools
import re
import time
from pathlib import Path

import pypdf
import pypdfium2 as pdfium
from sources_fetch import fetch

from studygraph.ingest.formats import pdf as pdf_format

WORD = re.compile(r"[A-Za-z]+")
TEX = re.compile(r"\\[A-Za-z]+\*?|<<.*?>>=.*?^@|%.*?$", re.DOTALL | re.MULTILINE)


def words(text: str) -> list[str]:
    return [w.lower() for w in WORD.findall(text)]


def source_words(rnw: Path) -> list[str]:
    return words(TEX.sub(" ", rnw.read_text(encoding="utf-8", errors="replace")))


def with_pdfium(path: Path) -> list[str]:
    pdf = pdfium.PdfDocument(str(path))
    try:
        return [pdf[i].get_textpage().get_text_range() for i in range(len(pdf))]
    finally:
        pdf.close()


def with_pypdf(path: Path) -> list[str]:
    return [page.extract_text() or "" for page in pypdf.PdfReader(str(path)).pages]


def with_studygraph(path: Path) -> list[str]:
    """What a note holds: PDFium's text cleaned, furniture out (heading marks dropped for scoring)."""
    pages = pdf_format.read_pages(path.read_bytes(), str(path))
    return ["\n".join(re.sub(r"^#{1,6} ", "", line) for line in page) for page in pages]


def score(pages: list[str], reference: list[str]) -> dict[str, float]:
    vocab = set(reference)
    pairs = set(itertools.pairwise(reference))
    got = [w for w in words("\n".join(pages)) if len(w) >= 3]
    known = sum(w in vocab for w in got)
    glued = sum(len(w) >= 16 and w not in vocab for w in got)
    seq = words("\n".join(pages))
    bigrams = list(itertools.pairwise(seq))
    return {
        "word_precision": known / max(1, len(got)),
        "glued_per_1000": 1000 * glued / max(1, len(got)),
        "bigram_precision": sum(b in pairs for b in bigrams) / max(1, len(bigrams)),
        "words": len(got),
    }


def main() -> None:
    pdfs = fetch()
    totals: dict[str, dict[str, float]] = {}
    print(f"{'file':24} {'extractor':9} {'words':>6} {'word P':>7} {'glued/1k':>8} {'bigram P':>8} {'s/MB':>6}")
    for pdf in pdfs:
        rnw = pdf.with_suffix(".Rnw")
        if not rnw.exists():
            continue
        reference = source_words(rnw)
        mb = pdf.stat().st_size / 1e6
        for name, extract in (("pdfium", with_pdfium), ("pypdf", with_pypdf), ("note", with_studygraph)):
            started = time.perf_counter()
            pages = extract(pdf)
            seconds = time.perf_counter() - started
            s = score(pages, reference)
            t = totals.setdefault(name, {"words": 0, "known": 0, "glued": 0, "pairs_ok": 0, "pairs": 0, "s": 0, "mb": 0})
            t["words"] += s["words"]
            t["known"] += s["word_precision"] * s["words"]
            t["glued"] += s["glued_per_1000"] * s["words"] / 1000
            t["s"] += seconds
            t["mb"] += mb
            print(f"{pdf.name:24} {name:9} {s['words']:6d} {s['word_precision']:7.3f} {s['glued_per_1000']:8.2f} "
                  f"{s['bigram_precision']:8.3f} {seconds / mb:6.2f}")
    for name, t in totals.items():
        print(f"ALL {name:9} words {t['words']:.0f}  word P {t['known'] / t['words']:.3f}  "
              f"glued/1k {1000 * t['glued'] / t['words']:.2f}  s/MB {t['s'] / t['mb']:.2f}")


if __name__ == "__main__":
    main()
