"""The answer step behind `Studygraph.ask`: read a follow-up in the light of the
question before it, compose the extractive answers with their related concepts,
and decide whether an LLM rewrites them."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from studygraph.assistant.answering import compose_answer
from studygraph.assistant.coverage import unknown_specifics, wordpiece_counter
from studygraph.assistant.followup import resolve
from studygraph.assistant.graph_sync import with_related
from studygraph.assistant.index import SearchIndex
from studygraph.assistant.types import Answer, Hit
from studygraph.errors import ConfigError
from studygraph.graph.concept_graph import ConceptGraph
from studygraph.settings import Settings


def read_as(question: str, after: str | None, graph: Callable[[], ConceptGraph]) -> str:
    """The question as it will be answered after `after` (see assistant/followup.py);
    the graph is loaded only for a follow-up."""
    if not after or not question.strip():
        return question
    concepts = graph()
    return resolve(question, after, lambda text: [c.name for c in concepts.mentions(text)])


def extractive_answers(
    questions: Sequence[str], vectors: np.ndarray, hits_per_question: Sequence[list[Hit]], index: SearchIndex,
    graph: ConceptGraph, settings: Settings,
) -> list[Answer]:
    """One answer quoted from the hits of each question, with the concepts it names."""
    pieces = wordpiece_counter(settings.model)
    return [
        with_related(
            compose_answer(
                q, vectors[i], hits, index, settings.answer_max_chars,
                unknown_specifics(q, index.bm25.vocab, pieces),
            ),
            graph,
        )
        for i, (q, hits) in enumerate(zip(questions, hits_per_question))
    ]


def use_llm(settings: Settings, llm: bool | None) -> bool:
    """Whether an LLM writes the answer: `llm` if given, else whether one is configured.

    Raises:
        ConfigError: `llm` asks for one and none is configured.
    """
    if not llm and not settings.llm_url.strip():
        return False  # no LLM asked for or set (llm_configured's test): its client stays unimported
    from studygraph.assistant.llm.answer import llm_configured

    if llm and not llm_configured(settings):
        raise ConfigError("no LLM is configured; set STUDYGRAPH_LLM_URL (and STUDYGRAPH_LLM_MODEL) or drop --llm")
    return llm_configured(settings) if llm is None else llm
