"""Maintenance commands: `watch`, `remove`, `rebuild`, `doctor`.

Registered onto the main typer app by `register`, so `cli.py` stays the place
for everyday commands. Each writer command holds the index's writer lock and
leaves the concept graph stamped with the generation it commits.
"""

from __future__ import annotations

import json
import signal
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import typer

from assistant.concepts import graph_problem, refresh_graph
from assistant.output import display_path
from ingest.errors import IndexMismatchError, QueryError
from ingest.lock import writer_lock
from ingest.pipeline import IngestReport, Progress


def summary(report: IngestReport) -> str:
    return (
        f"{len(report.added)} added, {len(report.updated)} updated, {len(report.removed)} removed, "
        f"{len(report.unchanged)} unchanged; {report.embedded} chunk(s) embedded, {report.chunks} in the index "
        f"({report.seconds:.1f} s)"
    )


def echo_report(report: IngestReport) -> None:
    for skipped in report.skipped:
        typer.echo(f"skipped {display_path(skipped.path)}: {skipped.reason}", err=True)
    for warning in report.warnings:
        typer.echo(f"warning: {warning}", err=True)
    typer.echo(summary(report))


def follow_graph(sg: Any) -> None:
    """Rebuild the concept graph for the generation just committed (the model is not needed)."""
    index = sg.index()
    refresh_graph(sg.settings.home, index.snapshot.generation, index.chunks)


def doctor_run(sg: Any, repair: bool) -> dict:
    """Diagnose (and with `repair` fix) the index and the concept graph of a facade.

    Returns:
        {"ok", "problems", "repaired", "notices", "generation"}: problems are those left at the end.
    """
    from assistant.facade import default_paths
    from ingest.doctor import Problem, diagnose
    from ingest.doctor import repair as repair_store

    # A writer mid-ingest holds chunks it has not committed yet: judge only between writers.
    with writer_lock(sg.settings.home, sg.settings.lock_timeout):
        found = diagnose(sg.settings, sg.store)
    done: list[str] = []
    graph = _graph_problem(sg, found)
    problems = list(found.problems) + ([Problem("graph", graph)] if graph else [])
    if repair and problems:
        done, found = repair_store(sg.settings, sg.embedder, sg.store, default_paths(sg.settings))
        if _graph_problem(sg, found):
            follow_graph(sg)
            done.append("rebuilt the concept graph")
        graph = _graph_problem(sg, found)
        problems = list(found.problems) + ([Problem("graph", graph)] if graph else [])
    return {
        "ok": not problems,
        "problems": [{"kind": p.kind, "detail": p.detail} for p in problems],
        "repaired": done,
        "notices": list(found.notices),
        "generation": found.generation,
    }


def _graph_problem(sg: Any, found: Any) -> str | None:
    # The graph can only be judged against a consistent index.
    if any(p.kind in ("manifest", "journal") for p in found.problems):
        return None
    return graph_problem(sg.settings.home, found.generation)


def register(app: typer.Typer, facade: Callable[[], Any], friendly: Callable) -> None:
    """Add the maintenance commands to `app`.

    Args:
        facade: builds the `Studygraph` facade (lazily imported by the CLI).
        friendly: the CLI's decorator that turns typed errors into one line.
    """

    @app.command()
    @friendly
    def watch(
        paths: list[Path] = typer.Argument(None, help="Notes or folders (default: seeds/ and your notes folder)."),
        debounce: float = typer.Option(1.0, "--debounce", help="Seconds of quiet before re-ingesting."),
        polling: bool = typer.Option(False, "--polling", help="Poll instead of OS file notifications."),
    ) -> None:
        """Ingest, then re-ingest whenever notes change (Ctrl-C to stop)."""
        from assistant.facade import default_paths
        from assistant.progress import ingest_with_bar
        from ingest.errors import StudygraphError
        from ingest.watch import watch as follow

        if debounce < 0:
            raise QueryError(f"--debounce must be >= 0 seconds, got {debounce}")
        sg = facade()
        roots = list(paths) if paths else default_paths(sg.settings)
        missing = [str(p) for p in roots if not p.exists()]
        if missing:
            raise QueryError(f"cannot watch {', '.join(missing)}: no such file or folder")
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
        follow(roots, on_change, debounce=debounce, polling=polling, on_ready=ready, stop=stop)
        typer.echo("stopped watching")

    @app.command()
    @friendly
    def remove(notes: list[str] = typer.Argument(..., help="Ingested notes: paths, folders or unique file names.")) -> None:
        """Drop notes from the index and the graph (the files stay; ingest one by name to add it back)."""
        sg = facade()
        report = sg.remove(notes)
        for path in report.removed:
            typer.echo(f"removed {display_path(path)}")
        typer.echo(f"{report.chunks} chunk(s) left in the index")

    @app.command("rebuild")
    @friendly
    def rebuild_cmd(
        paths: list[Path] = typer.Argument(None, help="What to ingest (default: the notes the index knew)."),
    ) -> None:
        """Drop the index and re-ingest from scratch (after a model or chunking change, or damage)."""
        from assistant.facade import default_paths

        sg = facade()
        with _bar() as update:
            try:
                report = sg.rebuild(paths or None, update)
            except IndexMismatchError as exc:
                fallback = default_paths(sg.settings)
                typer.echo(f"warning: {exc.args[0].split(';')[0]}; rebuilding from {', '.join(map(str, fallback))}", err=True)
                report = sg.rebuild(fallback, update)
        echo_report(report)

    @app.command()
    @friendly
    def doctor(
        repair: bool = typer.Option(False, "--repair", help="Fix what is found."),
        as_json: bool = typer.Option(False, "--json", help="Print JSON."),
    ) -> None:
        """Check that Chroma, the manifest, the search snapshot and the graph agree (exit 1 if not)."""
        result = doctor_run(facade(), repair)
        if as_json:
            typer.echo(json.dumps(result))
        else:
            for line in result["repaired"]:
                typer.echo(f"repaired: {line}")
            for problem in result["problems"]:
                typer.echo(f"problem: {problem['detail']}")
            for notice in result["notices"]:
                typer.echo(f"note: {notice}")
            if result["ok"]:
                typer.echo(f"index is consistent (generation {result['generation']})")
            elif not repair:
                typer.echo("run `studygraph doctor --repair` to fix these")
        if not result["ok"]:
            raise typer.Exit(1)


class _bar:
    """A transient rich progress bar whose update function takes pipeline Progress steps."""

    def __enter__(self) -> Callable[[Progress], None]:
        from rich.progress import BarColumn, TaskProgressColumn, TextColumn
        from rich.progress import Progress as Bar

        self.bar = Bar(TextColumn("{task.description}"), BarColumn(), TaskProgressColumn(), transient=True)
        self.bar.__enter__()
        task = self.bar.add_task("scanning notes", total=None)

        def update(step: Progress) -> None:
            self.bar.update(task, description=step.message or step.stage, completed=step.done, total=step.total or None)

        return update

    def __exit__(self, *exc: object) -> None:
        self.bar.__exit__(*exc)
