"""What the chat's welcome says: what the notes hold, and questions they answer well.

Candidates come from the notes themselves, never a word list: the questions the
notes ask and answer (a "?" heading, a "Q? A." line, a `**Question**:` prompt),
then "What is X?" for concepts the notes define. Each is asked through the
assistant, as the student would ask it, and kept only when

- the answer passes the relevance gate with a strong score (STRONG), and
- its first citation quotes where the notes answer it: the lines under the
  question, or the concept's definition.

The second test is what rejects "What is LLM?" quoting LLaVA and Flamingo. The
result is cached in `<home>/chat/welcome.json` per index generation, so the
welcome costs one batch of asks once per ingest and a file read afterwards.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from studygraph.assistant.answering import MIN_RELEVANCE
from studygraph.assistant.followup import DEMONSTRATIVE, PRONOUN
from studygraph.assistant.quoting import clean, score_spans
from studygraph.assistant.types import Answer, Chunk
from studygraph.atomic import write_json
from studygraph.ingest.spans import indexed_spans

if TYPE_CHECKING:
    from studygraph.assistant.facade import Studygraph

logger = logging.getLogger(__name__)

VERSION = 2  # bumped when the choice of questions changes, so older caches are recomputed
# benchmarks/welcome_questions.py: of the answered candidates, 72 of 74 on the seeds and 47 of 47 on SymPy's
# docs score >= 0.6 (the two below quote elsewhere); quoting where the notes answer is the stricter test
# (61 of 74, 32 of 47), so this gate only drops answers that barely pass MIN_RELEVANCE.
STRONG = 0.6
ASKED = 16  # candidates asked per generation, ~0.3 s on the seeds
PAUSE_EVERY = 64  # chunks read between two chances for a student's question to go first (~10 ms on 12 MB)
ASK_GROUP = 4  # candidates asked at once between two such chances (~0.15 s)
NUMBERING = re.compile(r"^\s*(?:q(?:uestion)?\s*)?\d{0,4}[.):]?\s*", re.IGNORECASE)


Pause = Callable[[], object]  # called between steps; the app's waits while a student's question holds a turn


def _go_on() -> None:
    return None


@dataclass(frozen=True)
class Candidate:
    question: str
    chunk_id: str
    start_line: int  # the lines that answer it (the question's answers, or the definition)
    end_line: int
    weight: int  # how central its concepts are (graph degree)


@dataclass(frozen=True)
class Overview:
    generation: int
    notes: int
    passages: int
    concepts: int
    main: tuple[str, ...]  # the best-connected concepts
    questions: tuple[str, ...]


def tidy(question: str) -> str:
    """A question as a student would type it: no list numbering or markup."""
    text = NUMBERING.sub("", clean(question)).strip().strip('"').strip()
    return text[:1].upper() + text[1:]


def note_questions(chunks: list[Chunk], pause: Pause = _go_on) -> list[Candidate]:
    """The questions the notes ask and answer, with the lines of their answers."""
    out = []
    for n, chunk in enumerate(chunks):
        if n % PAUSE_EVERY == 0:
            pause()
        if "?" not in chunk.text and "?" not in chunk.heading:
            continue  # no question to find: splitting every chunk took 2.1 s of the 12 MB docs' welcome, 633 of 10,814 hold one
        answers: dict[str, list[int]] = {}
        for span in indexed_spans(chunk):
            if span.kind in ("answer", "item", "sentence") and span.question.endswith("?"):
                answers.setdefault(span.question, []).extend((span.start_line, span.end_line))
        for question, lines in answers.items():
            text = tidy(question)
            # One question a student would type: not a list of them ("Explain X. How does Y? What Z?"),
            # and one that stands alone ("What is this domain argument about?" leans on its section).
            alone = not (PRONOUN.search(text) or DEMONSTRATIVE.search(text))
            if 12 <= len(text) <= 110 and text.endswith("?") and text.count("?") == 1 and ". " not in text and alone:
                out.append(Candidate(text, chunk.id, min(lines), max(lines), 0))
    return out


def defined_concepts(sg: Studygraph) -> list[Candidate]:
    graph = sg.graph()
    return [Candidate(f"What is {c.name}?", c.definition.chunk_id, c.definition.start_line, c.definition.end_line, 0)
            for c in graph.concepts.values() if c.definition is not None]


def rank(sg: Studygraph, candidates: list[Candidate], limit: int) -> list[Candidate]:
    """The `limit` candidates about the most central concepts, taking notes in turn."""
    graph = sg.graph()
    degree = {c.id: len(graph.neighbours(c.id)) for c in graph.concepts.values()}
    weighted = [Candidate(c.question, c.chunk_id, c.start_line, c.end_line,
                          max((degree.get(m.id, 0) for m in graph.mentions(c.question)), default=0))
                for c in {c.question.lower(): c for c in reversed(candidates)}.values()]
    source = {chunk.id: chunk.source for chunk in sg.index().chunks}
    by_note: dict[str, list[Candidate]] = {}
    for c in sorted(weighted, key=lambda c: -c.weight):
        if c.weight:
            by_note.setdefault(source.get(c.chunk_id, ""), []).append(c)
    out: list[Candidate] = []
    while len(out) < limit and any(by_note.values()):
        for queue in by_note.values():
            if queue and len(out) < limit:
                out.append(queue.pop(0))
    return out


def strength(sg: Studygraph, candidates: list[Candidate], answers: list[Answer]) -> list[float]:
    """The relevance of each answer's best span (the gate compose_answer applies)."""
    index = sg.index()
    questions = [c.question for c in candidates]
    vectors = sg.query_vectors(questions, sg.expand(questions))
    out = []
    for i, answer in enumerate(answers):
        scored = score_spans(answer.question, vectors[i], answer.hits, index) if answer.found else []
        out.append(scored[0].relevance if scored and scored[0].relevance >= MIN_RELEVANCE else 0.0)
    return out


