"""LaTeX (.tex, Sweave .rnw), web pages (.html) and R Markdown / Quarto read as notes: the readers on
written pages, then real files (zoo's Sweave FAQ, nbsphinx's Sphinx-made HTML) through ingest, search
and ask with the real model and Chroma, every citation's quote found in the lines it cites."""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

import pytest

from studygraph.assistant.facade import Studygraph
from studygraph.assistant.output import answer_json, hits_json
from studygraph.errors import NoteError
from studygraph.graph import build_graph
from studygraph.graph.catalog import Catalog
from studygraph.ingest.chunking import split_note
from studygraph.ingest.formats.html import read_html
from studygraph.ingest.formats.latex import read_latex
from studygraph.ingest.reading import read_note
from studygraph.settings import load_settings

ROOT = Path(__file__).resolve().parents[2]

LECTURE = r"""\documentclass{article}
\usepackage{amsmath} % maths
\title{Lecture 3: Kernel methods}
\begin{document}
\maketitle
\section{Kernels}\label{sec:kernels}
A \emph{kernel} is a function $k(x, y)$ that computes an inner product % not read
in a feature space~\cite{scholkopf}.
\begin{definition}[Mercer kernel]
A kernel is \textbf{positive semi-definite} if every Gram matrix is.
\end{definition}
\begin{equation}
k(x, y) = \langle \phi(x), \phi(y) \rangle
\end{equation}
\subsection{Examples}
\begin{description}
\item[RBF kernel] $k(x,y) = \exp(-\gamma\|x-y\|^2)$
\end{description}
\begin{itemize}
  \item The ``kernel trick'' avoids computing $\phi$ --- it needs only $k$.
\end{itemize}
\begin{tikzpicture}
\draw (0,0) -- (1,1);
\end{tikzpicture}
\begin{proof}
Expand the square. \end{proof}
\begin{verbatim}
K = rbf(X, X)  % kept: code is verbatim
\end{verbatim}
<<fit, echo=TRUE>>=
fit <- ksvm(y ~ ., data = d)  # an R chunk
@
\begin{lemma}[Kernel sums]
The sum of two kernels is a kernel.
\end{lemma}
\end{document}
"""

PAGE = """<!DOCTYPE html><html><head><meta charset="iso-8859-1"><title>Kernels</title>
<script>document.write("never read")</script><style>p { color: red }</style></head>
<body><div role="navigation"><a href="/">Home</a> | <a href="/next">Next page</a></div>
<div class="body" role="main">
<h1>Kernel methods<a class="headerlink" href="#k">\xb6</a></h1>
<p>A <em>kernel</em> computes an inner product in a feature
space. R\xe9sum\xe9 of the <strong>kernel trick</strong>.</p>
<ul><li>The <code>rbf</code> kernel<ul><li>has a width</li></ul></li><li>The linear kernel</li></ul>
<ol><li><p>Choose a kernel.</p></li><li><p>Fit the model.</p></li></ol>
<dl><dt>Gram matrix</dt><dd><p>The matrix of all pairwise kernel values.</p><p>It is positive semi-definite.</p></dd></dl>
<pre>K = rbf(X, X)
K.shape</pre>
<table><tr><th>Kernel</th><th>Parameter</th></tr><tr><td>RBF</td><td>gamma</td></tr></table>
<div class="sidebar">Search this site</div><p style="display: none">hidden text</p><p>Euler: \\(e^{i\\pi} = -1\\).</p>
</div>
<div class="footer">Copyright and a search box</div>
</body></html>"""


def test_latex_reads_line_for_line_as_markdown() -> None:
    text = read_latex(LECTURE.encode(), "lecture.tex", 1 << 20).text
    lines = text.split("\n")
    assert len(lines) == len(LECTURE.split("\n"))  # a citation's line numbers are the editor's
    assert lines[2] == "# Lecture 3: Kernel methods" and lines[5] == "# Kernels" and lines[14] == "## Examples"
    assert lines[6] == "A *kernel* is a function $k(x, y)$ that computes an inner product"
    assert lines[7] == "in a feature space."  # the citation and the comment are gone, not the sentence
    assert lines[8] == "## Mercer kernel (definition)" and "**positive semi-definite**" in lines[9]  # a titled unit
    assert lines[11:14] == ["$$", r"k(x, y) = \langle \phi(x), \phi(y) \rangle", "$$"]  # math untouched
    assert lines[16] == r"- **RBF kernel**: $k(x,y) = \exp(-\gamma\|x-y\|^2)$"  # a glossary item
    assert lines[19] == "- The “kernel trick” avoids computing $\\phi$ — it needs only $k$."
    assert not any("draw" in line for line in lines[21:24])
    assert lines[24] == "**Proof.**" and lines[25] == "Expand the square."  # an unnamed one: a bold lead
    assert lines[26:29] == ["```", "K = rbf(X, X)  % kept: code is verbatim", "```"]
    assert lines[29:32] == ["```r", "fit <- ksvm(y ~ ., data = d)  # an R chunk", "```"]
    assert lines[32] == "### Kernel sums (lemma)"  # below the subsection it stands in
    assert "usepackage" not in text and "maths" not in text and "not read" not in text


