"""A second subject for the UI tests: `bio`, one note about photosynthesis, indexed."""

from __future__ import annotations

from pathlib import Path

BIO_NOTE = "photosynthesis.md"
BIO = """# Photosynthesis

Chlorophyll absorbs red and blue light in the thylakoid membranes of the chloroplast.
The Calvin cycle then fixes carbon dioxide into sugar.
"""


def add_bio(home: Path) -> Path:
    """Make subject bio under `home` with its note indexed; its data directory."""
    from studygraph.assistant.facade import Studygraph
    from studygraph.settings import load_settings

    bio = load_settings(env={}, home=home, subject="bio")
    bio.notes.mkdir(parents=True)
    (bio.notes / BIO_NOTE).write_text(BIO, encoding="utf-8")
    Studygraph(bio).ingest()
    return bio.data_dir
