"""The facade: an LLM answer with verified citations, or the extractive fallback.

Nothing here raises for an endpoint problem: every error, timeout, empty or
malformed reply, or a reply with no supported sentence gives the extractive
answer back with a notice saying why.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from dataclasses import replace

from studygraph.assistant.llm.client import ChatClient, Endpoint, LLMError
from studygraph.assistant.llm.prompt import build_messages
from studygraph.assistant.llm.support import Embed
from studygraph.assistant.llm.verify import Verified, verify_reply
from studygraph.assistant.types import Answer, Hit
from studygraph.settings import Settings

logger = logging.getLogger(__name__)


def llm_configured(settings: Settings) -> bool:
    """Whether an LLM endpoint is set (STUDYGRAPH_LLM_URL)."""
    return bool(settings.llm_url.strip())


def fallback_answer(fallback: Answer, reason: str) -> Answer:
    """The extractive answer, with a notice saying why the LLM answer is not shown."""
    logger.warning("LLM answer not used: %s", reason)
    return replace(fallback, notice=f"LLM unavailable ({reason}); showing the extractive answer")


def _client(settings: Settings) -> ChatClient:
    return ChatClient(Endpoint.from_settings(settings))


def finish(question: str, hits: Sequence[Hit], reply: str, fallback: Answer, embed: Embed) -> Answer:
    """Verify a complete reply and build the answer, or fall back."""
    try:
        verified: Verified = verify_reply(reply, question, hits, embed)
    except Exception as exc:  # a broken embedder must not take the answer down
        logger.exception("verifying the LLM reply failed")
        return fallback_answer(fallback, f"verification failed: {type(exc).__name__}")
    if verified.problem:
        return fallback_answer(fallback, verified.problem)
    if not verified.supported:
        return fallback_answer(fallback, "no sentence of the reply is supported by the notes")
    unsupported = len(verified.sentences) - verified.supported
    total = len(verified.sentences)
    notice = f"{unsupported} of {total} sentences are not supported by the cited notes" if unsupported else ""
    return Answer(
        question=question,
        text=verified.text,
        citations=verified.citations,
        hits=tuple(hits),
        related=fallback.related,
        found=True,
        mode="llm",
        sentences=verified.sentences,
        notice=notice,
    )


def llm_answer(question: str, hits: Sequence[Hit], fallback: Answer, settings: Settings, embed: Embed) -> Answer:
    """Ask the configured model and return its verified answer, or `fallback`.

    Args:
        question: the user's question.
        hits: retrieved passages, shown to the model as [1]..[n].
        fallback: the extractive answer, returned (with a notice) on any failure.
        settings: STUDYGRAPH_LLM_URL / _MODEL / _API_KEY / _TIMEOUT.
        embed: texts -> L2-normalised vectors, used to check support.

    Returns:
        An answer with mode "llm" and per-sentence support, or the fallback.
    """
    if not hits:
        return fallback_answer(fallback, "no passages to cite")
    try:
        reply = _client(settings).complete(build_messages(question, hits))
    except LLMError as exc:
        return fallback_answer(fallback, exc.reason)
    except Exception as exc:
        logger.exception("LLM request failed")
        return fallback_answer(fallback, f"request failed: {type(exc).__name__}")
    return finish(question, hits, reply, fallback, embed)


def stream_llm_answer(
    question: str, hits: Sequence[Hit], fallback: Answer, settings: Settings, embed: Embed
) -> Iterator[str | Answer]:
    """Like `llm_answer`, streamed: text deltas as they arrive, then one Answer last.

    The deltas are the model's raw text (original [n] numbering); the final
    Answer replaces them with the verified, renumbered answer or the fallback.
    """
    if not hits:
        yield fallback_answer(fallback, "no passages to cite")
        return
    parts: list[str] = []
    try:
        for delta in _client(settings).stream(build_messages(question, hits)):
            parts.append(delta)
            yield delta
    except LLMError as exc:
        yield fallback_answer(fallback, exc.reason)
        return
    except Exception as exc:
        logger.exception("LLM stream failed")
        yield fallback_answer(fallback, f"request failed: {type(exc).__name__}")
        return
    yield finish(question, hits, "".join(parts), fallback, embed)
