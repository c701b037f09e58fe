"""An Obsidian-style vault built here: front matter, [[wikilinks]], callouts, #tags, .obsidian/ and attachments."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from studygraph.ingest.blocks import Atom, parse
from studygraph.ingest.chunking import split_note
from studygraph.ingest.markup import plain
from studygraph.ingest.reading import discover, read_note
from studygraph.ingest.spans import split_spans

RAG = """---
aliases: [RAG, retrieval-augmented generation]
tags: [nlp, retrieval]
---
# Retrieval augmented generation

[[Retrieval augmented generation|RAG]] grounds answers in passages that [[BM25]] ranks. #nlp

> [!tip] Remember
> Every quote keeps the exact line span of its note, see [[Chunking#Line spans]].

![[pipeline.png]]
"""
BM25 = """---
tags: retrieval
---
# BM25

BM25 scores a passage by term frequency, saturated by k1, and inverse document frequency.
"""


def vault(root: Path) -> Path:
    (root / ".obsidian" / "plugins" / "dataview").mkdir(parents=True)
    (root / ".obsidian" / "app.json").write_text(json.dumps({"legacyEditor": False}), encoding="utf-8")
    (root / ".obsidian" / "plugins" / "dataview" / "main.js").write_text("module.exports = {}", encoding="utf-8")
    (root / "attachments").mkdir()
    (root / "attachments" / "pipeline.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(64))
    (root / "RAG.md").write_text(RAG, encoding="utf-8")
    (root / "BM25.md").write_text(BM25, encoding="utf-8")
    return root


def test_a_vault_reads_its_notes_and_skips_obsidian_settings_and_attachments(tmp_path: Path) -> None:
    root = vault(tmp_path / "vault")
    files, skipped = discover([root])
    assert [f.name for f in files] == ["BM25.md", "RAG.md"]
    assert [(Path(s.path).name, s.kind) for s in skipped] == [("pipeline.png", "type not supported")]


def test_front_matter_is_one_block_and_never_a_heading_or_the_title(tmp_path: Path) -> None:
    note = read_note(vault(tmp_path / "vault") / "RAG.md", 1 << 20)
    headings, atoms = parse(note.lines)
    assert atoms[0] == Atom(0, 3, "meta")
    assert [h.title for h in headings] == ["Retrieval augmented generation"]
    assert note.title == "Retrieval augmented generation"
    chunks = split_note(note)
    assert chunks[0].start_line == 1 and chunks[0].heading == "Retrieval augmented generation"
    assert chunks[0].kind != "meta"


def test_wikilinks_read_as_their_label_and_quotes_keep_the_note_verbatim(tmp_path: Path) -> None:
    note = read_note(vault(tmp_path / "vault") / "RAG.md", 1 << 20)
    spans = [s for c in split_note(note) for s in split_spans(c)]
    link = next(s for s in spans if "grounds answers" in s.text)
    assert link.text == "[[Retrieval augmented generation|RAG]] grounds answers in passages that [[BM25]] ranks."
    assert note.lines[link.start_line - 1].startswith(link.text)
    assert plain(link.text) == "RAG grounds answers in passages that BM25 ranks."
    callout = next(s for s in spans if "exact line span" in s.text)
    assert plain(callout.text) == "> Remember\n> Every quote keeps the exact line span of its note, see Chunking > Line spans."
    assert plain("![[pipeline.png]]") == "pipeline.png"
    assert plain("#nlp and [[a]]") == "#nlp and a"


@pytest.mark.slow
def test_ingesting_a_vault_just_works_and_answers_read_links_as_labels(tmp_path: Path, embedder) -> None:
    from studygraph.assistant.facade import Studygraph
    from studygraph.assistant.output import answer_json
    from studygraph.settings import load_settings

    root = vault(tmp_path / "vault")
    sg = Studygraph(load_settings())
    sg.embedder = embedder
    report = sg.ingest([root])
    assert sorted(Path(p).name for p in report.added) == ["BM25.md", "RAG.md"]
    assert [Path(s.path).name for s in report.skipped] == ["pipeline.png"]

    assert Path(sg.search("nlp", k=1)[0].chunk.source).name == "RAG.md"  # a #tag is a searchable word
    answer = answer_json(sg.ask("What grounds answers in passages that BM25 ranks?"))
    assert "RAG grounds answers" in answer["answer"] and "[[" not in answer["answer"]
    citation = answer["citations"][0]
    lines = RAG.split("\n")[citation["start_line"] - 1 : citation["end_line"]]
    assert "[[Retrieval augmented generation|RAG]]" in citation["quote"] and citation["quote"] in "\n".join(lines)
