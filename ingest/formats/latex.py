"""LaTeX lecture notes (.tex, and Sweave's .Rnw: LaTeX with R chunks) as Markdown-shaped note text, line for line.

Every line of the source gives exactly one line of note text, so a citation's
line numbers are the lines the student's editor shows. Sectioning commands
become `#` headings, `\\item` list items (`\\item[term]` in a description list
`- **term**: ...`, as a glossary), a named theorem-like environment (definition,
theorem, lemma, example, ...) a heading below its section's ("#### Mercer kernel
(definition)"), so its first line defines what it names, an unnamed one a bold
lead ("**Proof.**"),
`verbatim`/`lstlisting`/`minted` fenced code kept as written, display math
`$$` blocks with the mathematics untouched, Sweave's `<<>>=` ... `@` chunks fenced R code (the app renders it with KaTeX),
`\\textbf`/`\\emph`/`\\texttt` the Markdown marks; comments, the preamble,
labels, citations and other commands' names are dropped and their text kept.
No TeX is run: this is a reading of the markup, not a compilation, so macros
a file defines show as written.
"""

from __future__ import annotations

import re

from studygraph.errors import NoteError
from studygraph.ingest.formats import Document
from studygraph.ingest.note import split_lines

SECTIONS = {"part": 1, "chapter": 1, "section": 2, "subsection": 3, "subsubsection": 4, "paragraph": 5, "subparagraph": 6}
THEOREMS = ("definition", "theorem", "lemma", "proposition", "corollary", "example", "remark", "proof", "note",
            "exercise", "problem", "solution", "claim", "conjecture", "notation", "fact", "observation", "axiom")
CODE_ENVS = ("verbatim", "lstlisting", "minted", "Verbatim", "code", "alltt")
MATH_ENVS = ("equation", "equation*", "align", "align*", "gather", "gather*", "multline", "multline*", "eqnarray",
             "eqnarray*", "displaymath", "math", "flalign", "flalign*")
LISTS = ("itemize", "enumerate", "description")
# Drawings: their lines are coordinates and styles, nothing a student reads as text.
PICTURES = ("tikzpicture", "pgfpicture", "picture", "circuitikz", "axis", "forest", "tikzcd")
# Set-up commands of the body (styles, colours, theorem declarations): nothing to read, perhaps over several lines.
SETUP = re.compile(r"^\s*\\(?:tikzstyle|tikzset|pgfplotsset|newtheorem|theoremstyle|definecolor|lstset|hypersetup|geometry|"
                   r"pagestyle|thispagestyle|setcounter|newenvironment|renewenvironment|DeclareMathOperator|makeatletter|"
                   r"makeatother|newcommand|renewcommand|def|let|maketitle|tableofcontents|newpage|clearpage|centering|"
                   r"small|footnotesize|large|Large|normalsize|noindent|medskip|bigskip|smallskip)\b")
DRAWING = re.compile(r"^\s*(?:\\(?:draw|node|coordinate|path|fill|filldraw|foreach|pic|clip|shade|shadedraw|matrix|"
                     r"useasboundingbox|addplot|begin\{scope\}|end\{scope\})\b|[(\[};]|\S+\s*=\s*\S)|\bat\s*\(|\bto\s*\[")
VERB = re.compile(r"\\verb(?P<d>[^\w\s])(?P<body>.*?)(?P=d)")
TABLES = ("tabular", "tabular*", "tabularx", "longtable", "array")
CHUNK = "<<>>="  # inside a Sweave chunk
COMMENT = re.compile(r"(?<!\\)%.*$")
BEGIN = re.compile(r"\\begin\{(?P<env>[^}]+)\}(?:\[(?P<opt>[^\]]*)\])?(?:\{[^}]*\})*")
END = re.compile(r"\\end\{(?P<env>[^}]+)\}")
SECTION = re.compile(r"\\(?P<cmd>part|chapter|section|subsection|subsubsection|paragraph|subparagraph)\*?(?:\[[^\]]*\])?\{")
TITLE = re.compile(r"^\s*\\title(?:\[[^\]]*\])?\{")
ITEM = re.compile(r"^\s*\\item\b(?:\s*\[(?P<label>[^\]]*)\])?\s*")
DROPPED = re.compile(r"\\(?:label|ref|eqref|cref|Cref|pageref|cite[tp]?|citep?|nocite|index|vspace|hspace|includegraphics|"
                     r"bibliographystyle|bibliography|input|include|usepackage|documentclass|newcommand|renewcommand|"
                     r"setlength|addtolength|setcounter|vskip|hskip)\*?(?:\[[^\]]*\])*(?:\{[^{}]*\})*")
