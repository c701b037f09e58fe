"""#tags of Obsidian/Logseq notes filter search and ask: read as the apps write them,
never from code, headings or links, and an unknown tag is a clear user mistake."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from studygraph.assistant.facade import Studygraph
from studygraph.assistant.tags import matches, tags_in
from studygraph.errors import QueryError
from studygraph.settings import load_settings


def test_tags_are_read_as_obsidian_and_logseq_write_them() -> None:
    text = """---
tags: [Exam, ml/vision]
---
# Attention heads (a heading, not a tag)

Self-attention #revise and #ml/nlp (also #[[spaced repetition]]).
tags:: week3, [[hard topics]]
See page.html#anchor, issue #12, C# and `#not-in-code`.

```python
import os  # comment
#define-like
```
"""
    assert tags_in(text) == {"exam", "ml/vision", "revise", "ml/nlp", "spaced repetition", "week3", "hard topics"}


def test_a_tag_filter_keeps_nested_tags_only_under_it() -> None:
    assert matches({"ml/vision"}, "ml") and matches({"ml"}, "#ML")
    assert not matches({"mlops"}, "ml") and not matches({"ml"}, "ml/vision")


@pytest.fixture
def vault(tmp_path: Path) -> Path:
    folder = tmp_path / "vault"
    folder.mkdir()
    (folder / "attention.md").write_text(
        "---\ntags: [ml]\n---\n# Attention\n\nScaled dot-product attention divides the scores by the square root of the key size.\n",
        encoding="utf-8",
    )
    (folder / "finance.md").write_text(
        "# Bonds\n\n#finance\n\nA bond's price falls when interest rates rise, as its fixed coupons are worth less.\n",
        encoding="utf-8",
    )
    (folder / "plain.txt").write_text("# Misc\n\n#ml is only a word in a text file. Attention spans of students vary.\n", encoding="utf-8")
    return folder


def test_search_and_ask_keep_to_the_tagged_notes(vault: Path, studygraph_home: Path) -> None:
    sg = Studygraph(load_settings())
    sg.ingest([vault])
    assert sg.tags() == {"finance": 1, "ml": 1}  # the .txt note's "#ml" is no tag: tags are Markdown's

    for mode in ("hybrid", "bm25", "dense"):
        everything = {Path(h.chunk.source).name for h in sg.search("attention", k=5, mode=mode)}
        tagged = {Path(h.chunk.source).name for h in sg.search("attention", k=5, mode=mode, tag="finance")}
        assert "attention.md" in everything, mode
        assert tagged <= {"finance.md"}, mode
    answer = sg.ask("Why does a bond's price fall?", tag="#finance")
    assert answer.citations and {Path(c.source).name for c in answer.citations} == {"finance.md"}


def test_an_unknown_tag_names_the_tags_there_are(vault: Path, studygraph_home: Path) -> None:
    sg = Studygraph(load_settings())
    sg.ingest([vault])
    with pytest.raises(QueryError, match=r"no note is tagged #physics; tags in your notes: #finance, #ml"):
        sg.search("attention", tag="physics")

    from studygraph.cli.main import app

    result = CliRunner().invoke(app, ["search", "attention", "--tag", "physics"])
    assert result.exit_code == 2 and "no note is tagged #physics" in result.output and "Traceback" not in result.output
    listed = CliRunner().invoke(app, ["tags", "--json"])
    assert listed.exit_code == 0 and listed.output.strip() == '{"finance": 1, "ml": 1}'
