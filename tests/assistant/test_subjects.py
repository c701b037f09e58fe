"""Listing and creating subjects (no model: folders and manifests only)."""

from __future__ import annotations

from pathlib import Path

import pytest

from studygraph.assistant import subjects
from studygraph.errors import ConfigError
from studygraph.settings import load_settings


def test_the_default_comes_first_then_the_others_by_name(tmp_path: Path) -> None:
    settings = load_settings(env={}, home=tmp_path)
    assert subjects.names(settings) == [""]
    for name in ("zoo", "Bio", "chem"):
        subjects.create(settings, name)
    (tmp_path / "subjects" / "not a subject").mkdir()  # made by hand: not a slug, not listed
    (tmp_path / "subjects" / "stray.txt").write_text("x", encoding="utf-8")
    assert subjects.names(settings) == ["", "Bio", "chem", "zoo"]
    listed = subjects.subjects(load_settings(env={}, home=tmp_path, subject="chem"))
    assert [(s.label, s.current, s.notes) for s in listed] == [
        ("default", False, 0),
        ("Bio", False, 0),
        ("chem", True, 0),
        ("zoo", False, 0),
    ]
    assert listed[2].to_json()["notes_dir"] == str(tmp_path / "subjects" / "chem" / "notes")


def test_create_makes_an_empty_notes_folder_and_refuses_a_bad_name(tmp_path: Path) -> None:
    made = subjects.create(load_settings(env={}, home=tmp_path), "bio")
    assert made.subject == "bio" and made.notes.is_dir() and list(made.notes.iterdir()) == []
    with pytest.raises(ConfigError, match=r"got '\.\./x'"):
        subjects.create(made, "../x")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["subjects"]  # nothing written in the default subject


def test_an_unreadable_index_is_counted_as_unknown(tmp_path: Path) -> None:
    bio = subjects.create(load_settings(env={}, home=tmp_path), "bio")
    (bio.data_dir / "manifest.json").write_text("{not json", encoding="utf-8")
    assert [s.notes for s in subjects.subjects(bio)] == [0, None]
