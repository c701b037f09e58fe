"""`catalog = false`: every concept comes from the notes, and the stored graph follows the switch."""

from __future__ import annotations

from pathlib import Path

from studygraph import Studygraph
from studygraph.settings import load_settings

NOTE = """# Vision-language models

## What is CLIP?
CLIP is a model trained with a **contrastive loss** on image-text pairs.
SigLIP replaces the softmax of CLIP with a **sigmoid loss**. BLIP-2 uses a Q-Former.

## Losses
The contrastive loss pulls matching pairs together; the sigmoid loss of SigLIP scores each pair alone.
BLIP-2 trains its Q-Former with the contrastive loss too.
"""


def test_switching_the_catalog_off_rebuilds_the_graph_from_the_notes_alone(tmp_path: Path) -> None:
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "vlm.md").write_text(NOTE, encoding="utf-8")
    home = tmp_path / "home"
    with_catalog = Studygraph(load_settings(env={}, home=home, notes_dir=notes))
    with_catalog.ingest([notes])
    origins = {c.name: c.origin for c in with_catalog.graph().concepts.values()}
    assert origins.get("CLIP") == "catalog"

    bare = Studygraph(load_settings(env={"STUDYGRAPH_CATALOG": "false"}, home=home, notes_dir=notes))
    graph = bare.graph()
    assert {c.origin for c in graph.concepts.values()} == {"notes"}
    names = {c.name.lower() for c in graph.concepts.values()}
    assert {"clip", "siglip", "blip-2", "contrastive loss", "sigmoid loss"} <= names
    assert bare.doctor().ok  # the stored graph is the catalog-free one now
    assert not with_catalog.doctor().ok  # ...which is stale for the catalog setting
