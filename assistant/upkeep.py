"""Library work behind the maintenance commands and the app's first start:
diagnose and repair the index and the concept graph, and index the default
folders once. The CLI and the UI only print the results."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from studygraph.assistant.graph_sync import graph_problem, refresh_graph
from studygraph.ingest.doctor import Diagnosis, Problem, diagnose
from studygraph.ingest.doctor import repair as repair_store
from studygraph.ingest.lock import writer_lock
from studygraph.ingest.pipeline import IngestReport, ProgressFn

if TYPE_CHECKING:
    from studygraph.assistant.facade import Studygraph


@dataclass(frozen=True)
class DoctorReport:
    """What `doctor` found; `problems` are those left at the end."""

    problems: tuple[Problem, ...]
    repaired: tuple[str, ...]
    notices: tuple[str, ...]
    generation: int

    @property
    def ok(self) -> bool:
        return not self.problems

    def to_json(self) -> dict:
        return {
            "ok": self.ok,
            "problems": [{"kind": p.kind, "detail": p.detail} for p in self.problems],
            "repaired": list(self.repaired),
            "notices": list(self.notices),
            "generation": self.generation,
        }


def doctor(sg: Studygraph, repair: bool) -> DoctorReport:
    """Diagnose (and with `repair` fix) the store, manifest, snapshot and graph of `sg`."""
    from studygraph.assistant.writing import default_paths

    # A writer mid-ingest holds chunks it has not committed yet: judge only between writers.
    with writer_lock(sg.settings.data_dir, sg.settings.lock_timeout):
        found = diagnose(sg.settings, sg.store)
    done: list[str] = []
    problems = _all_problems(sg, found)
    if repair and problems:
        done, found = repair_store(sg.settings, sg.embedder, sg.store, default_paths(sg.settings))
        if _graph_problem(sg, found):
            follow_graph(sg)
            done.append("rebuilt the concept graph")
        problems = _all_problems(sg, found)
    return DoctorReport(tuple(problems), tuple(done), tuple(found.notices), found.generation)


def _all_problems(sg: Studygraph, found: Diagnosis) -> list[Problem]:
    graph = _graph_problem(sg, found)
    return list(found.problems) + ([Problem("graph", graph)] if graph else [])


def _graph_problem(sg: Studygraph, found: Diagnosis) -> str | None:
    # The graph can only be judged against a consistent index.
    if any(p.kind in ("manifest", "journal") for p in found.problems):
        return None
    return graph_problem(sg.settings.data_dir, found.generation, sg.settings.catalog)


def follow_graph(sg: Studygraph) -> None:
    """Rebuild the concept graph for the generation just committed (the model is not needed)."""
    index = sg.index()
    refresh_graph(sg.settings.data_dir, index.snapshot.generation, index.chunks, sg.settings.catalog)


def first_start(sg: Studygraph, progress: ProgressFn | None = None) -> IngestReport | None:
    """Index the default folders when the index holds no notes yet; None when it does."""
    if sg.notes():
        return None
    return sg.ingest(progress=progress)
