"""A real index of the seed notes, ingested once per session for read-only tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.settings import load_settings

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


@pytest.fixture(scope="session")
def seeded_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from assistant.facade import Studygraph

    home = tmp_path_factory.mktemp("seeded")
    Studygraph(load_settings(env={}, home=home)).ingest([SEEDS])
    return home


@pytest.fixture(scope="session")
def seeded(seeded_home: Path):
    """A warmed-up facade over the seeded index (do not ingest into it)."""
    from assistant.facade import Studygraph

    return Studygraph(load_settings(env={}, home=seeded_home)).warm_up()
