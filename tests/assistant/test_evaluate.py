"""Which hits count as relevant for a gold question."""

from __future__ import annotations

from studygraph.assistant.evaluate import Gold, holds, is_relevant
from studygraph.assistant.types import Chunk, Hit
from studygraph.ingest.note import chunk_id


def hit(source: str, text: str) -> Hit:
    return Hit(Chunk(chunk_id(source, text), source, text, 1, 1), 1.0, 1)


def test_a_gold_source_is_a_file_name_or_a_path_relative_to_the_corpus() -> None:
    gold = Gold("q1", "How are units read?", ("cosmology/io/index.rst",), "read and write")
    assert is_relevant(hit("/notes/astro/cosmology/io/index.rst", "You can Read and write them."), gold)
    assert not is_relevant(hit("/notes/astro/constants/index.rst", "You can read and write them."), gold)
    assert not is_relevant(hit("/notes/astro/cosmology/io/index.rst", "Nothing about it."), gold)
    by_name = Gold("q2", "?", ("index.rst", "other.md"), "read and write")
    assert is_relevant(hit("/notes/astro/constants/index.rst", "read and write"), by_name)
    assert not is_relevant(hit("/notes/astro/constants/xindex.rst", "read and write"), by_name)


def test_an_answer_holds_evidence_quoted_without_its_code_marks() -> None:
    assert holds("Subsequent levels are defined by the dep_data argument to GEE. [1]",
                 "Subsequent levels are defined by the `dep_data` argument")
    assert holds("the  constraints\nparameter", "The `constraints` parameter")
    assert not holds("Subsequent levels are defined by the groups argument.", "defined by the `dep_data` argument")
