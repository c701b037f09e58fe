"""UI test fixtures: one data directory with the seed notes ingested, shared by every
app test; tests that write (notes, reviews) get a private copy of it."""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from servers import serving
from streamlit.testing.v1 import AppTest
from ui_helpers import APP, ROOT, SEEDS, TIMEOUT


@pytest.fixture(scope="session")
def ingested_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data directory with the seed notes ingested (once per test session)."""
    from studygraph.assistant.facade import Studygraph
    from studygraph.assistant.welcome import overview
    from studygraph.settings import load_settings

    home = tmp_path_factory.mktemp("ui") / "home"
    settings = load_settings(env={}, home=home)
    sg = Studygraph(settings)
    report = sg.ingest([SEEDS, settings.notes])
    assert len(report.added) == len(list(SEEDS.iterdir()))
    overview(sg)  # the welcome kept, as after a first visit: every app test sees it on its first run
    return home


@pytest.fixture
def shared_home(ingested_home: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The shared ingested home, for tests that only read (each starts with no saved chat)."""
    shutil.rmtree(ingested_home / "chat" / "conversations", ignore_errors=True)  # the welcome's cache stays
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


@pytest.fixture
def server(own_home: Path, tmp_path: Path) -> Iterator[str]:
    """The app on a free loopback port, over a copy of the ingested seeds."""
    env = {**os.environ, "STUDYGRAPH_HOME": str(own_home), "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1",
           "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false"}

    def command(port: int) -> list[str]:
        return [sys.executable, "-m", "streamlit", "run", str(APP), "--server.address", "127.0.0.1",
                "--server.port", str(port), "--server.headless", "true", "--browser.gatherUsageStats", "false"]

    with serving(command, lambda port: f"http://127.0.0.1:{port}/_stcore/health", tmp_path / "streamlit.log",
                 timeout=90, cwd=ROOT, env=env, start_new_session=True) as port:
        yield f"http://127.0.0.1:{port}/"
