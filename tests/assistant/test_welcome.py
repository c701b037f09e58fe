"""The chat's welcome (assistant/welcome.py): what the notes hold, and questions drawn
from the notes that the assistant answers from where the notes answer them."""

from __future__ import annotations

import json
import shutil
import threading
from pathlib import Path

import pytest

from studygraph.assistant import welcome
from studygraph.assistant.facade import Studygraph
from studygraph.assistant.types import Answer, Citation
from studygraph.ingest.note import Chunk
from studygraph.settings import load_settings


@pytest.fixture(scope="module")
def own(seeded_home: Path, tmp_path_factory: pytest.TempPathFactory) -> Studygraph:
    """The seeded index in a home of its own (the welcome writes its cache there)."""
    home = tmp_path_factory.mktemp("welcome") / "home"
    shutil.copytree(seeded_home, home, ignore=shutil.ignore_patterns("*.lock"))
    return Studygraph(load_settings(env={}, home=home))


def test_the_notes_own_questions_are_candidates_with_the_lines_that_answer_them() -> None:
    text = "## 3. What is a Perceiver Resampler?\nIt turns many image features into 64 tokens.\n\n" \
           "## Explain LLaVA. How does it encode images? What are image tokens?\nA projection.\n\n" \
           "## What is this domain argument about?\nThe domain of the unknown."
    chunk = Chunk("c1", "n.md", text, 1, 8, "")
    found = welcome.note_questions([chunk])
    assert [(c.question, c.start_line, c.end_line) for c in found] == [("What is a Perceiver Resampler?", 2, 2)]


def test_an_answer_quoting_elsewhere_is_not_a_good_suggestion() -> None:
    candidate = welcome.Candidate("What is LLM?", "c1", 10, 12, 5)
    elsewhere = Answer("What is LLM?", "LLaVA ... [1]", (Citation(1, "c2", "n.md", 40, 41, "LLaVA", "LLaVA"),))
    at_home = Answer("What is LLM?", "A model ... [1]", (Citation(1, "c1", "n.md", 11, 11, "LLM", "A model"),))
    assert not welcome.answers_at_home(candidate, elsewhere)
    assert welcome.answers_at_home(candidate, at_home)
    assert not welcome.answers_at_home(candidate, Answer("What is LLM?", "not found", found=False))


def test_the_overview_counts_the_notes_and_suggests_questions_they_answer(own: Studygraph) -> None:
    summary = welcome.overview(own)
    assert (summary.notes, summary.passages) == (5, len(own.index().chunks)) and summary.concepts > 50
    assert len(summary.main) >= 3
    assert 3 <= len(summary.questions) <= 4
    for question in summary.questions:
        answer = own.ask(question, llm=False)
        assert answer.found and answer.citations, question
    sources = {own.ask(q, llm=False).citations[0].source for q in summary.questions}
    assert len(sources) >= 2, "suggestions come from different notes first"


def test_the_overview_is_cached_per_generation(own: Studygraph) -> None:
    path = own.settings.home / "chat" / "welcome.json"
    welcome.overview(own)
    data = json.loads(path.read_text(encoding="utf-8"))
    data["overview"]["questions"] = ["Cached?"]
    path.write_text(json.dumps(data), encoding="utf-8")
    assert welcome.overview(own).questions == ("Cached?",)  # read back, not asked again
    data["overview"]["generation"] -= 1  # an older index's welcome
    path.write_text(json.dumps(data), encoding="utf-8")
    assert welcome.overview(own).questions != ("Cached?",)
    path.write_text("{not json", encoding="utf-8")
    assert welcome.overview(own).questions  # a broken cache is computed again


def test_the_welcome_waits_while_a_student_question_holds_a_turn(own: Studygraph, monkeypatch) -> None:
    (own.settings.home / "chat" / "welcome.json").unlink(missing_ok=True)
    worked_out: list[welcome.Overview] = []
    thread = threading.Thread(target=lambda: worked_out.append(welcome.overview(own, pause=own.turns.wait)), daemon=True)
    with own.turns.foreground():  # a page being drawn, a question being answered
        thread.start()
        thread.join(1.0)
        assert thread.is_alive() and not worked_out
    thread.join(60)
    assert worked_out and worked_out[0].questions


def test_a_student_question_holds_a_turn_and_the_welcome_asks_without_one(own: Studygraph, monkeypatch) -> None:
    from studygraph.assistant import asking

    held: list[int] = []
    real = asking.extractive_answers
    monkeypatch.setattr(asking, "extractive_answers", lambda *a, **kw: (held.append(own.turns.held()), real(*a, **kw))[1])
    assert own.ask("What is CLIP?", llm=False).found
    own.ask_batch(["What is CLIP?"], llm=False, background=True)
    assert held == [1, 0]
