from pathlib import Path

import pytest

from studygraph.ingest.chunking import split_note
from studygraph.ingest.note import Note, split_lines
from studygraph.ingest.spans import split_spans

SEEDS = sorted((Path(__file__).resolve().parents[2] / "seeds").glob("*.txt"))


@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.name)
def test_every_span_is_an_exact_substring_of_its_lines(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    lines = split_lines(text)
    for chunk in split_note(Note(str(path), text, "", len(text), 0.0)):
        for span in split_spans(chunk):
            assert span.text in "\n".join(lines[span.start_line - 1 : span.end_line])


def test_numbered_question_lines_split_into_question_and_answer() -> None:
    text = "B. Word2Vec\n5. Word2Vec — two architectures? CBOW (predict center) and Skip-gram.\n"
    chunk = split_note(Note("/n.txt", text, "", len(text), 0.0))[0]
    spans = split_spans(chunk)
    answer = next(s for s in spans if s.kind == "answer")
    assert answer.text == "CBOW (predict center) and Skip-gram."
    assert answer.question == "Word2Vec — two architectures?"
    assert answer.start_line == answer.end_line == 2


def test_several_questions_on_one_line_each_get_their_answer() -> None:
    text = "Quick fire\n46. Word2Vec architecture? Shallow NN. 47. BERT pretraining? MLM (+ NSP).\n"
    chunk = split_note(Note("/n.txt", text, "", len(text), 0.0))[0]
    answers = {s.question: s.text for s in split_spans(chunk) if s.kind == "answer"}
    assert answers == {"Word2Vec architecture?": "Shallow NN.", "BERT pretraining?": "MLM (+ NSP)."}


def test_rst_markup_and_doctest_lines_are_not_sentences_and_abbreviations_do_not_split() -> None:
    text = (
        "Lists\n=====\n\n.. _tut-lists:\n\n"
        "A list holds items, e.g. numbers or strings, in order. It can grow.\n\n"
        ">>> squares = [1, 4, 9]\n>>> squares[0]\n1\n"
    )
    chunk = split_note(Note("/n.rst", text, "", len(text), 0.0))[0]
    spans = split_spans(chunk)
    sentences = [s.text for s in spans if s.kind == "sentence"]
    assert sentences == ["A list holds items, e.g. numbers or strings, in order.", "It can grow."]
    assert [s.text for s in spans if s.kind == "code"][:2] == [">>> squares = [1, 4, 9]", ">>> squares[0]"]
    assert not any("_tut-lists" in s.text for s in spans)


def test_a_definition_list_term_is_what_its_definition_answers() -> None:
    text = (
        "Glossary\n========\n\n"
        "   GIL\n      See :term:`global interpreter lock`.\n\n"
        "   global interpreter lock\n"
        "      The mechanism that lets only one thread run bytecode at a time.\n"
        "      It simplifies the implementation.\n\n"
        "After the list, prose answers the section again.\n\n"
        "Example::\n\n    if pid == 0:  # in the child\n        mm.seek(0)\n"
    )
    chunk = split_note(Note("/g.rst", text, "", len(text), 0.0))[0]
    assert chunk.heading == "Glossary"  # a capitalised term ("GIL") does not open a section
    spans = split_spans(chunk)
    terms = [(s.text, s.start_line) for s in spans if s.kind == "heading"]
    assert terms == [("Glossary", 1), ("GIL", 4), ("global interpreter lock", 7)]
    answers = {s.text: s.question for s in spans if s.kind == "sentence"}
    assert answers["The mechanism that lets only one thread run bytecode at a time."] == "global interpreter lock"
    assert answers["It simplifies the implementation."] == "global interpreter lock"
    assert answers["See :term:`global interpreter lock`."] == "GIL"
    assert answers["After the list, prose answers the section again."] == "Glossary"
    # An indented code line is not a term, whatever follows it.
    assert not any(s.question.startswith("if pid") for s in spans)


def test_index_entries_and_tables_of_contents_are_not_sentences() -> None:
    text = (
        "Threads\n=======\n\n"
        ".. index::\n   single: global interpreter lock\n   single: lock, interpreter\n\n"
        "A global lock must be held by the current thread.\n\n"
        ".. toctree::\n   :maxdepth: 2\n\n   intro.rst\n   usage.rst\n\n"
        ".. note::\n   Notes are prose and stay.\n"
    )
    chunk = split_note(Note("/t.rst", text, "", len(text), 0.0))[0]
    sentences = [s.text for s in split_spans(chunk) if s.kind == "sentence"]
    assert sentences == ["A global lock must be held by the current thread.", "Notes are prose and stay."]


def test_prompt_rows_code_and_items_each_get_their_kind_and_line() -> None:
    text = (
        "## Retrieval\n\n**Question**: What does BM25 reward?\n**Answer:**\n"
        "Rare terms that occur often in the passage. Long passages less so.\n\n"
        "| model | kind |\n|---|---|\n| BM25 | sparse |\n\n```\nscore = bm25(q, d)\n```\n- Works without training.\n"
    )
    (chunk,) = split_note(Note("/r.md", text, "", len(text), 0.0))
    spans = split_spans(chunk)
    assert [(s.kind, s.start_line, s.text) for s in spans] == [
        ("heading", 1, "Retrieval"),
        ("prompt", 3, "What does BM25 reward?"),
        ("sentence", 5, "Rare terms that occur often in the passage."),
        ("sentence", 5, "Long passages less so."),
        ("row", 7, "| model | kind |"),  # the |---| rule is no span
        ("row", 9, "| BM25 | sparse |"),
        ("code", 12, "score = bm25(q, d)"),
        ("item", 14, "Works without training."),
    ]
    assert {s.question for s in spans[1:]} == {"What does BM25 reward?"}


def test_a_list_item_keeps_its_hanging_indented_continuation_lines() -> None:
    text = (
        "Release steps\n\n"
        "- Less than a week before the release, a mail with the relevant information is\n"
        "  sent to the distros list, which pre-announces embargoed releases.\n"
        "- Public communication is prepared in advance.\n"
        "  1. A nested step is its own item.\n"
        "         indented_code_below_the_text_column()\n"
    )
    chunk = split_note(Note("/n.md", text, "", len(text), 0.0))[0]
    items = [s for s in split_spans(chunk) if s.kind == "item"]
    first = items[0]
    assert (first.start_line, first.end_line) == (3, 4)
    assert first.text == ("Less than a week before the release, a mail with the relevant information is\n"
                          "  sent to the distros list, which pre-announces embargoed releases.")
    assert [s.text for s in items[1:]] == ["Public communication is prepared in advance.", "A nested step is its own item."]
    assert not any("sent to the distros" in s.text for s in split_spans(chunk) if s.kind == "sentence")
    lines = split_lines(text)
    for span in split_spans(chunk):
        assert span.text in "\n".join(lines[span.start_line - 1 : span.end_line])


def test_asciidoc_markup_lines_are_not_quoted() -> None:
    text = ("Merging\n\nifdef::git-merge[]\n[verse]\nWith --ff, resolve the merge as a fast-forward.\n+\n"
            "With --no-ff, create a merge commit.\nendif::git-merge[]\n")
    chunk = split_note(Note("/n.txt", text, "", len(text), 0.0))[0]
    texts = [s.text for s in split_spans(chunk)]
    assert not any("ifdef::" in t or "endif::" in t or t == "[verse]" or t == "+" for t in texts)
    assert "With --ff, resolve the merge as a fast-forward." in texts


def test_asciidoc_labelled_list_terms_are_the_question_their_definition_answers() -> None:
    text = ("OPTIONS\n-------\n-d::\n\tRecurse into untracked directories.\n\n"
            "-f::\n--force::\n\tDelete files even when clean.requireForce is set.\n")
    chunk = split_note(Note("/git-clean.txt", text, "", len(text), 0.0))[0]
    spans = split_spans(chunk)
    by_text = {s.text: s for s in spans}
    assert by_text["Recurse into untracked directories."].question == "-d"
    assert by_text["Delete files even when clean.requireForce is set."].question == "-f, --force"
    assert not any(s.text.endswith("::") for s in spans)


def test_a_heading_underlined_with_backticks_opens_no_code_block() -> None:
    text = ("Low Index Subgroups\n```````````````````\n\n"
            "``low_index_subgroups(G, N)``: Given a finitely presented group, determine the conjugacy classes\n"
            "of subgroups whose index is at most N.\n")
    chunk = split_note(Note("/fp_groups.rst", text, "", len(text), 0.0))[0]
    kinds = [(s.kind, s.start_line, s.end_line) for s in split_spans(chunk)]
    assert kinds == [("heading", 1, 1), ("sentence", 4, 5)]


def test_front_matter_and_tag_lines_are_not_quoted() -> None:
    text = ("---\ntags: [ml]\naliases: [LR]\n---\n#ml #course/week-2\n\n"
            "When the learning rate rises, training can diverge.\n")
    chunk = split_note(Note("/lr.md", text, "", len(text), 0.0))[0]
    assert [s.text for s in split_spans(chunk)] == ["When the learning rate rises, training can diverge."]
