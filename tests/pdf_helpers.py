"""Small real text PDFs made by PDFium itself (Helvetica, one text object per line), with
each line's place on the page known, so a test can say where a cited line must be drawn."""

from __future__ import annotations

import ctypes
import io
import zlib
from dataclasses import dataclass

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

# Three pages on three subjects; each page also carries a running header and its number,
# which the PDF reader leaves out, so page lines do not start at the PDF's first line.
PAGES = {
    "Attention": [
        "Attention weighs every token against every other token.",
        "The weights come from a softmax over scaled dot products.",
        "Queries and keys are projections of the same sequence.",
        "Values carry what each token contributes to the output.",
    ],
    "Tokenizers": [
        "A tokenizer splits raw text into subword pieces.",
        "Byte pair encoding merges the most frequent pairs first.",
        "Rare words fall apart into several short pieces.",
        "The vocabulary size trades length against coverage.",
    ],
    "Optimizers": [
        "Adam keeps running averages of gradients and their squares.",
        "Warmup raises the learning rate slowly at the start.",
        "Weight decay pulls parameters towards zero each step.",
        "Gradient clipping caps the norm of an update.",
    ],
}

# A made-up plant, so the seed notes never answer for it (the chat's tests ask about it).
GLIMMERWORT = {
    "Glimmerwort": [
        "Glimmerwort is a fictional alpine herb used in these tests.",
        "Glimmerwort flowers only after three nights of frost.",
        "Its petals fold shut whenever a cloud passes overhead.",
    ],
    "Cultivation": [
        "Gardeners sow glimmerwort seeds in crushed slate and sand.",
        "The seedlings need a cold frame through their first winter.",
        "A mature plant is divided every fourth spring.",
    ],
    "Folklore": [
        "Shepherds once carried dried glimmerwort against lightning.",
        "A tea of its roots was said to sharpen night vision.",
        "No study has ever confirmed either of these claims.",
    ],
}
QUESTION = "How many nights of frost does glimmerwort need before it flowers?"
ANSWER = "Glimmerwort flowers only after three nights of frost."

HEADER = "Studygraph test notes"
LEFT = 72.0
TITLE_Y = 700.0
BODY_Y = 670.0  # baseline of the first body line
LEADING = 18.0


@dataclass(frozen=True)
class Placed:
    x: float
    y: float  # baseline, PDF points from the bottom
    size: float
    text: str


def layout(pages: dict[str, list[str]] = PAGES) -> list[list[Placed]]:
    """Every line of every page where `text_pdf` sets it: header, title, body, page number."""
    out = []
    for number, (title, body) in enumerate(pages.items(), 1):
        lines = [Placed(LEFT, 750.0, 9, HEADER), Placed(LEFT, TITLE_Y, 16, title)]
        lines += [Placed(LEFT, BODY_Y - LEADING * i, 11, text) for i, text in enumerate(body)]
        lines.append(Placed(300.0, 40.0, 9, str(number)))
        out.append(lines)
    return out


def text_pdf(pages: list[list[Placed]], size: tuple[float, float] = (612.0, 792.0)) -> bytes:
    """A PDF whose pages hold these lines, written by PDFium."""
    document = pdfium.PdfDocument.new()
    font = pdfium_c.FPDFText_LoadStandardFont(document.raw, b"Helvetica")
    for lines in pages:
        page = document.new_page(*size)
        for line in lines:
            text = pdfium_c.FPDFPageObj_CreateTextObj(document.raw, font, line.size)
            wide = ctypes.create_string_buffer((line.text + "\0").encode("utf-16-le"))
            pdfium_c.FPDFText_SetText(text, ctypes.cast(wide, ctypes.POINTER(pdfium_c.FPDF_WCHAR)))
            pdfium_c.FPDFPageObj_Transform(text, 1, 0, 0, 1, line.x, line.y)
            pdfium_c.FPDFPage_InsertObject(page.raw, text)
        assert pdfium_c.FPDFPage_GenerateContent(page.raw)
        page.close()
    out = io.BytesIO()
    document.save(out)
    document.close()
    return out.getvalue()


def content_pdf(content: bytes) -> bytes:
    """A one-page PDF whose page is drawn by `content` (PDF operators; /F1 is Helvetica),
    the stream Flate-compressed as a real PDF's is: a few KB can hold millions of operators."""
    stream = zlib.compress(content, 9)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream" % (len(stream), stream),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = b"%PDF-1.4\n", []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    table = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1) + b"".join(b"%010d 00000 n \n" % o for o in offsets)
    return out + b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, table)
