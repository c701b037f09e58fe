"""Fixtures for study-mode tests."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

# `tests/assistant/` (no __init__.py) would otherwise be imported as a namespace
# package named `assistant`, hiding the real one when pytest runs without the
# repo root on sys.path. `pythonpath = ["."]` in the pytest config makes this moot.
ROOT = str(Path(__file__).resolve().parents[3])
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)
if "assistant" in sys.modules and getattr(sys.modules["assistant"], "__file__", None) is None:
    del sys.modules["assistant"]

from study_helpers import Clock  # noqa: E402


@pytest.fixture()
def clock() -> Clock:
    return Clock()
