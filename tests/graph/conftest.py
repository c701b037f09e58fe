"""Graph fixtures: the graph of the real seed notes, built once."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

# `tests/graph` must not shadow the `graph` package when pytest runs without the repo on sys.path.
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from graph_helpers import SEEDS, chunks_of  # noqa: E402

from graph import ConceptGraph, build_graph  # noqa: E402
from ingest.note import Chunk  # noqa: E402


@pytest.fixture(scope="session")
def seed_chunks() -> list[Chunk]:
    return chunks_of(SEEDS)


@pytest.fixture(scope="session")
def seed_graph(seed_chunks: list[Chunk]) -> ConceptGraph:
    return build_graph(seed_chunks)
