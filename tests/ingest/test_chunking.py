"""Chunking keeps structure and exact line spans."""

from __future__ import annotations

from pathlib import Path

import pytest

from studygraph.ingest.chunking import MAX_CHARS, split_note
from studygraph.ingest.note import Note, split_lines

SEEDS = sorted((Path(__file__).resolve().parents[2] / "seeds").glob("*.txt"))


def note_of(text: str, path: str = "/notes/n.md") -> Note:
    return Note(path=path, text=text, sha256="", size=len(text), mtime=0.0)


def check_exact(note: Note) -> None:
    lines = split_lines(note.text)
    chunks = split_note(note)
    covered = set()
    for c in chunks:
        joined = "\n".join(lines[c.start_line - 1 : c.end_line])
        if c.start_line == c.end_line and c.text != joined:
            assert c.text in joined, "a piece of a long line must be an exact slice of it"
        else:
            assert c.text == joined
        covered.update(range(c.start_line, c.end_line + 1))
    for number, line in enumerate(lines, 1):
        if line.strip():
            assert number in covered, f"line {number} {line!r} is in no chunk"


@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.name)
def test_seed_lines_are_covered_exactly_and_sizes_stay_in_range(path: Path) -> None:
    note = note_of(path.read_text(encoding="utf-8"), str(path))
    check_exact(note)
    sizes = [len(c.text) for c in split_note(note)]
    assert max(sizes) <= MAX_CHARS
    assert sorted(sizes)[len(sizes) // 2] >= 150


def test_question_heading_stays_with_its_answer_and_heading_path_is_kept() -> None:
    path = next(p for p in SEEDS if p.name.startswith("000"))
    chunks = split_note(note_of(path.read_text(encoding="utf-8"), str(path)))
    chunk = next(c for c in chunks if "Reduces computational cost for the LLM" in c.text)
    assert chunk.text.startswith('### 4. What is "Perceiver Resampler"?')
    assert chunk.heading.startswith("Day 37: Multimodal Models")
    assert chunk.heading.endswith('4. What is "Perceiver Resampler"?')
    assert (chunk.start_line, chunk.end_line) == (25, 29)


def test_numbered_question_lines_are_never_split_and_lettered_titles_are_headings() -> None:
    path = next(p for p in SEEDS if p.name.startswith("003"))
    text = path.read_text(encoding="utf-8")
    chunks = split_note(note_of(text, str(path)))
    elmo = next(c for c in chunks if "11. ELMo architecture?" in c.text)
    assert "Bidirectional LSTM language model. Token rep = weighted sum" in elmo.text
    assert elmo.heading == "C. Contextual embeddings"
    for c in chunks:
        assert not c.text.startswith(("LSTM", "Token rep")), "a chunk may not start mid-item"


def test_lists_tables_and_code_blocks_are_not_split() -> None:
    items = "\n".join(f"- item {i} " + "word " * 25 for i in range(12))
    rows = "\n".join(f"| row {i} | " + "cell " * 20 + "|" for i in range(10))
    code = "```python\n" + "\n".join(f"x{i} = {i}  # " + "c" * 40 for i in range(15)) + "\n```"
    text = f"# Title\n\n{items}\n\n## Table\n\n| a | b |\n|---|---|\n{rows}\n\n## Code\n\n{code}\n"
    note = note_of(text)
    check_exact(note)
    lines = split_lines(text)
    for c in split_note(note):
        first = lines[c.start_line - 1]
        assert not first.startswith(" "), "a chunk starts at the beginning of a block line"
        if "x0 = 0" in c.text or "x7 = 7" in c.text:
            assert c.text.count("\n") >= 1
    fences = [c for c in split_note(note) if "```" in c.text]
    assert fences, "the code block is kept in chunks"


def test_restructuredtext_titles_become_the_heading_path() -> None:
    text = "=====\nGuide\n=====\n\nIntro line.\n\nInstall\n-------\n\nRun the installer.\n\n::\n\n    make install\n"
    chunks = split_note(note_of(text, "/n/guide.rst"))
    check_exact(note_of(text))
    assert any(c.heading == "Guide > Install" and "Run the installer." in c.text for c in chunks)


def test_a_literal_block_after_a_multi_line_paragraph_is_code_not_headings() -> None:
    """Found in the Python docs: `# comment` lines of a `::` block became headings
    when the "::" ended the paragraph's last line rather than its first."""
    text = (
        "Decimal\n=======\n\n"
        "The new function makes it easy to save and restore the context,\n"
        "which encapsulates the precision for computations::\n\n"
        "   from decimal import Decimal\n\n"
        "   # Displays with default precision of 28 digits\n"
        "   v = Decimal('578')\n"
        "   #        |____ range on x axis\n\n"
        "After the block.\n"
    )
    from studygraph.ingest.blocks import parse

    headings, atoms = parse(split_lines(text))
    assert [h.title for h in headings] == ["Decimal"]
    assert any(a.kind == "code" and a.start == 3 and a.end == 10 for a in atoms)
    chunks = split_note(note_of(text, "/n/decimal.rst"))
    check_exact(note_of(text, "/n/decimal.rst"))
    assert all(c.heading == "Decimal" for c in chunks)


def test_ids_are_content_hashes_so_unchanged_passages_keep_their_ids() -> None:
    path = next(p for p in SEEDS if p.name.startswith("000"))
    text = path.read_text(encoding="utf-8")
    before = split_note(note_of(text, str(path)))
    assert [c.id for c in before] == [c.id for c in split_note(note_of(text, str(path)))]
    edited = text.replace("Robust to accents and noise.", "Robust to accents and background noise.")
    after = split_note(note_of(edited, str(path)))
    changed = {c.id for c in after} - {c.id for c in before}
    assert len(changed) == 1, "only the edited question's chunk changes id"


def test_a_single_huge_line_is_cut_into_exact_slices_at_sentence_ends() -> None:
    line = " ".join(f"Sentence number {i} explains one idea." for i in range(400))
    note = note_of(f"# Big\n\n{line}\n")
    chunks = [c for c in split_note(note) if c.start_line == c.end_line == 3]
    assert len(chunks) > 5
    assert "".join(c.text for c in chunks) == line
    assert all(c.text.rstrip().endswith(".") for c in chunks[:-1])


def test_a_heading_never_stands_alone_and_rst_labels_join_their_section() -> None:
    para = " ".join(["Namespaces map names to objects and live for different lengths of time."] * 12)
    text = f".. _tut-names:\n\nNames\n=====\n\n{para}\n\nScopes\n------\n\n{para}\n"
    chunks = split_note(note_of(text, "/n/names.rst"))
    check_exact(note_of(text))
    assert chunks[0].text.startswith(".. _tut-names:\n\nNames\n=====\n\nNamespaces map")
    assert all(len(c.text) >= 40 for c in chunks), [c.text for c in chunks]
    assert any(c.text.startswith("Scopes\n------\n\nNamespaces") for c in chunks)


def test_a_chunks_kind_does_not_depend_on_the_hash_seed() -> None:
    """Ties between kinds are broken the same way in every process (the seeds have some)."""
    import os
    import subprocess
    import sys

    seeds = Path(__file__).resolve().parents[2] / "seeds"
    code = (
        "import sys; from pathlib import Path; from studygraph.ingest.chunking import split_note; "
        "from studygraph.ingest.note import Note\n"
        "for p in sorted(Path(sys.argv[1]).iterdir()):\n"
        "    t = p.read_text(encoding='utf-8'); print([c.kind for c in split_note(Note(str(p), t, '', len(t), 0.0))])"
    )
    kinds = {
        subprocess.run([sys.executable, "-c", code, str(seeds)], env={**os.environ, "PYTHONHASHSEED": str(seed)},
                       capture_output=True, text=True, check=True).stdout
        for seed in range(4)
    }
    assert len(kinds) == 1
