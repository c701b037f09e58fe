"""A small OpenAI-compatible chat-completions client on the standard library.

No SDK and no new dependency: one POST to `{url}/v1/chat/completions`, JSON in,
JSON or server-sent events out. Every exchange is bounded three ways: the
connect timeout, a per-read socket timeout, and a watchdog that shuts the socket
at the overall deadline, so a server that trickles bytes cannot hold us past it.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import logging
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from studygraph.assistant.llm.wire import LLMError, error_detail, events, message_content, read_json
from studygraph.settings import Settings

logger = logging.getLogger(__name__)

CONNECT_TIMEOUT = 5.0


def chat_path(path: str) -> str:
    """The chat-completions path for a configured base URL path.

    `""` and `/` give `/v1/chat/completions` (Ollama, llama.cpp server); a path
    ending in a version such as `/v1` gets `/chat/completions` appended (LM Studio,
    vLLM, hosted gateways); a full `.../chat/completions` path is kept.
    """
    path = path.rstrip("/")
    if path.endswith("/chat/completions"):
        return path
    last = path.rsplit("/", 1)[-1]
    if len(last) > 1 and last[0] == "v" and last[1:].isdigit():
        return f"{path}/chat/completions"
    return f"{path}/v1/chat/completions"


@dataclass(frozen=True)
class Endpoint:
    """Where and how to reach the model. The API key never appears in repr."""

    scheme: str
    host: str
    port: int
    path: str
    model: str
    timeout: float
    api_key: str = field(default="", repr=False)

    @classmethod
    def from_settings(cls, settings: Settings) -> Endpoint:
        """Read the STUDYGRAPH_LLM_* settings.

        Raises:
            LLMError: the URL is not an http(s) URL or the timeout is not positive.
        """
        raw = settings.llm_url.strip()
        parts = urlsplit(raw)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise LLMError("STUDYGRAPH_LLM_URL must be an http:// or https:// URL")
        if settings.llm_timeout <= 0:
            raise LLMError(f"STUDYGRAPH_LLM_TIMEOUT must be > 0, got {settings.llm_timeout}")
        try:
            port = parts.port or (443 if parts.scheme == "https" else 80)
        except ValueError as exc:
            raise LLMError("STUDYGRAPH_LLM_URL has an invalid port") from exc
        path = chat_path(parts.path) + (f"?{parts.query}" if parts.query else "")
        return cls(
            parts.scheme, parts.hostname, port, path, settings.llm_model.strip(), settings.llm_timeout, settings.llm_api_key
        )

    @property
    def url(self) -> str:
        """The request URL without credentials, safe to log."""
        return f"{self.scheme}://{self.host}:{self.port}{self.path}"

    def headers(self, stream: bool) -> dict[str, str]:
        headers = {
            "Content-Type": "application/json",
            "Accept": "text/event-stream" if stream else "application/json",
            "User-Agent": "studygraph",
        }
        if self.api_key:
            headers["Authorization"] = f"Bearer {self.api_key}"
        return headers


class _Exchange:
    """One HTTP request/response under a hard deadline."""

    def __init__(self, endpoint: Endpoint) -> None:
        self.endpoint = endpoint
        self.expired = False
        cls = http.client.HTTPSConnection if endpoint.scheme == "https" else http.client.HTTPConnection
        self.conn = cls(endpoint.host, endpoint.port, timeout=min(CONNECT_TIMEOUT, endpoint.timeout))
        self._timer = threading.Timer(endpoint.timeout, self._expire)
        self._timer.daemon = True

    def _expire(self) -> None:
        self.expired = True
        sock = self.conn.sock
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    def send(self, body: bytes, stream: bool) -> http.client.HTTPResponse:
        self._timer.start()
        try:
            self.conn.connect()
            self.conn.sock.settimeout(self.endpoint.timeout)
            self.conn.request("POST", self.endpoint.path, body=body, headers=self.endpoint.headers(stream))
            return self.conn.getresponse()
        except Exception as exc:
            raise self.failure(exc) from exc

    def check(self) -> None:
        """A body cut short by the watchdog may still parse; report it as the timeout it is."""
        if self.expired:
            raise LLMError(f"timed out after {self.endpoint.timeout:g}s")

    def failure(self, exc: BaseException) -> LLMError:
        """Translate an error into a short, key-free reason; the deadline explains most."""
        if self.expired or isinstance(exc, (TimeoutError, socket.timeout)):
            return LLMError(f"timed out after {self.endpoint.timeout:g}s")
        if isinstance(exc, ConnectionRefusedError):
            return LLMError("connection refused")
        if isinstance(exc, LLMError):
            return exc
        if isinstance(exc, (OSError, http.client.HTTPException)):
            return LLMError(f"connection failed ({type(exc).__name__})")
        return LLMError(f"request failed ({type(exc).__name__})")

    def close(self) -> None:
        self._timer.cancel()
        self.conn.close()


class ChatClient:
    """Chat completions against one endpoint. Cheap to construct; no I/O until called."""

    def __init__(self, endpoint: Endpoint, max_tokens: int = 512, temperature: float = 0.1) -> None:
        self.endpoint = endpoint
        self.max_tokens = max_tokens
        self.temperature = temperature

    def _body(self, messages: list[dict[str, str]], stream: bool) -> bytes:
        payload = {
            "model": self.endpoint.model or "default",
            "messages": messages,
            "stream": stream,
            "temperature": self.temperature,
            "max_tokens": self.max_tokens,
        }
        return json.dumps(payload).encode("utf-8")

    def _open(self, exchange: _Exchange, messages: list[dict[str, str]], stream: bool) -> http.client.HTTPResponse:
        logger.info("LLM request to %s (model %s, stream=%s)", self.endpoint.url, self.endpoint.model or "-", stream)
        resp = exchange.send(self._body(messages, stream), stream)
        if resp.status != 200:
            detail = error_detail(resp, self.endpoint.api_key)
            logger.warning("LLM endpoint %s answered HTTP %s: %s", self.endpoint.url, resp.status, detail)
            raise LLMError(f"HTTP {resp.status}")
        return resp

    def complete(self, messages: list[dict[str, str]]) -> str:
        """The whole reply text of a non-streamed completion.

        Raises:
            LLMError: transport failure, timeout, HTTP error or a malformed reply.
        """
        exchange = _Exchange(self.endpoint)
        try:
            resp = self._open(exchange, messages, stream=False)
            payload = read_json(resp)
            exchange.check()
            return message_content(payload)
        except LLMError as exc:
            raise exchange.failure(exc) from None
        except Exception as exc:
            raise exchange.failure(exc) from exc
        finally:
            exchange.close()

    def stream(self, messages: list[dict[str, str]]) -> Iterator[str]:
        """Text deltas of a streamed completion, as they arrive.

        A server that ignores `stream: true` and answers with one JSON body is
        accepted too. Closing the iterator early closes the connection.

        Raises:
            LLMError: transport failure, timeout, HTTP error or a malformed event.
        """
        exchange = _Exchange(self.endpoint)
        try:
            resp = self._open(exchange, messages, stream=True)
            if "text/event-stream" not in (resp.getheader("Content-Type") or ""):
                payload = read_json(resp)
                exchange.check()
                yield message_content(payload)
                return
            yield from events(resp)
            exchange.check()
        except LLMError as exc:
            raise exchange.failure(exc) from None
        except Exception as exc:
            raise exchange.failure(exc) from exc
        finally:
            exchange.close()
