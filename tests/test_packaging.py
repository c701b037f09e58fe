"""The package installs as one `studygraph` namespace and the repository needs no path tricks."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_the_wheel_holds_only_the_studygraph_package(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation", str(ROOT), "-w", str(tmp_path)],
        check=True, capture_output=True, text=True, timeout=300,
    )
    (wheel,) = tmp_path.glob("studygraph-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    tops = {name.split("/")[0] for name in names}
    assert tops == {"studygraph", wheel.name.split("-py3")[0] + ".dist-info"}, tops
    for module in ("studygraph/__init__.py", "studygraph/settings.py", "studygraph/errors.py", "studygraph/cli/main.py",
                   "studygraph/ingest/pipeline.py", "studygraph/graph/build.py", "studygraph/assistant/facade.py",
                   "studygraph/ui/app.py", "studygraph/ui/views/chat.py", "studygraph/graph/catalog.json"):
        assert module in names, module


def test_the_public_api_imports_from_anywhere(tmp_path: Path) -> None:
    code = (
        "import sys, studygraph; from studygraph import Studygraph, Answer, Hit, Settings, StudygraphError; "
        "print(Studygraph.__module__, 'torch' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["studygraph.assistant.facade", "False"]


def test_no_source_file_edits_sys_path() -> None:
    tracked = subprocess.run(["git", "ls-files", "*.py"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    edits = ("sys.path.insert", "sys.path.append", "sys.path[:0]")
    others = [f for f in tracked if f != "tests/test_packaging.py"]  # this file names them
    assert [f for f in others if any(e in (ROOT / f).read_text(encoding="utf-8") for e in edits)] == []
