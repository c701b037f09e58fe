"""The ingest progress bar (rich) for the terminal; the library only calls back."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeRemainingColumn

from ingest.pipeline import IngestReport
from ingest.pipeline import Progress as Step


def ingest_with_bar(facade, paths: Sequence[Path] | None) -> IngestReport:  # noqa: ANN001 - Studygraph
    console = Console(stderr=True)
    if not console.is_terminal:
        return facade.ingest(paths)
    columns = (TextColumn("{task.description}"), BarColumn(), TaskProgressColumn(), TimeRemainingColumn())
    with Progress(*columns, transient=True, console=console) as bar:
        task = bar.add_task("scanning notes", total=None)

        def update(step: Step) -> None:
            label = {"scan": "scanning notes", "embed": "embedding", "commit": "saving", "wait": "waiting"}.get(step.stage)
            bar.update(task, description=step.message or label or step.stage, completed=step.done, total=step.total or None)

        return facade.ingest(paths, progress=update)
