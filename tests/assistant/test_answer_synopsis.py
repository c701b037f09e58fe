"""A command's usage line is never quoted as a sentence (assistant/quoting.py)."""

from __future__ import annotations

import pytest

from studygraph.assistant.quoting import quotable


@pytest.mark.parametrize("line", [
    "'git clean' [-d] [-f] [-i] [-n] [-q] [-e <pattern>] [-x | -X] [--] [<pathspec>...]",
    "usage: bench.py [-h] [--corpus NAME] [--fresh]",
    "`prog [-v] [--out FILE] [PATH ...]`",
])
def test_a_usage_line_is_not_quoted(line: str) -> None:
    assert not quotable(line)


@pytest.mark.parametrize("line", [
    "See the papers [1], [2] and [3] for the proof of the theorem in full detail.",
    "With -x, ignored files are also removed [see gitignore] as well as untracked ones.",
    "The list [1, 2, 3] is sorted in place.",
])
def test_a_sentence_with_a_few_brackets_still_is(line: str) -> None:
    assert quotable(line)
