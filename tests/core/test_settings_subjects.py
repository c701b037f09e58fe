"""Subjects in the settings: the default subject is the data directory as it always was;
any other lives in <home>/subjects/<name>/, every derived path with it."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from studygraph.errors import ConfigError
from studygraph.settings import load_settings, with_overrides


def test_the_default_subject_keeps_every_path_it_had(tmp_path: Path) -> None:
    settings = load_settings(env={}, home=tmp_path)
    assert settings.subject == ""
    assert settings.data_dir == tmp_path
    assert (settings.notes, settings.chroma_dir, settings.collection_name) == (tmp_path / "notes", tmp_path / "chroma", "chunks")
    explicit = load_settings(env={"STUDYGRAPH_NOTES_DIR": str(tmp_path / "mine")}, home=tmp_path)
    assert explicit.notes == tmp_path / "mine"


def test_a_subject_derives_every_path_under_its_own_folder(tmp_path: Path) -> None:
    bio = load_settings(env={"STUDYGRAPH_SUBJECT": "bio", "STUDYGRAPH_NOTES_DIR": str(tmp_path / "mine")}, home=tmp_path)
    assert bio.subject == "bio" and bio.home == tmp_path
    assert bio.data_dir == tmp_path / "subjects" / "bio"
    assert bio.notes == bio.data_dir / "notes"  # the default subject's notes_dir is not shared
    assert bio.chroma_dir == bio.data_dir / "chroma"
    assert bio.collection_name == "chunks-bio"  # its own collection on a shared Chroma server too


def test_the_subject_comes_from_the_config_file_the_environment_or_an_override(tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text('subject = "chem"\n', encoding="utf-8")
    env = {"STUDYGRAPH_HOME": str(tmp_path)}
    assert load_settings(env=env).subject == "chem"
    assert load_settings(env={**env, "STUDYGRAPH_SUBJECT": "bio"}).subject == "bio"
    assert load_settings(env={**env, "STUDYGRAPH_SUBJECT": "bio"}, subject="").subject == ""  # back to the default
    assert load_settings(env=env, subject="default").data_dir == tmp_path  # "default" names the default subject
    assert with_overrides(load_settings(env=env), subject="math").data_dir == tmp_path / "subjects" / "math"


@pytest.mark.parametrize("name", ["../bio", "bio/x", "a b", "-bio", "bio_", ".hidden", "é", "x" * 41, "bi\no", "subjects/bio"])
def test_a_name_that_is_not_a_plain_slug_is_refused_with_the_rule(tmp_path: Path, name: str) -> None:
    with pytest.raises(ConfigError, match=r"subject must be 1-40 letters, digits, '-' or '_'.*got"):
        load_settings(env={}, home=tmp_path, subject=name)


def test_replace_keeps_a_valid_subject_and_checks_a_new_one(tmp_path: Path) -> None:
    bio = load_settings(env={}, home=tmp_path, subject="Bio-101_a")
    assert replace(bio, top_k=3).data_dir == tmp_path / "subjects" / "Bio-101_a"
    with pytest.raises(ConfigError):
        replace(bio, subject="../../etc")
