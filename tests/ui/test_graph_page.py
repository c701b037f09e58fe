"""The graph page: the drawn graph, type filter, and the concept card."""

from __future__ import annotations

from ui_helpers import cytoscape_elements, ok, texts, unescape

GRAPH = "views/graph.py"


def open_graph(app, concept: str | None = None):
    if concept:
        app.session_state["concept"] = concept
    app.switch_page(GRAPH)
    return ok(app.run())


def test_overview_draws_best_connected_concepts_coloured_by_type(shared_home, app):
    open_graph(app)
    items = cytoscape_elements(app)
    nodes = [e["data"] for e in items if "source" not in e["data"]]
    edges = [e["data"] for e in items if "source" in e["data"]]
    assert 10 <= len(nodes) <= 60 and edges
    assert {"CLIP", "LLaVA"} <= {n["label"] for n in nodes}
    colours = {n["type"]: n["colour"] for n in nodes}
    assert len(set(colours.values())) == len(colours) > 3  # one colour per type
    assert any("Showing 60 of" in unescape(c) for c in texts(app.caption))


def test_open_a_concept_card_with_definition_neighbours_and_passages(shared_home, app):
    open_graph(app, "SigLIP")
    assert unescape(app.subheader[0].value) == "SigLIP"
    neighbours = {p.label: p.options for p in app.pills if p.key.startswith("neighbour_")}
    assert "CLIP" in neighbours["compared with"]
    evidence = next(e for e in app.expander if e.label.startswith("Evidence: compared with"))
    assert any("SigLIP vs CLIP" in c.value for c in evidence.code)
    passages = next(e for e in app.expander if e.label.startswith("Passages that mention it"))
    shown = [c.value for c in passages.code]
    assert shown and all("▶" in p and "│" in p for p in shown)
    assert any("seeds/" in unescape(c) for c in texts(passages.caption))
    items = cytoscape_elements(app)
    centre = [e for e in items if e.get("selected")]
    assert [c["data"]["label"] for c in centre] == ["SigLIP"]


def test_definition_is_quoted_with_its_citation(shared_home, app):
    open_graph(app, "Gated Cross-Attention")
    assert unescape(app.subheader[0].value) == "Gated Cross-Attention"
    headings = texts(app.markdown)
    definition = app.code[0].value  # the first passage on the card is the definition, in its passage
    neighbours = next(h for h in headings if h.startswith("**Neighbours**"))
    assert headings.index("**Definition**") < headings.index(neighbours)
    marked = [line for line in definition.splitlines() if line.startswith("▶")]
    assert marked == ["▶ 51 │ *   Adds cross-attention to visual tokens *inside* the LLM layers."]
    assert 'What is "Gated Cross-Attention"?' in definition
    assert any("seeds/000_ea24ba94182485b6.txt:51" in unescape(c) for c in texts(app.caption))


def test_find_a_concept_and_follow_a_neighbour(shared_home, app):
    open_graph(app)
    app.selectbox(key="graph_search").select("Flamingo")
    ok(app.run())
    assert unescape(app.subheader[0].value) == "Flamingo"
    chips = next(p for p in app.pills if p.key.startswith("neighbour_"))
    chips.set_value(chips.options[0])
    ok(app.run())
    assert unescape(app.subheader[0].value) == chips.options[0]
    assert app.selectbox(key="graph_search").value == chips.options[0]


def test_type_filter_and_node_cap(shared_home, app):
    open_graph(app, "CLIP")
    app.pills(key="graph_types").set_value(["model", "technique"])
    app.slider(key="graph_cap").set_value(10)
    ok(app.run())
    nodes = [e["data"] for e in cytoscape_elements(app) if "source" not in e["data"]]
    assert {n["type"] for n in nodes} == {"model", "technique"} and len(nodes) == 10
    assert nodes[0]["label"] == "CLIP"
    assert any(c.startswith("Showing 10 of ") for c in map(unescape, texts(app.caption)))


def test_unknown_concept_suggests_close_names(shared_home, app):
    open_graph(app, "Flamengo")
    assert "did you mean Flamingo" in unescape(app.warning[0].value)


def test_colour_by_topic_names_each_topic_after_its_hub(shared_home, app):
    open_graph(app)
    app.radio(key="graph_colour_by").set_value("topic")
    ok(app.run())
    nodes = [e["data"] for e in cytoscape_elements(app) if "source" not in e["data"]]
    assert len({n["colour"] for n in nodes}) >= 3  # several topics, each its own colour
    legend = " ".join(str(getattr(h, "body", "")) for h in app.get("html"))
    assert legend.count("around ") >= 3
