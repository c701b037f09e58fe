"""Card extraction on each seed format, checked against the lines of the files."""

from __future__ import annotations

from pathlib import Path

import pytest
from study_helpers import chunks_of, read_note

from studygraph.assistant.study.cards import card_id, clean_markup
from studygraph.assistant.study.indexed import notes_from_chunks
from studygraph.assistant.study.questions import extract_cards
from studygraph.ingest.note import Note

SEEDS = Path(__file__).resolve().parents[3] / "seeds"
DAY37 = SEEDS / "000_ea24ba94182485b6.txt"  # ### N. Question + **Answer:** bullets
SET44 = SEEDS / "001_c0dbccdbb029a926.txt"  # ### N. Question + **Answer:** paragraphs
MODULE7 = SEEDS / "002_7e10b629c22f1859.txt"  # ### Question N: Title + **Question**: + **Key Points**:
GRILL = SEEDS / "003_2b72a920368736ff.txt"  # N. Question? Answer. lines under lettered titles
OVERVIEW = SEEDS / "004_bc70495b10dcb076.txt"  # "What is X?" sections, bold question lines


def cards_of(path: Path):
    return extract_cards(read_note(path))


def by_question(cards, question: str):
    matches = [c for c in cards if c.question == question]
    assert matches, f"no card {question!r} among {[c.question for c in cards]}"
    return matches[0]


def file_lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").split("\n")


@pytest.mark.parametrize(
    ("path", "total", "unanswered"),
    [(DAY37, 20, 0), (SET44, 10, 0), (MODULE7, 15, 13), (GRILL, 55, 0), (OVERVIEW, 7, 0)],
)
def test_counts_per_seed_format(path: Path, total: int, unanswered: int) -> None:
    cards = cards_of(path)
    assert len(cards) == total
    assert sum(1 for c in cards if not c.answer) == unanswered
    assert len({c.id for c in cards}) == total


@pytest.mark.parametrize("path", [DAY37, SET44, MODULE7, GRILL, OVERVIEW])
def test_every_answer_is_quoted_from_its_cited_lines(path: Path) -> None:
    lines = file_lines(path)
    for card in cards_of(path):
        assert lines[card.question_line - 1].strip(), card
        cited = clean_markup("\n".join(lines[card.start_line - 1 : card.end_line]))
        for unit in card.answer.splitlines():
            assert unit in cited, (card.question, unit, card.start_line, card.end_line)


def test_heading_question_with_answer_bullets() -> None:
    card = by_question(cards_of(DAY37), 'What is "Perceiver Resampler"?')
    assert (card.question_line, card.start_line, card.end_line) == (25, 27, 29)
    assert card.answer.splitlines()[0] == "Component in Flamingo."
    assert card.source == card.note == str(DAY37.resolve())
    assert card.kind == "qa" and not card.composed
    assert "Flamingo" in card.key_concepts
    assert file_lines(DAY37)[26] == "*   Component in Flamingo."


def test_explain_heading_is_a_question_when_an_answer_follows() -> None:
    card = by_question(cards_of(DAY37), 'Explain "Visual Instruction Tuning" (LLaVA).')
    assert (card.question_line, card.start_line, card.end_line) == (19, 21, 23)


def test_paragraph_answer_stops_at_the_rule_before_the_summary() -> None:
    card = by_question(cards_of(SET44), "What future directions are promising for multimodal AI?")
    assert (card.start_line, card.end_line) == (85, 89)
    assert "convergence of perception" not in card.answer
    assert card.answer.startswith("Unified multimodal models (text, vision, audio, video, 3D).")


def test_question_label_with_key_points_and_without_answer() -> None:
    cards = cards_of(MODULE7)
    llava = cards[0]
    assert llava.question.startswith("Explain how LLaVA combines vision and language.")
    assert (llava.question_line, llava.start_line, llava.end_line) == (17, 20, 24)
    assert llava.key_concepts[:3] == ("CLIP vision encoder", "Projection layer", "Image tokens as embeddings")
    compare = by_question(cards, "Compare vision encoders: CLIP, SigLIP, DINOv2. What are the trade-offs?")
    assert compare.answer == "" and (compare.start_line, compare.end_line) == (29, 29)
    serving = cards[8]
    assert serving.answer == "Image storage, vision encoder service, LLM service, caching, CDN"
    assert serving.start_line == 74


