"""Properties of the chunker and the tokenizer on arbitrary Unicode.

Chunker: never raises; every non-blank line lies inside a chunk; every chunk's
text is exactly its lines (or an exact slice of one long line, the slices of
a line in order with only whitespace between them); ids are unique.
Tokenizer: never raises; tokens are non-empty, without whitespace, normalised;
tokens never cross a line break.

300 examples per property by default; `--hypothesis-profile=thorough` runs 10,000.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from studygraph.ingest.chunking import split_note
from studygraph.ingest.note import Note, split_lines
from studygraph.ingest.tokenize import normalize, tokenize


def examples() -> int:
    return 10_000 if settings.get_current_profile_name() == "thorough" else 300


PROPERTY = settings(max_examples=examples(), deadline=None, suppress_health_check=[HealthCheck.too_slow])
WORDS = st.text(st.characters(exclude_categories=("Cs",)), max_size=40)
PLAIN = st.text(alphabet=st.sampled_from("abcdefghij XYZ.,?!:;-_/'*`|#>0123456789\t"), max_size=120)

# Lines that exercise the structure parser: headings, setext/rst underlines,
# lists (nested), numbered Q&A, fences, tables, quotes, rules, labels, long lines.
LINE = st.one_of(
    WORDS,
    PLAIN,
    st.builds(lambda n, t: "#" * n + " " + t, st.integers(1, 7), PLAIN),
    st.sampled_from(["===", "---", "~~~", "```", "```python", "~~~~", "***", "___", "::", ".. note::", "| a | b |", "|---|---|", "**Answer:**", ">", "1.", "-", "* "]),
    st.builds(lambda d, t: "  " * d + "- " + t, st.integers(0, 30), PLAIN),
    st.builds(lambda n, q, a: f"{n}. {q}? {a}", st.integers(0, 12000), PLAIN, PLAIN),
    st.builds(lambda t, n: (t + " ") * n, st.text(min_size=1, max_size=12), st.integers(50, 400)),
)
SEPARATOR = st.sampled_from(["\n", "\n", "\n", "\r\n", "\r"])


@st.composite
def markdownish(draw) -> str:
    lines = draw(st.lists(LINE, max_size=40))
    out = ""
    for line in lines:
        out += line + draw(SEPARATOR)
    return out


NOTE_TEXT = st.one_of(st.text(st.characters(exclude_categories=("Cs",))), markdownish())
SIZES = st.sampled_from([(200, 900), (50, 120), (300, 2000)])


@PROPERTY
@given(text=NOTE_TEXT, sizes=SIZES)
def test_chunks_cover_every_line_exactly(text: str, sizes: tuple[int, int]) -> None:
    note = Note(path="/notes/n.md", text=text, sha256="", size=len(text), mtime=0.0)
    chunks = split_note(note, *sizes)
    lines = split_lines(text)
    covered: set[int] = set()
    slices: dict[int, list[str]] = {}
    for c in chunks:
        assert 1 <= c.start_line <= c.end_line <= len(lines)
        assert c.text.strip()
        whole = "\n".join(lines[c.start_line - 1 : c.end_line])
        if c.text != whole:
            assert c.start_line == c.end_line and c.text in whole, (c.start_line, c.text[:80])
            slices.setdefault(c.start_line, []).append(c.text)
        covered.update(range(c.start_line, c.end_line + 1))
    for number, line in enumerate(lines, 1):
        if line.strip():
            assert number in covered, f"line {number} {line[:60]!r} is in no chunk"
    for number, pieces in slices.items():
        line, at = lines[number - 1], 0
        for piece in pieces:
            found = line.find(piece, at)
            assert found >= 0 and not line[at:found].strip(), f"line {number}: slices out of order or overlapping"
            at = found + len(piece)
        assert not line[at:].strip(), f"line {number}: the end of the line is in no slice"
    assert len({c.id for c in chunks}) == len(chunks)
    assert [c.start_line for c in chunks] == sorted(c.start_line for c in chunks)


@PROPERTY
@given(text=NOTE_TEXT)
def test_tokens_are_clean_and_never_cross_a_line(text: str) -> None:
    tokens = tokenize(text)
    assert all(t and not any(ch.isspace() for ch in t) for t in tokens)
    assert all(normalize(t) == t for t in tokens)
    assert set(tokens) <= set(tokenize(text, keep_stop_words=True))


@PROPERTY
@given(a=NOTE_TEXT, b=NOTE_TEXT)
def test_tokens_of_two_lines_are_the_tokens_of_each(a: str, b: str) -> None:
    assert tokenize(a + "\n" + b) == tokenize(a) + tokenize(b)
