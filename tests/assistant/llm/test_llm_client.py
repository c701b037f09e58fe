"""The chat-completions client: endpoint paths, key hygiene and hard deadlines."""

from __future__ import annotations

import time

import pytest

from studygraph.assistant.llm.client import ChatClient, Endpoint, LLMError, chat_path
from studygraph.settings import Settings

MESSAGES = [{"role": "user", "content": "hi"}]


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("", "/v1/chat/completions"),
        ("/", "/v1/chat/completions"),
        ("/v1", "/v1/chat/completions"),
        ("/v1/", "/v1/chat/completions"),
        ("/openai/v1", "/openai/v1/chat/completions"),
        ("/api", "/api/v1/chat/completions"),
        ("/v1/chat/completions", "/v1/chat/completions"),
        ("/chat/completions", "/chat/completions"),
    ],
)
def test_chat_path(path, expected):
    assert chat_path(path) == expected


def test_endpoint_from_settings_hides_the_key():
    endpoint = Endpoint.from_settings(Settings(llm_url="https://user:pw@gw.example:8443/v1?api-version=2", llm_model=" m ", llm_api_key="sk-xyz"))
    assert (endpoint.host, endpoint.port, endpoint.path, endpoint.model) == ("gw.example", 8443, "/v1/chat/completions?api-version=2", "m")
    assert "sk-xyz" not in repr(endpoint) and "pw" not in endpoint.url
    assert endpoint.headers(stream=True)["Authorization"] == "Bearer sk-xyz"
    assert "Authorization" not in Endpoint.from_settings(Settings(llm_url="http://h")).headers(stream=False)


@pytest.mark.parametrize("url", ["localhost:11434", "ftp://h/v1", "http://", "http://h:notaport"])
def test_bad_urls_are_rejected(url):
    with pytest.raises(LLMError, match="STUDYGRAPH_LLM_URL"):
        Endpoint.from_settings(Settings(llm_url=url))


def test_non_streamed_and_streamed_replies(fake_llm):
    client = ChatClient(Endpoint.from_settings(Settings(llm_url=fake_llm.url + "/v1", llm_timeout=5)))
    fake_llm.reply("Hello [1].", pieces=3)
    assert client.complete(MESSAGES) == "Hello [1]."
    assert list(client.stream(MESSAGES)) == ["Hell", "o [1", "]."]
    assert [r["json"]["model"] for r in fake_llm.requests] == ["default", "default"]


@pytest.mark.timeout(10)  # without the watchdog this would hang, not fail
def test_a_server_that_trickles_bytes_is_cut_at_the_deadline(fake_llm):
    client = ChatClient(Endpoint.from_settings(Settings(llm_url=fake_llm.url, llm_timeout=0.6)))
    fake_llm.reply(trickle=True)
    started = time.monotonic()
    with pytest.raises(LLMError, match=r"timed out after 0\.6s"):
        client.complete(MESSAGES)
    assert time.monotonic() - started < 1.5


def test_error_body_never_leaks_the_key_into_the_error(fake_llm, caplog):
    client = ChatClient(Endpoint.from_settings(Settings(llm_url=fake_llm.url, llm_api_key="sk-leak", llm_timeout=5)))
    fake_llm.reply(status=401, body=b'{"error": {"message": "bad key sk-leak"}}')
    with pytest.raises(LLMError) as caught:
        client.complete(MESSAGES)
    assert str(caught.value) == "HTTP 401"
    assert "bad key ***" in caplog.text and "sk-leak" not in caplog.text


def test_a_json_body_to_a_stream_request_is_accepted(fake_llm):
    fake_llm.reply(body=b'{"choices": [{"message": {"content": "Whole reply."}}]}')
    client = ChatClient(Endpoint.from_settings(Settings(llm_url=fake_llm.url, llm_timeout=5)))
    assert list(client.stream(MESSAGES)) == ["Whole reply."]
