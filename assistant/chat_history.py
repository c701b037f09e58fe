"""The chat's conversations, kept in the data directory so they survive a browser
reload and an app restart.

Layout: `<home>/chat/conversations/<id>.json`, one file per conversation, each
written whole with `studygraph.atomic` (a reader sees the old file or the new
one), and `<home>/chat/current`, the id of the conversation the chat page opens.
One file per conversation rather than one history file: a second browser tab
that started a new chat only moves the pointer, so the first tab's next answer
still lands in its own conversation instead of over the new one. Saving merges
by message id with what is on disk, so two tabs on one conversation both keep
their turns. A file that cannot be read is set aside (renamed, never deleted)
and the chat page says so.
"""

from __future__ import annotations

import json
import logging
import re
import secrets
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from studygraph.assistant.types import Answer, Chunk, Citation, Hit, Related, Sentence
from studygraph.atomic import write_bytes, write_json

logger = logging.getLogger(__name__)

VERSION = 1
ID = re.compile(r"^\d{8}-\d{6}-[0-9a-f]{6}$")
KEPT_HITS = 3  # an unanswered question shows its three closest passages; more is never read back


@dataclass(frozen=True)
class Message:
    """One turn of a conversation: the student's question or the assistant's reply
    (`answer`, or `content` alone when the reply is an error message). `tag` is the
    tag filter the reply was read under ("" for all notes), kept with it so a reloaded
    page, a reopened chat and the export still say the answer came from those notes only."""

    role: str  # "user" | "assistant"
    content: str
    answer: Answer | None = None
    id: str = field(default_factory=lambda: secrets.token_hex(8))
    at: float = field(default_factory=time.time)
    tag: str = ""  # "ml": read only from the notes tagged #ml (and #ml/...)


@dataclass(frozen=True)
class Conversation:
    id: str
    messages: tuple[Message, ...] = ()
    problem: str = ""  # why the saved conversation could not be read (it was set aside)

    @property
    def title(self) -> str:
        first = next((m.content for m in self.messages if m.role == "user"), "")
        return first if len(first) <= 60 else first[:57] + "..."


def new_id() -> str:
    return time.strftime("%Y%m%d-%H%M%S") + "-" + secrets.token_hex(3)


class ChatLog:
    """The conversations under `<home>/chat`."""

    def __init__(self, home: Path) -> None:
        self.root = Path(home) / "chat"
        self.folder = self.root / "conversations"
        self.pointer = self.root / "current"

    def path(self, chat_id: str) -> Path:
        if not ID.match(chat_id):
            raise ValueError(f"not a conversation id: {chat_id!r}")
        return self.folder / f"{chat_id}.json"

    def current(self) -> Conversation:
        """The conversation the chat page shows (a new, empty one when there is none)."""
        try:
            chat_id = self.pointer.read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError):
            chat_id = ""
        if not ID.match(chat_id):
            return Conversation(self.start())
        return self.load(chat_id)

    def start(self) -> str:
        """A new, empty conversation becomes the current one; earlier ones stay on disk."""
        chat_id = new_id()
        write_bytes(self.pointer, chat_id.encode("ascii"))
        return chat_id

    def open(self, chat_id: str) -> Conversation:
        """Make an earlier conversation the current one."""
        conversation = self.load(chat_id)
        write_bytes(self.pointer, chat_id.encode("ascii"))
        return conversation

    def load(self, chat_id: str) -> Conversation:
        path = self.path(chat_id)
        if not path.exists():
            return Conversation(chat_id)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            messages = tuple(message_from_dict(m) for m in data["messages"])
        except (OSError, ValueError, KeyError, TypeError) as exc:
            aside = path.with_name(f"{path.name}.unreadable-{int(time.time())}")
            path.replace(aside)
            logger.warning("chat %s unreadable (%s); set aside as %s", path, exc, aside)
            return Conversation(chat_id, problem=f"The saved chat could not be read ({type(exc).__name__}: {exc}); "
                                                 f"it is kept as {aside} and a new chat starts here.")
        return Conversation(chat_id, messages)

    def save(self, chat_id: str, messages: list[Message] | tuple[Message, ...]) -> None:
        """Write the conversation, keeping turns another tab added to it meanwhile."""
        path = self.path(chat_id)
        on_disk = self.load(chat_id).messages if path.exists() else ()
        mine = {m.id for m in messages}
        theirs = [m for m in on_disk if m.id not in mine]
        merged = sorted([*messages, *theirs], key=lambda m: m.at) if theirs else list(messages)
        write_json(path, {"version": VERSION, "id": chat_id, "messages": [message_to_dict(m) for m in merged]})

    def conversations(self) -> list[Conversation]:
        """Every saved conversation, newest first."""
        found = [p.stem for p in self.folder.glob("*.json") if ID.match(p.stem)] if self.folder.is_dir() else []
        loaded = [self.load(chat_id) for chat_id in sorted(found, reverse=True)]
        return [c for c in loaded if c.messages]


def message_to_dict(message: Message) -> dict[str, Any]:
    out: dict[str, Any] = {"id": message.id, "role": message.role, "content": message.content, "at": message.at}
    if message.answer is not None:
        answer = message.answer
        cited = {c.chunk_id for c in answer.citations}
        hits = [h for i, h in enumerate(answer.hits) if i < KEPT_HITS or h.chunk.id in cited]
        out["answer"] = asdict(answer) | {"hits": [asdict(h) for h in hits]}
    if message.tag:  # written only when set: a file without it reads as it did before
        out["tag"] = message.tag
    return out


def message_from_dict(data: dict[str, Any]) -> Message:
    answer = data.get("answer")
    return Message(
        role=str(data["role"]),
        content=str(data["content"]),
        answer=None if answer is None else answer_from_dict(answer),
        id=str(data["id"]),
        at=float(data["at"]),
        tag=str(data.get("tag", "")),  # files saved before the tag filter have none
    )


def answer_from_dict(data: dict[str, Any]) -> Answer:
    return Answer(
        question=data["question"],
        text=data["text"],
        citations=tuple(Citation(**c) for c in data.get("citations", ())),
        hits=tuple(Hit(Chunk(**h["chunk"]), h["score"], h["rank"], h.get("mode", "hybrid")) for h in data.get("hits", ())),
        related=tuple(Related(**r) for r in data.get("related", ())),
        found=bool(data.get("found", True)),
        mode=data.get("mode", "extractive"),
        sentences=tuple(Sentence(s["text"], tuple(s["citations"]), s["supported"], s["support"])
                        for s in data.get("sentences", ())),
        notice=data.get("notice", ""),
        read_as=data.get("read_as", ""),
    )
