"""Progress and reports in the terminal (rich); the library only calls back."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from studygraph.assistant.output import display_path

if TYPE_CHECKING:
    from rich.console import Console

    from studygraph.assistant.facade import Studygraph
    from studygraph.assistant.types import IngestReport, Step

LABELS = {"scan": "scanning notes", "embed": "embedding", "commit": "saving", "wait": "waiting"}


@contextmanager
def step_bar(console: Console | None = None) -> Iterator[Callable[[Step], None]]:
    """A transient bar on stderr and the callback that moves it from ingest steps.

    Off a terminal (pipes, CI) nothing is drawn and the callback does nothing.
    """
    from rich.console import Console  # here, not above: a cold `ask` need not load rich
    from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeRemainingColumn

    console = console or Console(stderr=True)
    if not console.is_terminal:
        yield lambda step: None
        return
    columns = (TextColumn("{task.description}"), BarColumn(), TaskProgressColumn(), TimeRemainingColumn())
    with Progress(*columns, transient=True, console=console) as bar:
        task = bar.add_task(LABELS["scan"], total=None)

        def update(step: Step) -> None:
            label = step.message or LABELS.get(step.stage) or step.stage
            bar.update(task, description=label, completed=step.done, total=step.total or None)

        yield update


def ingest_with_bar(sg: Studygraph, paths: Sequence[Path] | None) -> IngestReport:
    with step_bar() as update:
        return sg.ingest(paths, progress=update)


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
