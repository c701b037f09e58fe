"""What the embedding model reads: inline markup out, the words a reader sees kept."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from studygraph.ingest.markup import plain


@pytest.mark.parametrize(
    ("marked", "shown"),
    [
        ("Run :ref:`awaitable objects <asyncio-awaitables>` in the *aws* sequence *concurrently*.",
         "Run awaitable objects in the aws sequence concurrently."),
        (":mod:`!contextlib` --- Utilities for :keyword:`!with`\\ -statement contexts",
         "contextlib --- Utilities for with-statement contexts"),
        ("Use :func:`~functools.lru_cache` or ``@cache``, :py:meth:`dict.get`.", "Use functools.lru_cache or @cache, dict.get."),
        ("See `the docs <https://x.org>`_, `Foo`_ and `bar <https://y>`__.", "See the docs, Foo and bar."),
        ("**InfoNCE** pulls [CLIP](https://openai.com/clip) pairs ![diagram](fig.png) together; `tau` scales.",
         "InfoNCE pulls CLIP pairs diagram together; tau scales."),
        ("Added an ``=`` specifier to :term:`f-string`\\s and ``str``\\s.", "Added an = specifier to f-strings and strs."),
        ("the ``\\n``, ``\\t`` escapes and the regex ``\\s+``", "the \\n, \\t escapes and the regex \\s+"),
        ("called the :term:`global interpreter\n   lock` or ``sys.\n   flags``", "called the global interpreter\n   lock or sys.\n   flags"),
    ],
)
def test_markup_gives_way_to_the_words_it_shows(marked: str, shown: str) -> None:
    assert plain(marked) == shown


@pytest.mark.parametrize(
    "text",
    [
        "a * b, 2*3*4, f(*args, **kwargs) and snake_case_name",
        "at 10:30 the key:value pairs and http://host:8000/path",
        "Q: what is HNSW? A: a graph index",
        "",
        "plain prose with no markup at all.",
        "a stray :term:`quote\n\nnever reaches` past a blank line",
    ],
)
def test_text_without_markup_is_left_alone(text: str) -> None:
    assert plain(text) == text


@given(st.text(alphabet=st.sampled_from(list("ab :`*_<>[]()!~\\\n")), max_size=60))
def test_never_adds_characters(text: str) -> None:
    out = plain(text)
    assert len(out) <= len(text)
    assert set(out) <= set(text)
