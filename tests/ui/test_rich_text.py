"""Note text as markdown (ui/rich_text.py): math kept for KaTeX, quotes highlighted to
the character, citation markers as in-page links, and nothing else let through."""

from __future__ import annotations

from ui_helpers import unescape

from studygraph.ui.components import md
from studygraph.ui.rich_text import answer_md, inert, math_spans, passage_md


def test_math_is_kept_and_money_is_not_math() -> None:
    text = r"Patches of $16 \times 16$ cost from $5 to $10 and $$\sum_i x_i$$."
    kept = [text[a:b] for a, b in math_spans(text)]
    assert kept == [r"$16 \times 16$", r"$$\sum_i x_i$$"]
    shown = inert(text)
    assert r"$16 \times 16$" in shown and r"\$5 to \$10" in shown


def test_math_that_could_load_or_link_stays_text() -> None:
    for hostile in (r"$\href{http://evil.example}{x}$", r"$\includegraphics{//evil.example/x.png}$",
                    "$x](http://evil.example/a.png)$", "$![a]$", r"$\url{evil}$", "$[0,1)$"):
        assert math_spans(hostile) == [], hostile
        assert "$" not in inert(hostile).replace("\\$", ""), hostile


def test_a_note_cannot_inject_markup_into_an_answer() -> None:
    text = "See <script>alert(1)</script> ![x](http://evil.example/x.png) and [3] [1]"
    shown = answer_md(text, {1}, 4)
    assert shown.endswith("[**\\[1\\]**](#cite-4-1)")  # the cited number is a link to its source
    assert "\\[3\\]" in shown  # a number the answer does not cite stays text
    assert "<script>" not in shown and "![" not in shown and "](http" not in shown
    assert unescape(shown.replace("[**\\[1\\]**](#cite-4-1)", "")) == text.replace(" [1]", " ")


def test_one_marker_per_run_of_sentences_from_one_source() -> None:
    shown = answer_md("A. [1] B. [1] C. [2]", {1, 2}, 0)
    assert shown.count("#cite-0-1") == 1 and shown.count("#cite-0-2") == 1


def test_the_quoted_clause_is_highlighted_not_its_line() -> None:
    line = "12. BERT objectives? MLM + NSP. 13. BERT's MLM masking ratio? 15% of tokens masked."
    text = "C. Contextual embeddings\n" + line + "\n14. GPT? Causal."
    quote = "BERT's MLM masking ratio? 15% of tokens masked."
    shown = passage_md(text, 10, quote, 11, 11).split("  \n")
    assert shown[1] == f"`11` {md(line[: line.index(quote)])}:orange-background[{md(quote)}]"
    assert shown[0] == f"`10` {md('C. Contextual embeddings')}" and "orange" not in shown[2]


def test_a_quote_across_lines_is_highlighted_on_each_and_far_lines_are_cut() -> None:
    lines = [f"line {i} text" for i in range(1, 21)]
    quote = "9 text\nline 10"
    shown = passage_md("\n".join(lines), 1, quote, 9, 10).split("  \n")
    assert shown[0] == "`…`" and shown[-1] == "`…`"
    marked = [row for row in shown if "orange-background" in row]
    assert marked == [f"` 9` line :orange-background[{md('9 text')}]", f"`10` :orange-background[{md('line 10')}] text"]
    assert len(shown) == 2 + 2 + 3 + 3  # the cuts, the quoted lines, three lines either side


def test_math_inside_a_quote_is_kept_whole() -> None:
    line = r"* $L = -\log \frac{a}{b}$. Pulls positives together."
    shown = passage_md(line, 73, r"\frac{a}{b}$. Pulls", 73, 73)
    assert r":orange-background[$L = -\log \frac{a}{b}$\. Pulls]" in shown


def test_without_the_quote_the_cited_lines_are_highlighted_whole() -> None:
    shown = passage_md("a\nb\nc", 1, "not there", 2, 2).split("  \n")
    assert shown == ["`1` a", "`2` :orange-background[b]", "`3` c"]
