"""Studygraph: an offline study assistant with line-exact cited answers and a
concept graph over your notes.

    from studygraph import Studygraph
    sg = Studygraph()                 # settings from STUDYGRAPH_* and <home>/config.toml
    sg.ingest()                       # seeds/ and the notes folder
    answer = sg.ask("How does CLIP do zero-shot classification?")

The layers import one way: `studygraph.ingest -> studygraph.graph ->
studygraph.assistant -> studygraph.cli / studygraph.ui`; `studygraph.settings`
and `studygraph.errors` sit below all of them. The names below load on first
use, so `import studygraph` stays cheap (no model, no Chroma, no torch).
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from studygraph.assistant.facade import Status, Studygraph
    from studygraph.assistant.types import Answer, Citation, Hit, Related
    from studygraph.errors import StudygraphError
    from studygraph.ingest.note import Chunk, Note
    from studygraph.settings import Settings, load_settings

__version__ = "0.2.0"

_EXPORTS = {
    "Studygraph": "studygraph.assistant.facade",
    "Status": "studygraph.assistant.facade",
    "Answer": "studygraph.assistant.types",
    "Citation": "studygraph.assistant.types",
    "Hit": "studygraph.assistant.types",
    "Related": "studygraph.assistant.types",
    "Chunk": "studygraph.ingest.note",
    "Note": "studygraph.ingest.note",
    "Settings": "studygraph.settings",
    "load_settings": "studygraph.settings",
    "StudygraphError": "studygraph.errors",
}

__all__ = [
    "Answer",
    "Chunk",
    "Citation",
    "Hit",
    "Note",
    "Related",
    "Settings",
    "Status",
    "Studygraph",
    "StudygraphError",
    "load_settings",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'studygraph' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(list(globals()) + __all__)
