"""Study mode: flashcards and graded quizzes from the notes, with spaced repetition.

`Deck` is the facade; `register` adds the CLI commands; `from_graph` adapts the
concept graph into concept and relation cards.
"""

from assistant.study.cards import Card
from assistant.study.concepts import Definition, Link
from assistant.study.deck import Deck, SyncReport
from assistant.study.grading import Grade, Grader, Thresholds
from assistant.study.progress import Progress

__all__ = ["Card", "Deck", "Definition", "Grade", "Grader", "Link", "Progress", "SyncReport", "Thresholds"]