def answers_at_home(candidate: Candidate, answer: Answer) -> bool:
    """The answer's first citation quotes where the notes answer the question."""
    if not answer.found or not answer.citations:
        return False
    first = answer.citations[0]
    return first.chunk_id == candidate.chunk_id and first.start_line <= candidate.end_line and (
        first.end_line >= candidate.start_line)


def suggest(sg: Studygraph, limit: int = 4, pause: Pause = _go_on) -> list[str]:
    """Up to `limit` questions the notes answer well, from different notes first; `pause()`
    between steps (see `overview`)."""
    chunks = list(sg.index().chunks)
    picked = rank(sg, note_questions(chunks, pause), ASKED)
    pause()
    picked += rank(sg, defined_concepts(sg), max(ASKED - len(picked), limit))
    if not picked:
        return []
    answers: list[Answer] = []
    scores: list[float] = []
    for at in range(0, len(picked), ASK_GROUP):
        pause()
        group = picked[at : at + ASK_GROUP]
        asked = sg.ask_batch([c.question for c in group], llm=False, background=True)
        answers += asked
        scores += strength(sg, group, asked)
    good = [(c, a.citations[0].source) for c, a, s in zip(picked, answers, scores) if s >= STRONG and answers_at_home(c, a)]
    logger.info("welcome: %d of %d candidate questions answered well", len(good), len(picked))
    first_of_note = [c for i, (c, source) in enumerate(good) if source not in {src for _, src in good[:i]}]
    return [c.question for c in [*first_of_note, *(c for c, _ in good if c not in first_of_note)][:limit]]


def _cache_path(sg: Studygraph) -> Path:
    return sg.settings.data_dir / "chat" / "welcome.json"


def cached_overview(sg: Studygraph) -> Overview | None:
    """The overview kept for the committed index generation, or None. Reads the manifest and
    the cache file only: a page can show a kept welcome before the index has loaded."""
    generation = sg.manifest().generation
    try:
        cached = json.loads(_cache_path(sg).read_text(encoding="utf-8"))
        if cached.get("version") == VERSION and cached["overview"]["generation"] == generation:
            data = cached["overview"]
            return Overview(**{**data, "main": tuple(data["main"]), "questions": tuple(data["questions"])})
    except (OSError, ValueError, KeyError, TypeError):
        pass  # no cache yet, or one from another version: compute it again
    return None


def overview(sg: Studygraph, limit: int = 4, pause: Pause = _go_on) -> Overview:
    """The welcome's summary and suggested questions, cached per index generation.

    `pause()` is called before each step: the app passes one that waits while a student's page
    or question holds a turn (assistant/turns.py), so working this out on a thread never slows them.
    """
    kept = cached_overview(sg)
    if kept is not None:
        return kept
    pause()
    index = sg.index()
    graph = sg.graph()
    pause()
    result = Overview(
        generation=index.snapshot.generation,
        notes=len({c.source for c in index.chunks}),
        passages=len(index.chunks),
        concepts=len(graph),
        main=tuple(h["name"] for h in graph.summary(hubs=6)["hubs"]),
        questions=tuple(suggest(sg, limit, pause)),
    )
    write_json(_cache_path(sg), {"version": VERSION, "overview": asdict(result)})
    return result
