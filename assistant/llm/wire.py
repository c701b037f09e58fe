"""The chat-completions wire format: reply bodies, server-sent events, error bodies."""

from __future__ import annotations

import http.client
import json
import logging
from collections.abc import Iterator

from studygraph.errors import StudygraphError

logger = logging.getLogger(__name__)

MAX_BODY_BYTES = 2_000_000
MAX_REPLY_CHARS = 16_000  # a concise cited answer is far shorter; stop a runaway model


class LLMError(StudygraphError):
    """The LLM endpoint failed. `reason` is short enough for a one-line notice."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def error_detail(resp: http.client.HTTPResponse, api_key: str) -> str:
    """A short message from an error body, with the key scrubbed, for the log only."""
    try:
        raw = resp.read(2000).decode("utf-8", "replace")
        detail = json.loads(raw).get("error", raw) if raw.lstrip().startswith("{") else raw
        detail = detail.get("message", detail) if isinstance(detail, dict) else detail
    except (OSError, ValueError, AttributeError, http.client.HTTPException):
        detail = ""
    detail = " ".join(str(detail).split())[:200]
    return detail.replace(api_key, "***") if api_key else detail


def message_content(payload: object) -> str:
    """`choices[0].message.content` of a non-streamed reply (or `delta` of a chunk)."""
    if not isinstance(payload, dict):
        raise LLMError("malformed reply")
    if "error" in payload:
        raise LLMError("the server reported an error")
    choices = payload.get("choices")
    if not isinstance(choices, list) or not choices or not isinstance(choices[0], dict):
        raise LLMError("malformed reply")
    part = choices[0].get("message") or choices[0].get("delta") or {}
    content = part.get("content") if isinstance(part, dict) else None
    if content is None:
        return ""
    if not isinstance(content, str):
        raise LLMError("malformed reply")
    return content


def read_json(resp: http.client.HTTPResponse) -> object:
    """The decoded JSON body of a response (bounded in size)."""
    raw = resp.read(MAX_BODY_BYTES + 1)
    if len(raw) > MAX_BODY_BYTES:
        raise LLMError("reply too large")
    try:
        return json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise LLMError("malformed reply") from exc


def events(resp: http.client.HTTPResponse) -> Iterator[str]:
    """Content deltas from `data:` lines until `[DONE]` (or the end of the body)."""
    total = 0
    done = False
    while not done:
        line = resp.readline(MAX_BODY_BYTES)
        if not line:
            break
        text = line.decode("utf-8", "replace").strip()
        if not text.startswith("data:"):
            continue  # blank separators, `event:` and `:` keep-alive comments
        data = text[5:].strip()
        if data == "[DONE]":
            done = True
            break
        try:
            delta = message_content(json.loads(data))
        except ValueError as exc:
            raise LLMError("malformed reply") from exc
        if delta:
            total += len(delta)
            yield delta
        if total > MAX_REPLY_CHARS:
            logger.warning("LLM reply passed %d characters; stopped reading", MAX_REPLY_CHARS)
            return
    if not done:
        logger.info("LLM stream ended without [DONE]")
