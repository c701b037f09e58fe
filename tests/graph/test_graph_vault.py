"""An Obsidian vault names its concepts itself: `[[Page]]` links are concepts and
`links_to` edges cited at the link's line, front-matter `aliases:` are the page's
aliases; `[[...]]` outside Markdown (AsciiDoc anchors, R's `x[[1]]`) links nothing."""

from __future__ import annotations

from pathlib import Path

from graph_helpers import chunks_of, write_note

from studygraph.graph import build_graph
from studygraph.graph.catalog import Catalog

NO_CATALOG = Catalog((), frozenset())

GD = """---
aliases: [GD, steepest descent]
tags: [optimisation]
---
# Gradient Descent

Gradient descent moves the parameters against the gradient of the loss.
The step size is the [[Learning Rate]]; too large a step diverges.
Its noisy form is [[Minibatch Training|training on minibatches]].

![[loss-surface.png]]

```python
weights[[0]] = 1  # [[Not A Link]] in code
```
"""

LR = """# Learning Rate

The learning rate scales each update of [[ml/Gradient Descent.md|gradient descent]].
A schedule lowers it over training, see [[Cosine Annealing#Warm restarts]].
"""


def _vault(root: Path) -> Path:
    write_note(root / "ml", "Gradient Descent.md", GD)
    write_note(root / "ml", "Learning Rate.md", LR)
    return root


def _by_name(graph) -> dict:
    return {c.name: c for c in graph.concepts.values()}


def test_links_are_concepts_and_edges_cited_at_the_link(tmp_path: Path) -> None:
    graph = build_graph(chunks_of(_vault(tmp_path / "vault")), catalog=NO_CATALOG)
    names = _by_name(graph)
    for page in ("Gradient Descent", "Learning Rate", "Minibatch Training", "Cosine Annealing"):
        assert page in names, sorted(names)
    assert "loss-surface.png" not in names and "loss-surface" not in names  # an embed names no concept
    assert "Not A Link" not in names  # code is no link
    edges = {(graph.concepts[r.source].name, graph.concepts[r.target].name): r for r in graph.relations if r.relation == "links_to"}
    assert set(edges) == {
        ("Gradient Descent", "Learning Rate"),
        ("Gradient Descent", "Minibatch Training"),
        ("Learning Rate", "Gradient Descent"),
        ("Learning Rate", "Cosine Annealing"),
    }
    lines = {(Path(e.source).name, e.start_line, e.end_line) for e in edges[("Gradient Descent", "Learning Rate")].evidence}
    assert lines == {("Gradient Descent.md", 8, 8)}
    (cosine,) = edges[("Learning Rate", "Cosine Annealing")].evidence
    assert (Path(cosine.source).name, cosine.start_line) == ("Learning Rate.md", 4)


def test_front_matter_aliases_name_the_page(tmp_path: Path) -> None:
    graph = build_graph(chunks_of(_vault(tmp_path / "vault")), catalog=NO_CATALOG)
    page = _by_name(graph)["Gradient Descent"]
    assert {"GD", "steepest descent"} <= set(page.aliases)
    assert "GD" not in _by_name(graph)  # an alias, not a node of its own


def test_unreadable_front_matter_gives_no_aliases_and_no_error(tmp_path: Path) -> None:
    root = tmp_path / "vault"
    write_note(root, "Broken.md", "---\naliases: [unclosed\ntitle: x\n---\n# Broken\n\nSee [[Momentum Method]] and [[Momentum Method]].\n")
    graph = build_graph(chunks_of(root), catalog=NO_CATALOG)
    assert "Momentum Method" in _by_name(graph)
    assert not [a for c in graph.concepts.values() for a in c.aliases if "unclosed" in a]


def test_double_brackets_outside_markdown_link_nothing(tmp_path: Path) -> None:
    root = tmp_path / "notes"
    write_note(root, "glossary.txt", "[[def_branch]]\nbranch::\n\tA line of development. See [[Gradient Descent]].\n")
    write_note(root, "lists.md", "# Lists\n\nTake x[[1]] and the element m[[2]] of the list m.\n")
    graph = build_graph(chunks_of(root), catalog=NO_CATALOG)
    names = {n.lower() for n in _by_name(graph)}
    assert not names & {"def_branch", "gradient descent", "1", "2"}
    assert not [r for r in graph.relations if r.relation == "links_to"]


def test_a_page_that_becomes_a_concept_gets_its_links_from_the_cache(tmp_path: Path) -> None:
    """The note never names itself, so no probe of its text finds the new concept: the
    cached facts of its chunks must still be re-read when its page becomes a concept."""
    root, cache = tmp_path / "vault", tmp_path / "cache"
    write_note(root, "Backprop.md", "# Chain rule at work\n\nIt runs the [[Chain Rule]] backwards through the layers.\n")
    first = build_graph(chunks_of(root), cache_dir=cache, catalog=NO_CATALOG)
    assert not [r for r in first.relations if r.relation == "links_to"]
    write_note(root, "Training.md", "# Training\n\nEach step uses [[Backprop]] to get gradients, then Backprop again.\n")
    second = build_graph(chunks_of(root), cache_dir=cache, catalog=NO_CATALOG)
    fresh = build_graph(chunks_of(root), catalog=NO_CATALOG)
    edges = sorted((second.concepts[r.source].name, second.concepts[r.target].name) for r in second.relations if r.relation == "links_to")
    assert edges == sorted((fresh.concepts[r.source].name, fresh.concepts[r.target].name) for r in fresh.relations if r.relation == "links_to")
