"""`LineRange`: what every citing noun (a chunk, a span, a piece of evidence, a
citation, a flashcard) knows about the note lines it stands for.

A field-less mixin: each frozen dataclass keeps its own `start_line` and
`end_line` fields (1-based, inclusive), so constructors, equality and every JSON
shape stay as they were; the mixin adds one spelling of the label, overlap and
containment, and checks `1 <= start_line <= end_line` when the object is made.
The check costs about 0.1 µs per object (timeit on the dev machine, against 2.2 µs
to construct a Chunk): 5 ms for 50,000 chunks, next to nothing beside reading
them.
"""

from __future__ import annotations

from typing import ClassVar


def label(start: int, end: int) -> str:
    """`line 3`, or `lines 3-5` when the range spans several lines."""
    return f"line {start}" if start == end else f"lines {start}-{end}"


def numbers(start: int, end: int) -> str:
    """`3`, or `3-5` when the range spans several lines (after a `path:`)."""
    return f"{start}" if start == end else f"{start}-{end}"


class LineRange:
    """Lines `start_line`..`end_line` of a note, 1-based and inclusive.

    Subclasses are dataclasses that declare both fields. One whose `no_lines`
    is true also accepts (0, 0): a card the student wrote, a concept the notes
    never define.
    """

    __slots__ = ()
    start_line: int
    end_line: int
    no_lines: ClassVar[bool] = False

    def __post_init__(self) -> None:
        if not 1 <= self.start_line <= self.end_line and not (self.no_lines and self.start_line == self.end_line == 0):
            raise ValueError(
                f"{type(self).__name__} lines must run 1 <= start_line <= end_line, "
                f"got {self.start_line}-{self.end_line}"
            )

    def label(self) -> str:
        """`line 3` or `lines 3-5`."""
        return label(self.start_line, self.end_line)

    def numbers(self) -> str:
        """`3` or `3-5`."""
        return numbers(self.start_line, self.end_line)

    def contains(self, line: int) -> bool:
        """Whether `line` is one of these lines."""
        return self.start_line <= line <= self.end_line

    def overlaps(self, other: LineRange) -> bool:
        """Whether the two ranges share a line (of whichever notes: compare sources apart)."""
        return self.start_line <= other.end_line and other.start_line <= self.end_line
