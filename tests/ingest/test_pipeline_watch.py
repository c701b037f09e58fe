"""`watch`: changes are collected until the folder is quiet, then re-ingested once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from studygraph.assistant.facade import Studygraph
from studygraph.ingest.manifest import load_manifest
from studygraph.ingest.watch import watch
from studygraph.settings import load_settings

ROOT = Path(__file__).resolve().parents[2]
EXE = Path(sys.executable).with_name("studygraph")


def wait_for(condition, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def test_a_burst_of_changes_is_handed_over_once_when_quiet(tmp_path: Path) -> None:
    batches: list[set[Path]] = []
    stop, ready = threading.Event(), threading.Event()
    options = {"debounce": 0.5, "stop": stop, "on_ready": ready.set}
    thread = threading.Thread(target=watch, args=([tmp_path], batches.append), kwargs=options)
    thread.start()
    try:
        assert ready.wait(10), "the observer never started"
        note = tmp_path / "sub" / "note.md"
        note.parent.mkdir()
        for i in range(5):  # an editor saving repeatedly
            note.write_text(f"# Draft {i}\n", encoding="utf-8")
            time.sleep(0.05)
        (tmp_path / ".note.md.swp").write_text("editor state", encoding="utf-8")
        (tmp_path / "image.png").write_bytes(b"\x89PNG")
        assert wait_for(lambda: batches, 10)
        assert note.resolve() in batches[0]
        assert not {p.name for p in batches[0]} & {".note.md.swp", "image.png"}
        note.unlink()
        assert wait_for(lambda: any(not p.exists() for b in batches[1:] for p in b), 10), "the deletion was not seen"
        # The burst was one batch: the only other batch is the deletion's.
        assert len(batches) == 2 and note.resolve() in batches[1]
    finally:
        stop.set()
        thread.join(timeout=10)
    assert not thread.is_alive()


@pytest.mark.slow
def test_watch_command_re_ingests_a_new_note_and_stops_on_ctrl_c(tmp_path: Path, studygraph_home: Path) -> None:
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "a.md").write_text("# Tokenizers\n\nBPE merges frequent pairs of symbols.\n", encoding="utf-8")
    Studygraph(load_settings()).ingest([notes])  # so the command starts with nothing to do
    env = {**os.environ, "STUDYGRAPH_HOME": str(studygraph_home), "HF_HUB_OFFLINE": "1"}
    proc = subprocess.Popen(
        [str(EXE), "watch", str(notes), "--debounce", "0.3"], cwd=ROOT, env=env,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        assert proc.stdout.readline().startswith("0 added, 0 updated, 0 removed, 1 unchanged;")
        assert proc.stdout.readline().startswith(f"watching {notes}")
        new = notes / "b.md"
        new.write_text("# Positional encoding\n\nSinusoids of different frequencies encode positions.\n", encoding="utf-8")
        assert wait_for(lambda: str(new) in load_manifest(studygraph_home).notes, 120)
        line = proc.stdout.readline()
        assert "b.md changed: 1 added, 0 updated, 0 removed, 1 unchanged;" in line
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            out, err = proc.communicate(timeout=120)  # a hang guard, not a timing test
        except subprocess.TimeoutExpired:
            proc.kill()  # never leave a watcher behind
            raise
    assert proc.returncode == 0, err
    assert out.strip().endswith("stopped watching")
