"""Re-ingest keeps the graph in step: edited or removed notes take their evidence,
edges and discovered concepts with them, with or without the extraction cache."""

from __future__ import annotations

from pathlib import Path

from graph_helpers import SEEDS, chunks_of, lines_name, write_note

from studygraph.graph import ConceptGraph, build_graph
from studygraph.graph.persist import graph_to_json

A = """# Vision-language notes

LLaVA uses CLIP as its vision encoder.

## What is "HyperFlow"?
HyperFlow is a retrieval model built on FooBERT.
"""
B = """# Other
FooBERT is fine-tuned on MS MARCO. HyperFlow beats FooBERT.
"""


def _edges(g: ConceptGraph) -> set[tuple[str, str, str]]:
    return {(g.concepts[r.source].name, g.concepts[r.target].name, r.relation) for r in g.relations}


def _build(notes: Path, cache: Path) -> ConceptGraph:
    chunks = chunks_of(notes)
    cached = build_graph(chunks, cache_dir=cache)
    assert graph_to_json(cached) == graph_to_json(build_graph(chunks)), "a cached build must equal a cold one"
    return cached


def test_edit_and_remove_a_note(tmp_path: Path) -> None:
    notes, cache = tmp_path / "notes", tmp_path / "cache"
    a = write_note(notes, "a.md", A)
    b = write_note(notes, "b.md", B)
    g = _build(notes, cache)
    assert ("LLaVA", "CLIP", "uses") in _edges(g)
    assert ("HyperFlow", "FooBERT", "based_on") in _edges(g)
    assert (cache / "graph-extract.pickle").is_file()

    a.write_text(A.replace("CLIP", "SigLIP"), encoding="utf-8")
    g = _build(notes, cache)
    assert ("LLaVA", "SigLIP", "uses") in _edges(g)
    assert ("LLaVA", "CLIP", "uses") not in _edges(g)
    assert g.concept("CLIP") is None  # no note mentions it any more

    b.unlink()
    g = _build(notes, cache)
    assert g.concept("FooBERT") is None  # now named in one chunk only, and never defined
    assert g.concept("HyperFlow") is not None  # still defined in a.md
    assert all(Path(e.source).name == "a.md" for r in g.relations for e in r.evidence)
    assert all(Path(p.source).name == "a.md" for ps in g.passages.values() for p in ps)

    a.write_text("# Vision-language notes\n\nLLaVA uses SigLIP as its vision encoder.\n", encoding="utf-8")
    g = _build(notes, cache)
    assert g.concept("HyperFlow") is None  # a discovered concept left with no evidence
    assert {e for e in _edges(g) if e[2] != "related"} == {("LLaVA", "SigLIP", "uses")}


def test_lines_shift_when_an_edit_moves_a_chunk(tmp_path: Path) -> None:
    notes, cache = tmp_path / "notes", tmp_path / "cache"
    a = write_note(notes, "a.md", A)
    _build(notes, cache)
    a.write_text("# Preface\n\nTwo new lines\nabove everything.\n\n" + A, encoding="utf-8")
    g = _build(notes, cache)
    (edge,) = [r for r in g.relations if r.relation == "uses"]
    (ev,) = edge.evidence
    assert ev.start_line == 8
    assert lines_name(ev.source, ev.start_line, ev.end_line, g.concept("CLIP"))


def test_a_new_concept_elsewhere_updates_cached_chunks(tmp_path: Path) -> None:
    """A note that makes `ZetaNet` a concept must reach chunks cached before it was one."""
    notes, cache = tmp_path / "notes", tmp_path / "cache"
    write_note(notes, "a.md", "# A\n\nCLIP uses ZetaNet inside.\n")
    g = _build(notes, cache)
    assert g.concept("ZetaNet") is None  # named once, never defined
    write_note(notes, "b.md", '# B\n\n## What is "ZetaNet"?\nZetaNet is a gating network.\n')
    g = _build(notes, cache)
    assert ("CLIP", "ZetaNet", "uses") in _edges(g)


def test_seed_rebuild_from_cache_extracts_only_the_edited_chunks(tmp_path: Path, seeds_copy: Path, caplog) -> None:
    cache = tmp_path / "cache"
    build_graph(chunks_of(seeds_copy), cache_dir=cache)
    note = seeds_copy / "003_2b72a920368736ff.txt"
    note.write_text(note.read_text(encoding="utf-8").replace("GloVe — what does it factorize?", "GloVe — what does it learn?"), encoding="utf-8")
    with caplog.at_level("INFO", logger="studygraph.graph.build"):
        g = build_graph(chunks_of(seeds_copy), cache_dir=cache)
    assert "(1 extracted)" in caplog.text
    assert graph_to_json(g) == graph_to_json(build_graph(chunks_of(seeds_copy)))
    assert g.concept("GloVe") is not None and len(chunks_of(SEEDS)) == len(chunks_of(seeds_copy))
