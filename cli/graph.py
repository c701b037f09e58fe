"""`studygraph graph` and `studygraph concept`, and their pure renderers: text for
people, dicts for `--json`. Sources print relative to the cwd (`relpath`)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import typer

from studygraph.assistant.output import display_path
from studygraph.assistant.types import ConceptCard, ConceptGraph, Evidence
from studygraph.cli.app import facade, friendly
from studygraph.errors import QueryError

MAX_EVIDENCE_SHOWN = 2


def _where(e: Evidence, relpath: Callable[[str], str]) -> str:
    return f"{relpath(e.source)}:{e.numbers()}"


def _citation(e: Evidence, relpath: Callable[[str], str]) -> dict:
    return {"chunk_id": e.chunk_id, "source": relpath(e.source), "start_line": e.start_line, "end_line": e.end_line}


def graph_summary_text(g: ConceptGraph) -> str:
    """`studygraph graph` without --json: counts by type and relation, and the top hubs."""
    s = g.summary()
    out = [f"Concept graph: {s['concepts']} concepts ({s['discovered']} discovered in the notes), {s['relations']} relations"]
    if s["by_type"]:
        out.append("By type:     " + ", ".join(f"{k} {v}" for k, v in s["by_type"].items()))
    if s["by_relation"]:
        out.append("By relation: " + ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in s["by_relation"].items()))
    if s["hubs"]:
        out.append("Top hubs:")
        out += [f"  {h['name']} ({h['type']}): {h['degree']} relations" for h in s["hubs"]]
    return "\n".join(out)


def concept_card_text(card: ConceptCard, relpath: Callable[[str], str]) -> str:
    """`studygraph concept NAME`: type, aliases, definition with citation, neighbours by relation."""
    c = card.concept
    out = [f"{c.name} ({c.type})"]
    if c.aliases:
        out.append("Also: " + ", ".join(c.aliases))
    if c.definition:
        quote = " ".join(c.definition.quote.split())
        out.append(f"Definition: {quote}  [{_where(c.definition, relpath)}]")
    for relation, neighbours in card.neighbours.items():
        out.append(f"{relation.capitalize()}:")
        for nb in neighbours:
            where = ", ".join(_where(e, relpath) for e in nb.evidence[:MAX_EVIDENCE_SHOWN])
            more = f" (+{len(nb.evidence) - MAX_EVIDENCE_SHOWN} more)" if len(nb.evidence) > MAX_EVIDENCE_SHOWN else ""
            out.append(f"  {nb.name} ({nb.type})  [{where}{more}]")
    if card.passages:
        out.append(f"Mentioned in {len(card.passages)} passage(s): " + ", ".join(_where(e, relpath) for e in card.passages[:5]))
    return "\n".join(out)


def concept_card_json(card: ConceptCard, relpath: Callable[[str], str]) -> dict:
    """`studygraph concept NAME --json`."""
    c = card.concept
    definition = None
    if c.definition:
        definition = {"text": c.definition.quote, "citation": _citation(c.definition, relpath)}
    return {
        "id": c.id,
        "name": c.name,
        "type": c.type,
        "aliases": list(c.aliases),
        "definition": definition,
        "neighbours": {
            relation: [
                {
                    "concept": nb.name,
                    "type": nb.type,
                    "weight": nb.weight,
                    "evidence": [_citation(e, relpath) for e in nb.evidence],
                }
                for nb in neighbours
            ]
            for relation, neighbours in card.neighbours.items()
        },
        "passages": [_citation(e, relpath) for e in card.passages],
    }


def graph_command(
    as_json: bool = typer.Option(False, "--json", help="Node-link JSON."),
    export: str = typer.Option(None, "--export", help="Export format: graphml."),
    path: Path = typer.Argument(None, help="Where to write the export."),
) -> None:
    """The concept graph: a summary, node-link JSON, or a GraphML export for Gephi."""
    sg = facade()
    if export is not None:
        if export.lower() != "graphml":
            raise QueryError(f"--export supports graphml, got {export!r}")
        if path is None:
            raise QueryError("give the file to write, e.g. `studygraph graph --export graphml concepts.graphml`")
        sg.export_graph(path)
        typer.echo(f"wrote {path}")
        return
    if as_json:
        data = sg.graph_json()
        for edge in data.get("edges", []):
            for ev in edge.get("evidence", []):
                ev["source"] = display_path(ev["source"])
        typer.echo(json.dumps(data, ensure_ascii=False))
        return
    typer.echo(graph_summary_text(sg.graph()))


def concept_command(
    name: str = typer.Argument(..., help="A concept name or alias."), as_json: bool = typer.Option(False, "--json")
) -> None:
    """A concept card: type, aliases, definition, neighbours and passages, all cited."""
    card = facade().concept_card(name)
    if as_json:
        typer.echo(json.dumps(concept_card_json(card, display_path), ensure_ascii=False))
    else:
        typer.echo(concept_card_text(card, display_path))


def register(app: typer.Typer) -> None:
    app.command("graph")(friendly(graph_command))
    app.command("concept")(friendly(concept_command))
