"""Study mode: flashcards and graded quizzes from the notes, with spaced repetition.

`Deck` is the facade; `register` adds the CLI commands; `from_graph` adapts the
concept graph into concept and relation cards.
"""

from studygraph.assistant.study.cards import Card
from studygraph.assistant.study.concepts import Definition, Link
from studygraph.assistant.study.deck import Deck, SyncReport
from studygraph.assistant.study.grading import Grade, Grader, Thresholds
from studygraph.assistant.study.progress import Progress

__all__ = ["Card", "Deck", "Definition", "Grade", "Grader", "Link", "Progress", "SyncReport", "Thresholds"]
