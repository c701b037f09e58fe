"""Typed errors. Messages name the bad value and what would be valid; the CLI and
the UI print them as one line instead of a traceback."""

from __future__ import annotations


class StudygraphError(Exception):
    """Base class for every error a user can cause or fix."""


class ConfigError(StudygraphError):
    """A setting has a value we cannot use."""


class NoteError(StudygraphError):
    """A note cannot be read or ingested (empty, binary, too large, bad name...)."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


class IndexMissingError(StudygraphError):
    """There is no index yet."""


class IndexMismatchError(StudygraphError):
    """The index was built with other settings (model, dimension, chunking)."""


class IndexBusyError(StudygraphError):
    """Another process holds the ingest lock."""


class StoreUnavailableError(StudygraphError):
    """The Chroma server cannot be reached or did not answer in time."""


class StoreOwnedError(StudygraphError):
    """The Chroma collection belongs to another data directory (another machine's index)."""


class QueryError(StudygraphError):
    """A query or its options are unusable (empty query, unknown mode, bad k)."""


class StudyError(StudygraphError):
    """Base class for study-mode mistakes a user can fix."""


class UnknownCardError(StudyError):
    """No active card has this id."""


class RatingError(StudyError):
    """A rating is not again/hard/good/easy."""


class SelectionError(StudyError):
    """A note or concept to study matches nothing."""


class ExportError(StudygraphError):
    """An export target is unusable (wrong file type, a folder, ...)."""


class NothingToIndexError(IndexMissingError):
    """An ingest into an empty data directory found no note it could read (so there is still no index)."""
