"""`studygraph subjects`: the subjects of the data directory, the default first."""

from __future__ import annotations

import json

import typer

from studygraph.assistant.subjects import subjects as all_subjects
from studygraph.cli.app import friendly, settings


def subjects(as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """List the subjects (each its own index, graph, deck, chat and notes) with their note counts."""
    listed = all_subjects(settings())
    if as_json:
        typer.echo(json.dumps({"subjects": [s.to_json() for s in listed]}, ensure_ascii=False))
        return
    width = max(len(s.label) for s in listed)
    for s in listed:
        count = "unreadable index" if s.notes is None else f"{s.notes} note{'s' if s.notes != 1 else ''}"
        typer.echo(f"{'*' if s.current else ' '} {s.label:{width}}  {count:>10}  {s.data_dir}")


def register(app: typer.Typer) -> None:
    app.command()(friendly(subjects))
