"""UI test fixtures: one data directory with the seed notes ingested, shared by every
app test; tests that write (notes, reviews) get a private copy of it."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest
from ui_helpers import APP, SEEDS, TIMEOUT


@pytest.fixture(scope="session")
def ingested_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data directory with the seed notes ingested (once per test session)."""
    from studygraph.assistant.facade import Studygraph
    from studygraph.settings import load_settings

    home = tmp_path_factory.mktemp("ui") / "home"
    settings = load_settings(env={}, home=home)
    report = Studygraph(settings).ingest([SEEDS, settings.notes])
    assert len(report.added) == len(list(SEEDS.iterdir()))
    return home


@pytest.fixture
def shared_home(ingested_home: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The shared ingested home, for tests that only read."""
    monkeypatch.setenv("STUDYGRAPH_HOME", str(ingested_home))
    return ingested_home


@pytest.fixture
def own_home(ingested_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private copy of the ingested home, for tests that add notes or reviews."""
    home = tmp_path / "own_home"
    shutil.copytree(ingested_home, home, ignore=shutil.ignore_patterns("*.lock", "study.sqlite*"))
    monkeypatch.setenv("STUDYGRAPH_HOME", str(home))
    return home


@pytest.fixture
def app() -> Iterator[AppTest]:
    """The app, run once (on the chat page)."""
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at
