"""What an Obsidian or Logseq vault says about its own concepts.

A vault names its concepts itself: a note is a page about one thing (its file
name), `[[Page]]` links name pages, and front matter `aliases:` lists the other
names of the note's page. These are read as the student wrote them, in any
field, with no word list:

- every link target is a marked concept (the student made it a page or meant to);
- a note with `aliases:` in its front matter is a concept named by its file, with
  those aliases;
- a link is a `links_to` edge from the note's page (or, when the note's name is
  no concept, from the subject of the section holding the link) to the target,
  with the line of the link as evidence.

Embeds (`![[diagram.png]]`, `![[Other note]]`) transclude a file rather than
name a concept, so they are left out. Front matter is read with PyYAML's safe
loader; a block it cannot read gives no aliases rather than an error: the note
is still indexed as text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import PurePosixPath

from studygraph.ingest.blocks import front_matter
from studygraph.ingest.markup import WIKILINK

EXTENSIONS = (".md", ".markdown")  # vault pages; `[[x]]` elsewhere is AsciiDoc's anchor or R's `x[[1]]`
# Not right after a name or a closing bracket: `x[[1]]`, `m[[0]][[1]]` index, they do not link.
INDEXING = re.compile(r"[\w)\]]$")


def in_vault(source: str) -> bool:
    """Whether a note can be a vault page: Markdown, the format Obsidian and Logseq keep."""
    return source.lower().endswith(EXTENSIONS)


def note_name(source: str) -> str:
    """The page name a vault gives a note: its file name without the extension."""
    name = PurePosixPath(source.replace("\\", "/")).name
    for ext in EXTENSIONS:
        if name.lower().endswith(ext):
            return name[: -len(ext)]
    return name


def _target(raw: str) -> str:
    """`folder/Page.md` -> `Page`: a link names the page, wherever the vault keeps it."""
    return note_name(raw.strip()).strip()


def links(text: str) -> Iterator[tuple[str, int]]:
    """(page name, offset) of each `[[Page]]`, `[[Page|label]]` or `[[Page#part]]` link; no embeds."""
    for m in WIKILINK.finditer(text):
        if m.group(0).startswith("!") or INDEXING.search(text[max(0, m.start() - 1) : m.start()]):
            continue
        target = _target(m.group("target") or "")
        if target:
            yield target, m.start()


def aliases(text: str) -> list[str]:
    """The `aliases:` (or `alias:`) of the YAML front matter opening `text`, if it opens with one."""
    data = front_matter(text)
    found = data.get("aliases", data.get("alias"))
    if isinstance(found, str):
        found = re.split(r"\s*,\s*", found)
    if not isinstance(found, list):
        return []
    return [str(a).strip() for a in found if isinstance(a, (str, int, float)) and str(a).strip()]
