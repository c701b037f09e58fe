"""Inline markup out, words kept: what the embedding model should read.

Notes quote reStructuredText and Markdown verbatim (citations need the exact
characters), but `:ref:`awaitable objects <asyncio-awaitables>`` or
`[CLIP](https://...)` spend the model's tokens on role names, link targets and
asterisks. `plain` keeps the text a reader sees rendered. Block structure
(headings, lists, code) is left alone: spans and chunks already follow it.
Obsidian/Logseq vaults: `[[note|label]]` reads as its label, `[[note]]` and
`![[embed]]` as the note's name, `[[note#part]]` as "note > part"; a callout's
`[!type]` marker is dropped and its text kept; `#tags` stay words to search.
"""

from __future__ import annotations

import re

# A role's or literal's text may wrap onto the next line, never across a blank one.
WRAPPED = r"(?:[^`\n]|\n(?![ \t]*\n))"
# :role:`text <target>`, :role:`~module.name`, :py:meth:`!name` -> the words shown.
# A backslash right after the closing backquote escapes a suffix (":term:`f-string`\\s").
RST_ROLE = re.compile(rf"(?<![\w`]):(?:[A-Za-z][\w.+-]*:)+`(?P<body>{WRAPPED}+)`(?:\\(?=\w))?")
# `text <https://...>`_ and `text`__ links; `text`_ references.
RST_LINK = re.compile(r"(?<![\w`])`(?P<body>[^`\n]+?)`__?(?![\w])")
RST_LITERAL = re.compile(rf"``(?P<body>{WRAPPED}+?)``(?:\\(?=\w))?")
MD_IMAGE_OR_LINK = re.compile(r"!?\[(?P<body>[^\]\n]*)\]\([^)\n]*\)")
MD_CODE = re.compile(r"(?<!`)`(?P<body>[^`\n]+)`(?!`)")
STRONG = re.compile(r"(?<![\w*])\*\*(?P<body>[^*\n]+?)\*\*(?![\w*])")
EMPHASIS = re.compile(r"(?<![\w*])\*(?P<body>[^*\s](?:[^*\n]*?[^*\s])?)\*(?![\w*])")
TARGET = re.compile(r"\s*<[^<>\n]*>$")
WIKILINK = re.compile(r"!?\[\[(?P<target>[^\[\]\n|#]*)(?:#(?P<part>[^\[\]\n|]*))?(?:\|(?P<label>[^\[\]\n]*))?\]\]")
CALLOUT = re.compile(r"(?m)^(?P<lead>[ \t]*(?:>[ \t]*)+)\[![\w-]+\][+-]?[ \t]*")


def _wikilink(match: re.Match[str]) -> str:
    """What Obsidian shows for a link: its label, else the note (and the part linked to)."""
    label, target, part = match.group("label"), match.group("target").strip(), (match.group("part") or "").strip()
    if label and label.strip():
        return label.strip()
    return " > ".join(x for x in (target, part.lstrip("^")) if x)


def _shown(body: str) -> str:
    """What a role or link displays: its title when it has one, else the target
    without Sphinx's `~` / `!` prefixes."""
    title = TARGET.sub("", body)
    return (title if title.strip() else body.strip("<>")).lstrip("~!")


def plain(text: str) -> str:
    """`text` with inline reStructuredText/Markdown markup replaced by the words it shows."""
    if not any(ch in text for ch in "`*[\\"):
        return text
    text = text.replace("\\ ", "")  # reStructuredText's escaped space joins, it shows nothing
    if "[[" in text or "[!" in text:
        text = CALLOUT.sub(lambda m: m.group("lead"), WIKILINK.sub(_wikilink, text))
    text = RST_ROLE.sub(lambda m: _shown(m.group("body")), text)
    text = RST_LITERAL.sub(lambda m: m.group("body"), text)
    text = RST_LINK.sub(lambda m: _shown(m.group("body")), text)
    text = MD_IMAGE_OR_LINK.sub(lambda m: m.group("body"), text)
    text = MD_CODE.sub(lambda m: m.group("body"), text)
    text = STRONG.sub(lambda m: m.group("body"), text)
    return EMPHASIS.sub(lambda m: m.group("body"), text)
