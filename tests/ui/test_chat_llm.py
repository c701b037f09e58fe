"""The chat page with a local LLM configured: a real chat-completions server on
loopback streams a reply; the page shows the verified answer, flags an
unsupported sentence, and falls back to the extractive answer when the LLM fails."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from ui_helpers import ANSWER_TEXT, QUESTION, ok, texts, unescape

pytestmark = pytest.mark.slow

PASSAGE = re.compile(r'<passage n="(\d+)"[^>]*>\n(.*?)\n</passage>', re.S)
INVENTED = "Quokkas invented the masking ratio in 1887"


class Reply:
    """What the fake server says: a faithful sentence citing the passage that holds ANSWER_TEXT."""

    status = 200
    invent = False


def _handler(reply: type[Reply]) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args) -> None:
            pass

        def do_POST(self) -> None:
            request = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))))
            if reply.status != 200:
                body = b'{"error": {"message": "model not loaded"}}'
                self.send_response(reply.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                return
            passages = PASSAGE.findall(request["messages"][-1]["content"])
            n = next(n for n, text in passages if ANSWER_TEXT in text)
            content = f"BERT's MLM masking ratio: 15% of tokens masked [{n}]."
            if reply.invent:
                content += f" {INVENTED} [{n}]."
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Connection", "close")
            self.end_headers()
            for piece in (content[: len(content) // 2], content[len(content) // 2 :]):
                event = {"choices": [{"index": 0, "delta": {"content": piece}}]}
                self.wfile.write(f"data: {json.dumps(event)}\n\n".encode())
                self.wfile.flush()
            self.wfile.write(b"data: [DONE]\n\n")

    return Handler


@pytest.fixture
def llm(monkeypatch: pytest.MonkeyPatch) -> Iterator[type[Reply]]:
    class Scripted(Reply):
        pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(Scripted))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    monkeypatch.setenv("STUDYGRAPH_LLM_URL", f"http://127.0.0.1:{server.server_address[1]}")
    monkeypatch.setenv("STUDYGRAPH_LLM_MODEL", "test-model")
    yield Scripted
    server.shutdown()
    server.server_close()


def ask(at, question: str):
    at.chat_input[0].set_value(question)
    return ok(at.run())


def test_llm_answer_is_verified_and_cited(shared_home, llm, app):
    assert app.sidebar.toggle[0].value is True
    ask(app, QUESTION)
    reply = app.chat_message[-1]
    assert unescape(reply.markdown[0].value) == "BERT's MLM masking ratio: 15% of tokens masked [**[1]**](#cite-1-1)."
    assert any("checked against the passage it cites" in c.value for c in reply.caption)
    assert ANSWER_TEXT in unescape(reply.expander[0].markdown[0].value)
    assert not app.warning


def test_unsupported_sentence_is_flagged(shared_home, llm, app):
    llm.invent = True
    ask(app, QUESTION)
    assert any(INVENTED in unescape(w) for w in texts(app.warning))


def test_llm_failure_falls_back_to_the_extractive_answer(shared_home, llm, app):
    llm.status = 503
    ask(app, QUESTION)
    reply = app.chat_message[-1]
    assert any("LLM unavailable" in unescape(c.value) for c in reply.caption)
    assert ANSWER_TEXT in unescape(reply.markdown[0].value) and reply.expander


def test_the_toggle_forces_extractive_answers(shared_home, llm, app):
    app.sidebar.toggle[0].set_value(False)
    ask(app, QUESTION)
    assert not any("local LLM" in c.value for c in app.chat_message[-1].caption)
    assert ANSWER_TEXT in unescape(app.chat_message[-1].markdown[0].value)
