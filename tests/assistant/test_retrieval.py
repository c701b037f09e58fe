"""Search and ask on the real seed index: what a user sees."""

from __future__ import annotations

from pathlib import Path

import pytest

from studygraph.assistant.answering import NOT_FOUND, clean
from studygraph.errors import QueryError
from studygraph.ingest.note import split_lines

CASES = [
    # question, source file, lines that answer it (any of them)
    ("What is the Perceiver Resampler?", "000_ea24ba94182485b6.txt", {28}),
    ("What is HNSW?", "003_2b72a920368736ff.txt", {48, 58}),  # full answer, and the quick-fire line
    ("How do you integrate a CLIP vision encoder with llama.cpp?", "002_7e10b629c22f1859.txt", {53}),
    ("Which benchmarks evaluate cross-modal retrieval?", "004_bc70495b10dcb076.txt", {383}),
]


def answers(hit, source: str, lines: set[int]) -> bool:
    c = hit.chunk
    return Path(c.source).name == source and any(c.start_line <= n <= c.end_line for n in lines)


@pytest.mark.parametrize(("question", "source", "lines"), CASES)
@pytest.mark.parametrize("mode", ["hybrid", "bm25", "dense"])
def test_top_hit_is_the_right_note_and_lines(seeded, question: str, source: str, lines: set[int], mode: str) -> None:
    hits = seeded.search(question, k=5, mode=mode)
    if mode == "hybrid":
        assert answers(hits[0], source, lines)
    else:
        assert any(answers(h, source, lines) for h in hits)


def test_answer_quotes_exact_lines_of_the_file(seeded) -> None:
    answer = seeded.ask("What is the Perceiver Resampler?")
    assert answer.found
    assert "fixed number of visual tokens" in answer.text
    assert answer.text.rstrip().endswith("]")
    for citation in answer.citations:
        lines = split_lines(Path(citation.source).read_text(encoding="utf-8"))
        cited = "\n".join(lines[citation.start_line - 1 : citation.end_line])
        assert citation.quote and citation.quote in cited
        at = cited.find(citation.quote)
        # Cite the quoted lines, not a whole chunk: the quote starts on the first cited line and ends on the last.
        assert "\n" not in cited[:at] and "\n" not in cited[at + len(citation.quote) :], "cite the quoted lines only"
        assert f"[{citation.n}]" in answer.text


def test_every_answer_sentence_carries_a_citation(seeded) -> None:
    answer = seeded.ask("Why is the CLIP loss symmetric?")
    import re

    sentences = [s for s in re.split(r"(?<=\])\s+", answer.text) if s.strip()]
    assert sentences and all(re.search(r"\[\d+\]$", s.strip()) for s in sentences)
    assert len(answer.text) <= seeded.settings.answer_max_chars


def test_questions_outside_the_notes_get_an_honest_not_found(seeded) -> None:
    for question in ("What is the capital of France?", "How do I bake sourdough bread?"):
        answer = seeded.ask(question)
        assert not answer.found
        assert answer.text.startswith(NOT_FOUND.split(".")[0])  # "I couldn't find this in your notes"
        assert answer.citations == ()
    assert "never mention France" in seeded.ask("What is the capital of France?").text


def test_related_concepts_come_with_evidence_lines(seeded) -> None:
    answer = seeded.ask("What is the Perceiver Resampler?")
    assert 3 <= len(answer.related) <= 6
    for r in answer.related:
        lines = split_lines(Path(r.source).read_text(encoding="utf-8"))
        assert 1 <= r.start_line <= r.end_line <= len(lines)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda sg: sg.search("   "), "the query is empty"),
        (lambda sg: sg.search("clip", mode="fuzzy"), "mode must be one of hybrid, bm25, dense, got 'fuzzy'"),
        (lambda sg: sg.search("clip", k=0), "k must be > 0, got 0"),
    ],
)
def test_user_mistakes_raise_typed_errors_with_clear_messages(seeded, call, message: str) -> None:
    with pytest.raises(QueryError, match=message):
        call(seeded)


@pytest.mark.parametrize(
    ("question", "evidence"),
    [("What is SBERT?", "Sentence-BERT"), ("What does SBERT fine-tune?", "siamese")],
)
def test_aliases_from_the_graph_find_the_long_form(seeded, question: str, evidence: str) -> None:
    hits = seeded.search(question, k=3)
    assert evidence.lower() in hits[0].chunk.text.lower()


def test_quoted_sentences_keep_the_order_of_the_note(seeded) -> None:
    answer = seeded.ask("How does Flamingo handle in-context learning?")
    text = answer.text
    first, second = "perceiver resampler modules", "This allows Flamingo to use multimodal inputs"
    assert first in text and second in text
    assert text.index(first) < text.index(second)


@pytest.mark.parametrize(
    ("quoted", "shown"),
    [
        ("| ``__enter__`` | returns **self** |", "__enter__: returns self"),  # dunder names keep their underscores
        ("Run :ref:`awaitable objects <asyncio-awaitables>` *concurrently*::", "Run awaitable objects concurrently:"),
        ("> See [CLIP](https://openai.com/clip) and `the docs <https://x.org>`_.", "See CLIP and the docs."),
        ("called the :term:`global interpreter\n   lock` or GIL", "called the global interpreter lock or GIL"),  # a role wrapped over lines
    ],
)
def test_answer_text_reads_markup_as_the_words_it_shows(quoted: str, shown: str) -> None:
    assert clean(quoted) == shown


def test_a_follow_up_is_answered_about_the_previous_questions_concept(seeded) -> None:
    answer = seeded.ask("And what loss does it use?", after="How does CLIP do zero-shot classification?")
    assert answer.question == "And what loss does it use?"
    assert answer.read_as == "What loss does CLIP use?"
    assert answer.found and "contrastive" in answer.text.lower(), answer.text
    alone = seeded.ask("What loss does SigLIP use?", after="How does CLIP do zero-shot classification?")
    assert alone.read_as == "" and "sigmoid" in alone.text.lower(), alone.text


def test_answers_never_quote_lead_ins_prompts_or_bare_identifiers() -> None:
    from studygraph.assistant.answering import quotable

    for junk in ("Examples:", "All code examples assume:", "partitions:", ">>> init_printing(use_unicode=False)",
                 "... more", "sphx_glr_auto_examples_plot_f_test_vs_mi.py.", "sympy.utilities.iterables.ordered_partitions"):
        assert not quotable(junk), junk
    for prose in ("There is no class in SymPy for division.", "Division is represented by a power: x/y is x*y**-1.",
                  "See the notes on CLIP.", "Yes."):
        assert quotable(prose), prose