def test_numbered_one_line_pairs() -> None:
    cards = cards_of(GRILL)
    tfidf = cards[0]
    assert (tfidf.question, tfidf.answer) == ("TF-IDF formula?", "Term frequency times inverse document frequency.")
    assert (tfidf.start_line, tfidf.end_line, tfidf.question_line) == (4, 4, 4)
    quick = [c for c in cards if c.question_line == 58]
    assert len(quick) == 10
    assert by_question(quick, "SigLIP vs CLIP?").answer == "Sigmoid replaces softmax."
    # "CLIP loss?" is asked twice (26. and 48.): two cards, two ids.
    clip = [c for c in cards if c.question == "CLIP loss?"]
    assert [c.question_line for c in clip] == [34, 58]
    assert clip[0].id != clip[1].id


def test_what_is_sections_and_bold_question_lines() -> None:
    cards = cards_of(OVERVIEW)
    what = by_question(cards, "What Is Multimodal?")
    assert (what.question_line, what.start_line, what.end_line) == (3, 5, 5)
    why = by_question(cards, "Why does multimodal matter?")
    assert (why.question_line, why.start_line, why.end_line) == (18, 20, 20)
    dual = by_question(cards, "What's the difference between a dual encoder and a cross-encoder for multimodal tasks?")
    assert (dual.question_line, dual.start_line, dual.end_line) == (421, 422, 422)
    assert dual.answer.startswith("Dual encoder: each modality encoded independently")


def test_literal_note_with_mixed_shapes(tmp_path: Path) -> None:
    text = "\n".join([
        "# Retrieval",
        "",
        "## What is BM25?",
        "A sparse ranking function over term frequencies.",
        "",
        "```",
        "score = idf * tf",
        "```",
        "",
        "### Question 1: Fusion",
        "**Question**: How does RRF fuse rankings?",
        "",
        "1. HNSW? A graph index for ANN. 2. IVF-PQ? Clusters plus product quantization.",
    ])
    note = Note(str(tmp_path / "r.md"), text, "", len(text), 0.0)
    cards = extract_cards(note)
    assert [(c.question, c.answer, c.start_line, c.end_line) for c in cards] == [
        ("What is BM25?", "A sparse ranking function over term frequencies.", 4, 4),
        ("How does RRF fuse rankings?", "", 11, 11),
        ("HNSW?", "A graph index for ANN.", 13, 13),
        ("IVF-PQ?", "Clusters plus product quantization.", 13, 13),
    ]


def test_id_survives_renumbering_and_answer_edits_but_not_a_new_question(tmp_path: Path) -> None:
    path = str(tmp_path / "n.md")

    def ids(text: str) -> list[str]:
        return [c.id for c in extract_cards(Note(path, text, "", len(text), 0.0))]

    before = ids("### 4. What is \"Grounding\"?\n**Answer:**\n* Linking text to boxes.\n")
    after = ids("intro\n\n### 7. What is Grounding?\n**Answer:**\n* Linking words to image regions.\n")
    reworded = ids("### 4. What does grounding mean?\n**Answer:**\n* Linking text to boxes.\n")
    assert before == after == [card_id(path, "What is grounding?")]
    assert reworded != before


def test_notes_rebuilt_from_chunks_match_the_files(seeds_copy: Path) -> None:
    for note in notes_from_chunks(chunks_of(seeds_copy)):
        original = Path(note.path).read_text(encoding="utf-8").split("\n")
        rebuilt = note.lines
        assert len(rebuilt) <= len(original)
        for number, line in enumerate(original, 1):
            if line.strip():
                assert rebuilt[number - 1] == line, (note.path, number)