MARKS = {"textbf": "**", "bf": "**", "emph": "*", "textit": "*", "it": "*", "texttt": "`", "underline": "", "textsc": "",
         "textrm": "", "textsf": "", "mbox": "", "text": "", "url": "", "footnote": ""}
MARKED = re.compile(r"\\(?P<cmd>" + "|".join(MARKS) + r")\{(?P<body>[^{}]*)\}")
HREF = re.compile(r"\\href\{[^{}]*\}\{(?P<body>[^{}]*)\}")
COMMAND = re.compile(r"\\(?:[A-Za-z]+\*?)(?:\[[^\]]*\])?")
QUOTES = ((r"``", "“"), (r"''", "”"), (r"---", "—"), (r"--", "–"))
INLINE_MATH = re.compile(r"\$[^$]+\$|\\\(.*?\\\)")


def _braced(text: str, start: int) -> tuple[str, int]:
    """The text of the brace group opening just before `start`, and where it closes (or the line's end)."""
    depth = 1
    for at in range(start, len(text)):
        if text[at] == "{" and text[at - 1] != "\\":
            depth += 1
        elif text[at] == "}" and text[at - 1] != "\\":
            depth -= 1
            if depth == 0:
                return text[start:at], at + 1
    return text[start:], len(text)


def _ends(env: str, text: str) -> bool:
    """Whether the text closes the environment."""
    return f"\\end{{{env}}}" in text


def _title(line: str) -> str:
    """A `\\title{...}` line as the note's `#` heading, "" for any other line (of the preamble)."""
    title = TITLE.match(line)
    return "# " + _inline(_braced(line, title.end())[0]).strip() if title else ""


def _inline(text: str) -> str:
    """A line's inline markup as Markdown, math kept as written."""
    pieces, last = [], 0
    for m in INLINE_MATH.finditer(text):  # math passes through untouched
        pieces.append(_prose(text[last : m.start()]))
        pieces.append(m.group(0) if m.group(0).startswith("$") else "$" + m.group(0)[2:-2] + "$")
        last = m.end()
    pieces.append(_prose(text[last:]))
    return "".join(pieces)


def _prose(text: str) -> str:
    text = VERB.sub(lambda m: f"`{m.group('body')}`", text)
    text = DROPPED.sub("", text)
    text = HREF.sub(lambda m: m.group("body"), text)
    for _ in range(3):  # nested marks, innermost first
        text = MARKED.sub(lambda m: f"{MARKS[m.group('cmd')]}{m.group('body')}{MARKS[m.group('cmd')]}"
                          if m.group("cmd") not in ("footnote",) else f" ({m.group('body')})", text)
    for old, new in QUOTES:
        text = text.replace(old, new)
    text = text.replace("~", " ").replace("\\\\", "").replace("\\&", "&").replace("\\%", "%").replace("\\_", "_")
    text = text.replace("\\#", "#").replace("\\$", "$")
    text = COMMAND.sub("", text)
    text = re.sub(r"(?<=\S)\s+(?=[.,;:](?:\s|$))", "", text)  # "space~\cite{x}." leaves no " ." behind
    return re.sub(r"(?<!\\)[{}]", "", text)


