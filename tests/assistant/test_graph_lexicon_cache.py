"""The concept graph's lexicon is kept beside the graph file, so a cold `ask` loads it instead
of working out every concept's name forms again; a stale or damaged copy is never used."""

from __future__ import annotations

import pickle
from pathlib import Path

from studygraph import Studygraph
from studygraph.graph import concept_graph
from studygraph.graph.persist import LEXICON_FORMAT, load_lexicon
from studygraph.settings import load_settings

NOTE = """# Vision-language models

## What is CLIP?
CLIP is a model trained with a **contrastive loss** on image-text pairs.
SigLIP replaces the softmax of CLIP with a **sigmoid loss**. BLIP-2 uses a Q-Former.
"""


def ingested(tmp_path: Path) -> Path:
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "vlm.md").write_text(NOTE, encoding="utf-8")
    home = tmp_path / "home"
    Studygraph(load_settings(env={}, home=home, notes_dir=notes)).ingest([notes])
    return home


def cold_graph(home: Path):
    return Studygraph(load_settings(env={}, home=home, notes_dir=home.parent / "notes")).graph()


def counting_lexicons(monkeypatch) -> list[int]:
    """How many lexicons the graph makes from its concepts (not loaded from the kept copy)."""
    made: list[int] = []
    real = concept_graph.Lexicon

    def counted(*args, **kwargs):
        made.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(concept_graph, "Lexicon", counted)
    return made


def test_a_cold_load_uses_the_lexicon_kept_with_the_graph(tmp_path: Path, monkeypatch) -> None:
    home = ingested(tmp_path)
    kept = home / "graph" / "lexicon.pickle"
    record = pickle.loads(kept.read_bytes())
    assert record["format"] == LEXICON_FORMAT
    made = counting_lexicons(monkeypatch)
    graph = cold_graph(home)
    assert made == []
    assert graph.lexicon.entries == record["lexicon"].entries
    assert {c.name for c in graph.mentions("How does SigLIP differ from CLIP?")} == {"CLIP", "SigLIP"}


def test_a_lexicon_of_another_graph_file_or_a_damaged_one_is_not_used(tmp_path: Path, monkeypatch) -> None:
    home = ingested(tmp_path)
    kept = home / "graph" / "lexicon.pickle"
    record = pickle.loads(kept.read_bytes())
    assert load_lexicon(kept, "another graph's digest") is None
    assert load_lexicon(kept, record["graph"]) is not None
    kept.write_bytes(b"not a pickle")
    assert load_lexicon(kept, record["graph"]) is None
    made = counting_lexicons(monkeypatch)
    graph = cold_graph(home)
    assert made == [1]  # made again from the concepts, and kept again for the next load
    assert {c.name for c in graph.mentions("How does SigLIP differ from CLIP?")} == {"CLIP", "SigLIP"}
    assert load_lexicon(kept, record["graph"]) is not None
