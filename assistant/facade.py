"""`Studygraph`: the one facade the CLI and the UI call.

Cheap to construct; the model, the Chroma client and the search index load
lazily, once, and the index reloads itself when another process commits a new
generation (queries see the old index or the new one, never a mix).

The facade holds that state and delegates each step to the module named after it:
`searching` (check, expand aliases, embed, rank), `asking` (follow-ups, extractive
answers, whether an LLM writes them), `writing` (default folders, ingest, rebuild,
watch roots), `graph_sync` (the graph of the generation, concept cards), `study`
(the deck) and `upkeep` (doctor, first start).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import nullcontext
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from studygraph.assistant import asking, searching, writing
from studygraph.assistant.graph_sync import concept_card, current_graph, graph_problem, refresh_graph
from studygraph.assistant.index import SearchIndex
from studygraph.assistant.turns import Turns
from studygraph.assistant.types import Answer, Hit
from studygraph.graph.concept_graph import ConceptGraph
from studygraph.graph.model import ConceptCard
from studygraph.ingest.embedder import Embedder
from studygraph.ingest.manifest import Manifest, NoteRecord, load_manifest, manifest_path, require_manifest
from studygraph.ingest.snapshot import current_snapshot
from studygraph.ingest.store import ChunkStore
from studygraph.settings import Settings, load_settings

# Imported where used, so a cold `ask` loads none of them (tests/test_speed_cold_ask.py):
# writes (ingest.pipeline, ingest.maintenance, watch), the study deck, the LLM client, upkeep.
if TYPE_CHECKING:
    from studygraph.assistant import upkeep
    from studygraph.assistant.study import Deck
    from studygraph.ingest.pipeline import IngestReport, ProgressFn

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Status:
    home: str
    notes: int
    chunks: int
    model: str
    dimension: int
    generation: int
    store: str


class Studygraph:
    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or load_settings()
        self.embedder = Embedder.from_settings(self.settings)  # settings.embed_backend (ONNX fp32 by default)
        self._store: ChunkStore | None = None
        self._index: SearchIndex | None = None
        self._stamp: tuple[int, int, int] | None = None  # inode, mtime_ns, size of the manifest
        self._graph: tuple[int, ConceptGraph] | None = None
        self._deck: Deck | None = None
        self._deck_generation: int | None = None
        self._lock = threading.RLock()
        self.turns = Turns()  # questions first: background work (the chat's welcome) waits for none held

    # -- loading -------------------------------------------------------------
    @property
    def store(self) -> ChunkStore:
        if self._store is None:
            self._store = ChunkStore(self.settings)
        return self._store

    def warm_up(self) -> Studygraph:
        """Load the model and the index now rather than on the first query."""
        self.index()
        self.embedder.encode(["warm up"])
        return self

    def in_memory(self) -> bool:
        """Whether an index and a concept graph are loaded (perhaps of an older generation)."""
        return self._index is not None and self._graph is not None

    def manifest(self) -> Manifest:
        return require_manifest(self.settings.data_dir)

    def index(self) -> SearchIndex:
        """The search index of the committed generation, reloaded when it changes."""
        path = manifest_path(self.settings.data_dir)
        st = path.stat() if path.exists() else None
        stamp = (st.st_ino, st.st_mtime_ns, st.st_size) if st else None
        with self._lock:
            if self._index is not None and stamp == self._stamp:
                return self._index
            # One committed generation, never a mix; a stale snapshot is rebuilt under the writer lock.
            snapshot = current_snapshot(self.settings.data_dir, self.store, self.settings.lock_timeout)
            self._index = SearchIndex(snapshot, self.settings.fusion, self.settings.hybrid_alpha, self.settings.rrf_k)
            self._stamp = stamp if snapshot.generation == self.manifest().generation else None
            return self._index

    def graph(self) -> ConceptGraph:
        """The concept graph of the committed notes (rebuilt without the model if stale)."""
        index = self.index()
        generation = index.snapshot.generation
        with self._lock:
            if self._graph is None or self._graph[0] != generation:
                self._graph = (generation, current_graph(self.settings.data_dir, generation, index.chunks, self.settings.catalog))
            return self._graph[1]

    def concept_card(self, name: str) -> ConceptCard:
        """The card of the concept called `name` (or an alias of it).

        Raises:
            QueryError: no such concept; the message names the closest ones.
        """
        return concept_card(self.graph(), name)

    def graph_json(self) -> dict:
        """The concept graph as node-link JSON ({"nodes": [...], "edges": [...]})."""
        from studygraph.graph.persist import graph_to_json

        return graph_to_json(self.graph())

    def export_graph(self, path: Path) -> None:
        """Write the concept graph as GraphML (for Gephi, yEd)."""
        from studygraph.graph.persist import export_graphml

        export_graphml(self.graph(), path)

    def deck(self) -> Deck:
        """The study deck, its cards in step with the committed notes and graph."""
        from studygraph.assistant.study import Deck
        from studygraph.assistant.study.graph_adapter import from_graph

        index = self.index()
        generation = index.snapshot.generation
        with self._lock:
            if self._deck is None:
                self._deck = Deck.open(self.settings.data_dir, embed=self.embed, ask=lambda q: self.ask(q, llm=False))
            if self._deck_generation != generation:
                self._deck.sync(index.chunks, *from_graph(self.graph(), index.chunks))
                self._deck_generation = generation
            return self._deck

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        return self.embedder.encode(list(texts))

    # -- ingest --------------------------------------------------------------
    def ingest(self, paths: Sequence[Path] | None = None, progress: ProgressFn | None = None) -> IngestReport:
        """Bring the index in line with the notes under `paths` (default: seeds/ and the notes folder).

        Raises:
            NothingToIndexError: there is no index yet and `paths` hold no note that can be read;
                the message names the paths and counts the skipped files by reason.
        """
        return self._after_write(writing.ingest_notes(paths, self.settings, self.embedder, self._store, progress))

    def remove(self, targets: Sequence[str]) -> IngestReport:
        """Drop notes from the index and the graph (the files stay on disk)."""
        from studygraph.ingest.maintenance import remove_notes

        return self._after_write(remove_notes(targets, self.settings, self.embedder, self.store))

    def rebuild(self, paths: Sequence[Path] | None = None, progress: ProgressFn | None = None) -> IngestReport:
        """Drop the index and re-ingest from scratch. None: the notes the index knew, or,
        when the manifest that lists them is unreadable, the default folders (with a warning)."""
        return self._after_write(writing.rebuild_notes(paths, self.settings, self.embedder, self.store, progress))

    def watch_roots(self, paths: Sequence[Path] | None) -> list[Path]:
        """What `watch` follows: `paths`, or the default folders; each must exist."""
        return writing.watch_roots(paths, self.settings)

    def watch(self, roots: Sequence[Path], on_change: Callable[[set[Path]], None], **options: Any) -> None:
        """Call `on_change` after each burst of edits under `roots` until `options["stop"]` is set
        (see ingest.watch.watch for the options)."""
        from studygraph.ingest.watch import watch as follow

        follow(roots, on_change, **options)

    def first_start(self, progress: ProgressFn | None = None) -> IngestReport | None:
        """Index the default folders when the index holds no notes yet (None when it does)."""
        from studygraph.assistant import upkeep

        return upkeep.first_start(self, progress)

    def doctor(self, repair: bool = False) -> upkeep.DoctorReport:
        """Check (and with `repair` fix) that Chroma, the manifest, the snapshot and the graph agree."""
        from studygraph.assistant import upkeep

        return upkeep.doctor(self, repair)

    def _after_write(self, report: IngestReport) -> IngestReport:
        """Every write ends here: the index reloads and the graph follows the new generation
        (also when an earlier run was killed while refreshing it)."""
        with self._lock:
            self._stamp = None
        if report.changed or graph_problem(self.settings.data_dir, report.generation, self.settings.catalog):
            index = self.index()
            graph = refresh_graph(self.settings.data_dir, index.snapshot.generation, index.chunks, self.settings.catalog)
            with self._lock:
                self._graph = (index.snapshot.generation, graph)
        return report

    # -- queries -------------------------------------------------------------
    def _search(
        self, queries: Sequence[str], k: int | None, mode: str | None, need_vectors: bool = False, tag: str | None = None
    ) -> tuple[SearchIndex, list[list[Hit]], np.ndarray | None]:
        k, mode = searching.checked(self.settings, queries, k, mode)
        embeds = mode != "bm25" or need_vectors
        if embeds:
            self.embedder.load_in_background()  # a cold process loads the model while it reads the index
        index = self.index()
        expanded = self.expand(queries)
        vectors = self.query_vectors(queries, expanded) if embeds else None
        return index, searching.ranked_hits(index, mode, expanded, vectors, k, tag), vectors

    def expand(self, queries: Sequence[str]) -> list[str]:
        """Queries with the aliases of the concepts they name ("SBERT" -> "Sentence-BERT")."""
        return searching.expanded(queries, self.settings, self.graph)

    def query_vectors(self, queries: Sequence[str], expanded: Sequence[str]) -> np.ndarray:
        """Dense query vectors (see assistant/searching.query_vectors)."""
        return searching.query_vectors(self.embed, queries, expanded)

    def search_batch(
        self, queries: Sequence[str], k: int | None = None, mode: str | None = None, tag: str | None = None
    ) -> list[list[Hit]]:
        """Hits per query; `tag` keeps only notes tagged so (`#ml` also keeps `#ml/vision`)."""
        return self._search(queries, k, mode, tag=tag)[1]

    def search(self, query: str, k: int | None = None, mode: str | None = None, tag: str | None = None) -> list[Hit]:
        return self.search_batch([query], k, mode, tag)[0]

    def tags(self) -> dict[str, int]:
        """The tags of the indexed Markdown notes, each with how many notes carry it."""
        from studygraph.assistant.tags import counts

        return counts(self.index())

    def ask_batch(
        self, questions: Sequence[str], k: int | None = None, mode: str | None = None, llm: bool | None = None,
        tag: str | None = None, background: bool = False,
    ) -> list[Answer]:
        """Extractive answers (or verified LLM answers when `llm`, default: when one is configured),
        from the notes tagged `tag` only when given. A student's questions hold a turn
        (assistant/turns.py); `background` asks (the welcome's) take none."""
        with nullcontext() if background else self.turns.foreground():
            index, hits_per_question, vectors = self._search(questions, k, mode, need_vectors=True, tag=tag)
            assert vectors is not None
            answers = asking.extractive_answers(questions, vectors, hits_per_question, index, self.graph(), self.settings)
            if asking.use_llm(self.settings, llm):
                from studygraph.assistant.llm import llm_answer

                answers = [llm_answer(a.question, a.hits, a, self.settings, self.embed) for a in answers]
            return answers

    def ask(
        self, question: str, k: int | None = None, mode: str | None = None, llm: bool | None = None, after: str | None = None,
        tag: str | None = None,
    ) -> Answer:
        """One answer; `after` is the previous question, for follow-ups ("And what loss does it use?")."""
        read_as = self.read_as(question, after)
        answer = self.ask_batch([read_as], k, mode, llm, tag)[0]
        return replace(answer, question=question, read_as=read_as) if read_as != question else answer

    def read_as(self, question: str, after: str | None) -> str:
        """The question as it will be answered after `after` (see assistant/followup.py)."""
        return asking.read_as(question, after, self.graph)

    def ask_stream(
        self, question: str, k: int | None = None, mode: str | None = None, llm: bool | None = None, after: str | None = None,
        tag: str | None = None,
    ) -> Iterator[str | Answer]:
        """Text pieces as an LLM writes them, then the final (verified or extractive) Answer."""
        answer = self.ask(question, k, mode, llm=False, after=after, tag=tag)
        if not asking.use_llm(self.settings, llm):
            yield answer
            return
        from studygraph.assistant.llm import stream_llm_answer

        for piece in stream_llm_answer(answer.read_as or question, answer.hits, answer, self.settings, self.embed):
            if isinstance(piece, Answer) and answer.read_as:
                piece = replace(piece, question=question, read_as=answer.read_as)
            yield piece

    def cited_place(self, chunk_id: str, start: int, end: int) -> dict[str, int]:
        """Where lines `start`..`end` of chunk `chunk_id` stand in their file, as a reader finds
        them: {"cell": 3, "start_line": 1, "end_line": 2} in a notebook, "page" in a PDF or
        deck ("end_cell"/"end_page" when they run on); {} for a text note or a chunk no
        longer in the index."""
        from studygraph.ingest.units import place

        index = self.index()
        position = index.position(chunk_id)
        return {} if position is None else place(index.chunks[position].units, start, end)

    # -- bookkeeping ---------------------------------------------------------
    def notes(self) -> list[NoteRecord]:
        manifest = load_manifest(self.settings.data_dir)
        return list(manifest.notes.values()) if manifest else []

    def status(self) -> Status:
        manifest = self.manifest()
        where = self.settings.chroma_url or str(self.settings.chroma_dir)
        return Status(
            home=str(self.settings.data_dir),
            notes=len(manifest.notes),
            chunks=len(manifest.chunk_ids()),
            model=manifest.model,
            dimension=manifest.dimension,
            generation=manifest.generation,
            store=where,
        )