def read_latex(data: bytes, path: str, max_chars: int) -> Document:
    """A .tex file's text, one note line per source line.

    Raises:
        NoteError: not text.
    """
    from studygraph.ingest.reading import decode  # imported here: reading imports this package's table

    source = split_lines(decode(data, path)[0])
    in_body = not any(line.lstrip().startswith("\\begin{document}") for line in source)
    used = {m.group("cmd") for line in source for m in SECTION.finditer(line)}
    top = min((SECTIONS[c] for c in used), default=1)  # an article's \section is its top level: "#"
    code: str | None = None  # the code environment we are inside
    picture: str | None = None
    table = 0
    open_setup = 0  # brackets a set-up command left open
    section_level = 1  # the level of the last section heading
    math: str | None = None
    lists: list[str] = []
    out: list[str] = []
    for raw in source:
        if code == CHUNK:
            out.append("```" if re.match(r"^@\s*$", raw) else raw)
            code = None if out[-1] == "```" else code
            continue
        if re.match(r"^<<.*>>=\s*$", raw):  # a Sweave (.Rnw) code chunk, to its closing "@"
            out.append("```r")
            code = CHUNK
            continue
        if code is not None:
            if _ends(code, raw):
                out.append("```")
                code = None
            else:
                out.append(raw)
            continue
        line = COMMENT.sub("", raw).rstrip()
        if picture is not None:
            if _ends(picture, line):
                picture = None
                out.append("")
                continue
            if DRAWING.search(line):
                out.append("")  # a drawing's commands; text set in its nodes (a cheat sheet's boxes) is read
                continue
        if open_setup or (in_body and SETUP.match(line)):
            open_setup = max(0, open_setup + line.count("[") + line.count("{") - line.count("]") - line.count("}"))
            out.append("")
            continue
        if not in_body:
            out.append(_title(line))
            in_body = "\\begin{document}" in line
            continue
        if "\\end{document}" in line:
            out.append("")
            in_body = False
            continue
        if math is not None:
            end = END.search(line)
            if end and end.group("env") == math:
                out.append((line[: end.start()].rstrip() + " $$").strip())
                math = None
            else:
                out.append(line)
            continue
        begin = BEGIN.search(line)
        if begin:
            env, opt = begin.group("env"), begin.group("opt")
            rest = line[begin.end() :].strip()
            if env in CODE_ENVS:
                out.append("```")
                code = env
                continue
            if env in PICTURES:
                out.append("")
                picture = None if _ends(env, rest) else env
                continue
            if env in MATH_ENVS:
                closed = END.search(rest)
                inner = rest[: closed.start()] if closed else rest
                out.append(f"$$ {inner.strip()} $$" if closed else f"$$ {inner.strip()}".rstrip())
                math = None if closed else env
                continue
            if env in LISTS:
                lists.append(env)
                out.append(_inline(rest))
                continue
            base = env.rstrip("*")
            if base.lower() in THEOREMS:
                if opt and opt.strip():
                    # A named one is a titled unit: "#### Mercer kernel (definition)", a heading one level below the
                    # section's, whose first line defines what it names, as a section named after a concept does.
                    name = _inline(opt).strip()
                    kind = "" if name.lower().endswith(base.lower()) else f" ({base.lower()})"  # not "Representer theorem (theorem)"
                    out.append(f"{'#' * min(6, section_level + 1)} {name}{kind} {_inline(rest)}".rstrip())
                else:
                    out.append(f"**{base.capitalize()}.** {_inline(rest)}".rstrip())
                continue
            line = line[: begin.start()] + rest
        opened = [m.group("env") for m in BEGIN.finditer(line) if m.group("env") in TABLES]
        if opened:
            table += len(opened)
            line = BEGIN.sub("", line)
        end = END.search(line)
        if end:
            if end.group("env") in LISTS and lists:
                lists.pop()
            table = max(0, table - sum(m.group("env") in TABLES for m in END.finditer(line)))
            line = END.sub("", line)
        if table and "&" in line:
            cells = [_inline(c).strip() for c in re.split(r"(?<!\\)&", line.replace("\\hline", "").rstrip().removesuffix("\\\\"))]
            out.append("| " + " | ".join(cells) + " |")
            continue
        if table:
            line = line.replace("\\hline", "")
        if line.strip() == "\\[" or line.strip() == "\\]":
            out.append("$$")
            continue
        section = SECTION.search(line)
        if section:
            heading, past = _braced(line, section.end())
            after = _inline(line[past:]).strip()
            level = SECTIONS[section.group("cmd")] - top + 1
            out.append("#" * level + " " + _inline(heading).strip() + (" " + after if after else ""))
            section_level = level
            continue
        item = ITEM.match(line)
        if item:
            depth = "  " * max(0, len(lists) - 1)
            body = _inline(line[item.end() :]).strip()
            label = item.group("label")
            if label is not None and label.strip():
                out.append(f"{depth}- **{_inline(label).strip()}**: {body}".rstrip())
            else:
                number = "1." if lists and lists[-1] == "enumerate" else "-"
                out.append(f"{depth}{number} {body}".rstrip())
            continue
        if TITLE.match(line):
            out.append(_title(line))
            continue
        out.append(_inline(line).strip() if lists else _inline(line).rstrip())
    if not any(line.strip() for line in out):
        raise NoteError(path, "has no text outside the LaTeX preamble and markup")
    return Document("\n".join(out))
