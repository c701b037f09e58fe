"""Typed errors of study mode; the CLI and the UI show their message as one line."""

from __future__ import annotations

from ingest.errors import StudygraphError


class StudyError(StudygraphError):
    """Base class for study-mode mistakes a user can fix."""


class UnknownCardError(StudyError):
    """No active card has this id."""


class RatingError(StudyError):
    """A rating is not again/hard/good/easy."""


class SelectionError(StudyError):
    """A note or concept to study matches nothing."""
