"""Line-level structure: each kind of block `parse` reads, on small literal notes."""

from __future__ import annotations

from studygraph.ingest.blocks import Atom, Heading, parse


def read(text: str) -> tuple[list[Heading], list[Atom]]:
    return parse(text.split("\n"))


def test_fence_body_is_one_code_atom_even_with_markup_inside() -> None:
    headings, atoms = read("```\n# not a heading\n- not an item\n```\nAfter.")
    assert headings == []
    assert atoms == [Atom(0, 3, "code"), Atom(4, 4, "text")]


def test_unclosed_fence_runs_to_the_end() -> None:
    assert read("~~~\ncode\nmore")[1] == [Atom(0, 2, "code")]


def test_atx_heading_needs_a_title() -> None:
    headings, atoms = read("## Attention ##\n#\nText.")
    assert headings == [Heading(0, 2, "Attention", 0)]
    assert atoms == [Atom(1, 2, "text")]


def test_rst_title_levels_follow_first_use_not_the_character() -> None:
    text = "=====\nTitle\n=====\n\nPart\n----\n\nSection\n~~~~~~~\n\nOther part\n----------"
    headings, _ = read(text)
    assert [(h.title, h.level, h.line, h.end) for h in headings] == [
        ("Title", 1, 0, 2), ("Part", 2, 4, 5), ("Section", 3, 7, 8), ("Other part", 2, 10, 11),
    ]


def test_underline_after_a_paragraph_line_is_not_a_title() -> None:
    headings, atoms = read("The first line of a paragraph is long enough not to read as a short title\nthe second line\n-----------")
    assert headings == []
    assert atoms[-1] == Atom(2, 2, "rule")


def test_rule_and_table_and_quote() -> None:
    _, atoms = read("Text.\n\n* * *\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n> quoted\n> more")
    assert atoms == [Atom(0, 0, "text"), Atom(2, 2, "rule"), Atom(4, 6, "table"), Atom(8, 9, "quote")]


def test_short_and_lettered_titles_are_level_seven() -> None:
    headings, _ = read("Quick fire\n1. What is a token? A piece of text.\n\nA. Bag of words\nCounts words.")
    assert [(h.title, h.level) for h in headings] == [("Quick fire", 7), ("A. Bag of words", 7)]


def test_list_item_keeps_its_indented_continuation_and_nested_items_stand_alone() -> None:
    text = "- first item\n  continues here\n\n  after a blank, still the item\n  - nested\n- second"
    _, atoms = read(text)
    assert atoms == [Atom(0, 3, "list"), Atom(4, 4, "list"), Atom(5, 5, "list")]


def test_blank_line_then_unindented_text_ends_the_item() -> None:
    assert read("- item\n\nParagraph.")[1] == [Atom(0, 0, "list"), Atom(2, 2, "text")]


def test_paragraph_ends_at_a_list_item() -> None:
    assert read("The first line of a paragraph is long enough not to read as a short title\nmore text.\n- item")[1] == [Atom(0, 1, "text"), Atom(2, 2, "list")]


def test_rst_literal_block_and_directive_bodies_are_code() -> None:
    text = "Example::\n\n    # a comment, not a heading\n    x = 1\n\nBack.\n\n.. code-block:: python\n\n    y = 2\n"
    headings, atoms = read(text)
    assert headings == []
    assert atoms == [Atom(0, 3, "code"), Atom(5, 5, "text"), Atom(7, 9, "code")]


def test_literal_marker_without_an_indented_body_stays_text() -> None:
    assert read("Ends with::\nNot indented.")[1] == [Atom(0, 1, "text")]
