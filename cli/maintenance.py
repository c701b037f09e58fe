"""Maintenance commands: `watch`, `remove`, `rebuild`, `doctor`.

The work (the writer lock, diagnosis, repair, the rebuild fallback) is the
facade's; these commands parse options and print what it reports.
"""

from __future__ import annotations

import json
import signal
import threading
import time
from pathlib import Path

import typer

from studygraph.assistant.output import display_path
from studygraph.cli.app import facade, friendly
from studygraph.cli.progressbar import echo_report, ingest_with_bar, step_bar, summary
from studygraph.errors import QueryError, StudygraphError

PROBLEMS_FOUND = 1  # doctor ran and found problems: not a user mistake


def watch(
    paths: list[Path] = typer.Argument(None, help="Notes or folders (default: seeds/ and your notes folder)."),
    debounce: float = typer.Option(1.0, "--debounce", help="Seconds of quiet before re-ingesting."),
    polling: bool = typer.Option(False, "--polling", help="Poll instead of OS file notifications."),
) -> None:
    """Ingest, then re-ingest whenever notes change (Ctrl-C to stop)."""
    if debounce < 0:
        raise QueryError(f"--debounce must be >= 0 seconds, got {debounce}")
    sg = facade()
    roots = sg.watch_roots(paths)

    def ready() -> None:
        echo_report(ingest_with_bar(sg, roots))
        typer.echo(f"watching {', '.join(display_path(str(p)) for p in roots)}; Ctrl-C to stop")

    def on_change(changed: set[Path]) -> None:
        try:
            report = sg.ingest(roots)
        except StudygraphError as exc:
            typer.echo(f"error: {exc}", err=True)
            return
        stamp = time.strftime("%H:%M:%S")
        names = ", ".join(sorted(display_path(str(p)) for p in changed)[:3])
        typer.echo(f"[{stamp}] {names}{' ...' if len(changed) > 3 else ''} changed: {summary(report)}")

    # Our own handlers: a process started in the background inherits SIGINT
    # ignored, and Ctrl-C/kill must still stop the watch cleanly.
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    sg.watch(roots, on_change, debounce=debounce, polling=polling, on_ready=ready, stop=stop)
    typer.echo("stopped watching")


def remove(notes: list[str] = typer.Argument(..., help="Ingested notes: paths, folders or unique file names.")) -> None:
    """Drop notes from the index and the graph (the files stay; ingest one by name to add it back)."""
    report = facade().remove(notes)
    for path in report.removed:
        typer.echo(f"removed {display_path(path)}")
    typer.echo(f"{report.chunks} chunk(s) left in the index")


def rebuild(paths: list[Path] = typer.Argument(None, help="What to ingest (default: the notes the index knew).")) -> None:
    """Drop the index and re-ingest from scratch (after a model or chunking change, or damage)."""
    sg = facade()
    with step_bar() as update:
        report = sg.rebuild(paths or None, update)
    echo_report(report)


def doctor(
    repair: bool = typer.Option(False, "--repair", help="Fix what is found."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Check that Chroma, the manifest, the search snapshot and the graph agree (exit 1 if not)."""
    result = facade().doctor(repair)
    if as_json:
        typer.echo(json.dumps(result.to_json()))
    else:
        for line in result.repaired:
            typer.echo(f"repaired: {line}")
        for problem in result.problems:
            typer.echo(f"problem: {problem.detail}")
        for notice in result.notices:
            typer.echo(f"note: {notice}")
        if result.ok:
            typer.echo(f"index is consistent (generation {result.generation})")
        elif not repair:
            typer.echo("run `studygraph doctor --repair` to fix these")
    if not result.ok:
        raise typer.Exit(PROBLEMS_FOUND)


def register(app: typer.Typer) -> None:
    app.command()(friendly(watch))
    app.command()(friendly(remove))
    app.command("rebuild")(friendly(rebuild))
    app.command()(friendly(doctor))