def test_a_named_definition_in_latex_defines_its_concept(tmp_path: Path) -> None:
    (tmp_path / "svm.tex").write_text(
        "\\section{Kernels}\n\\begin{definition}[Mercer kernel]\nA Mercer kernel is a symmetric function whose Gram "
        "matrices are positive semi-definite.\n\\end{definition}\nThe Mercer kernel gives the kernel trick.\n\n"
        "\\section{Margins}\nA support vector machine uses a Mercer kernel.\n")
    graph = build_graph(split_note(read_note(tmp_path / "svm.tex", 1 << 20)), catalog=Catalog(()))
    mercer = next(c for c in graph.concepts.values() if c.name == "Mercer kernel")
    assert mercer.definition is not None and mercer.definition.quote.startswith("A Mercer kernel is a symmetric function")


def test_latex_with_no_text_is_refused_with_the_reason() -> None:
    with pytest.raises(NoteError, match="no text outside the LaTeX preamble"):
        read_latex(b"\\documentclass{article}\n\\begin{document}\n\\begin{tikzpicture}\n\\draw (0,0);\n"
                   b"\\end{tikzpicture}\n\\end{document}\n", "drawing.tex", 1 << 20)


def test_a_web_page_is_read_as_what_a_reader_sees() -> None:
    text = read_html(PAGE.encode("latin-1"), "kernels.html", 1 << 20).text
    assert text.split("\n") == [
        "# Kernel methods", "",
        "A *kernel* computes an inner product in a feature space. Résumé of the **kernel trick**.", "",
        "- The `rbf` kernel", "  - has a width", "- The linear kernel", "",
        "1. Choose a kernel.", "2. Fit the model.", "",  # an item's paragraph stays on its bullet's line
        "- **Gram matrix**: The matrix of all pairwise kernel values.", "", "It is positive semi-definite.", "",
        "```", "K = rbf(X, X)", "K.shape", "```", "",
        "| Kernel | Parameter |", "|---|---|", "| RBF | gamma |", "",
        "Euler: $e^{i\\pi} = -1$.",  # MathJax's delimiters as the $ the app's KaTeX reads
    ]


def test_a_page_of_scripts_alone_is_refused_with_the_reason() -> None:
    with pytest.raises(NoteError, match="shows no text"):
        read_html(b"<html><body><script>render()</script><div id='app'></div></body></html>", "app.html", 1 << 20)


def test_r_markdown_and_quarto_are_notes(tmp_path: Path) -> None:
    for name in ("fit.Rmd", "fit.qmd"):
        (tmp_path / name).write_text("# Fitting\n\nA linear model is fitted with `lm()`.\n\n```{r}\nfit <- lm(y ~ x)\n```\n")
        assert read_note(tmp_path / name, 1 << 20).text.startswith("# Fitting")


def _sources():
    spec = importlib.util.spec_from_file_location("sources_fetch", ROOT / "benchmarks" / "sources_fetch.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.fetch()
    return module.DEFAULT / "tree"


@pytest.mark.slow
def test_real_sweave_and_sphinx_pages_are_searched_and_cited_by_their_lines(tmp_path: Path, embedder) -> None:
    tree = _sources()
    folder = tmp_path / "notes"
    folder.mkdir()
    shutil.copy(tree / "usr/lib/R/site-library/zoo/doc/zoo-faq.Rnw", folder / "zoo-faq.Rnw")
    for page in ("code-cells.html", "markdown-cells.html"):
        shutil.copy(tree / "usr/share/doc/python-nbsphinx/html" / page, folder / page)
    sg = Studygraph(load_settings())
    sg.embedder = embedder
    report = sg.ingest([folder])
    assert sorted(Path(p).name for p in report.added) == ["code-cells.html", "markdown-cells.html", "zoo-faq.Rnw"]

    questions = {"How can duplicate times in a zoo series be fixed up?": "zoo-faq.Rnw",
                 "How do I enable automatic equation numbering in the HTML output?": "markdown-cells.html"}
    for question, source in questions.items():
        hits = hits_json(question, "hybrid", sg.search(question))["hits"]
        assert Path(hits[0]["source"]).name == source, (question, hits[0])
        answer = answer_json(sg.ask(question))
        assert answer["found"] and answer["citations"], answer
        for citation in answer["citations"]:
            note = read_note(Path(citation["source"]), 1 << 24).text.split("\n")
            assert citation["quote"] in "\n".join(note[citation["start_line"] - 1 : citation["end_line"]]), citation
        assert "Navigation" not in answer["answer"] and "¶" not in answer["answer"]
    # The Sweave file's note lines are its own lines: a quoted sentence stands on the line the editor shows.
    source = (folder / "zoo-faq.Rnw").read_text().split("\n")
    note = read_note(folder / "zoo-faq.Rnw", 1 << 24).text.split("\n")
    assert len(note) == len(source)
    prose = [i for i, line in enumerate(note) if line.strip() and line == source[i].strip()]
    assert len(prose) > 100  # plain prose lines come through as written
