"""Subjects through the real `studygraph` command: each subject searches, answers from
and lists only its own notes; the default subject keeps the paths it always had."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_cli import run

pytestmark = pytest.mark.slow

BIO = """# Photosynthesis

Chlorophyll absorbs red and blue light in the thylakoid membranes of the chloroplast.
The light reactions split water and release oxygen; the Calvin cycle then fixes carbon dioxide into sugar.
"""
ALGO = """# Sorting algorithms

Quicksort partitions the array around a pivot and sorts both sides recursively.
Merge sort splits the array in halves, sorts each half and merges them in linear time.
"""
# What the default subject's data directory held before subjects existed (nothing moves).
DEFAULT_LAYOUT = {"chroma", "graph", "index", "ingest.lock", "manifest.json"}


def sources(hits: list[dict]) -> set[str]:
    return {Path(h["source"]).name for h in hits}


def test_each_subject_sees_only_its_own_notes(tmp_path: Path) -> None:
    home = tmp_path / "home"
    (tmp_path / "photosynthesis.md").write_text(BIO, encoding="utf-8")
    (tmp_path / "sorting.md").write_text(ALGO, encoding="utf-8")

    bio = run("--subject", "bio", "ingest", "photosynthesis.md", home=home, cwd=tmp_path)
    assert bio.returncode == 0, bio.stderr
    default = run("ingest", "sorting.md", home=home, cwd=tmp_path)
    assert default.returncode == 0, default.stderr

    # The default subject's files are where they always were; the subject's are in its folder.
    # The model's ONNX export (models/) is the data directory's, shared by every subject.
    assert {p.name for p in home.iterdir()} == DEFAULT_LAYOUT | {"models", "subjects"}
    assert {p.name for p in (home / "subjects" / "bio").iterdir()} == DEFAULT_LAYOUT

    searched = json.loads(run("-s", "bio", "search", "chlorophyll light", "--json", home=home, cwd=tmp_path).stdout)
    assert sources(searched["hits"]) == {"photosynthesis.md"}
    searched = json.loads(run("search", "chlorophyll light", "--json", home=home, cwd=tmp_path).stdout)
    assert sources(searched["hits"]) == {"sorting.md"}
    # The environment variable chooses the subject as --subject does.
    asked = run("ask", "What does chlorophyll absorb?", "--json", home=home, cwd=tmp_path, STUDYGRAPH_SUBJECT="bio")
    answer = json.loads(asked.stdout)
    assert answer["found"] and "red and blue light" in answer["answer"], answer
    assert {Path(c["source"]).name for c in answer["citations"]} == {"photosynthesis.md"}
    asked = json.loads(run("ask", "How does quicksort sort?", "--json", home=home, cwd=tmp_path).stdout)
    assert asked["found"] and "pivot" in asked["answer"]
    assert {Path(c["source"]).name for c in asked["citations"]} == {"sorting.md"}

    # The study deck lives with its subject too.
    progress = run("--subject", "bio", "progress", "--json", home=home, cwd=tmp_path)
    assert progress.returncode == 0, progress.stderr
    assert (home / "subjects" / "bio" / "study.sqlite").is_file() and not (home / "study.sqlite").exists()

    listed = run("subjects", "--json", home=home, cwd=tmp_path)
    assert listed.returncode == 0, listed.stderr
    rows = [(s["name"], s["default"], s["current"], s["notes"]) for s in json.loads(listed.stdout)["subjects"]]
    assert rows == [("default", True, True, 1), ("bio", False, False, 1)]
    text = run("--subject", "bio", "subjects", home=home, cwd=tmp_path).stdout.splitlines()
    assert text[0].split()[:3] == ["default", "1", "note"] and text[1].split()[:4] == ["*", "bio", "1", "note"]


@pytest.mark.parametrize("how", ["option", "environment"])
def test_a_bad_subject_name_is_one_clear_line_and_exit_2(tmp_path: Path, how: str) -> None:
    home = tmp_path / "home"
    if how == "option":
        result = run("--subject", "../notes", "subjects", home=home)
    else:
        result = run("subjects", home=home, STUDYGRAPH_SUBJECT="my course")
    assert result.returncode == 2
    bad = "'../notes'" if how == "option" else "'my course'"
    assert result.stderr.strip() == (
        "error: subject must be 1-40 letters, digits, '-' or '_', starting and ending with a letter or digit "
        f"(e.g. bio-101), got {bad}"
    )
    assert "Traceback" not in result.stderr and not home.exists()
