"""Optional LLM answers over an OpenAI-compatible endpoint, with every sentence's
citations verified against the notes. The extractive answer stays the fallback."""

from studygraph.assistant.llm.answer import llm_answer, llm_configured, stream_llm_answer
from studygraph.assistant.llm.client import LLMError

__all__ = ["LLMError", "llm_answer", "llm_configured", "stream_llm_answer"]
