"""Study commands for the `studygraph` CLI: quiz, cards (and `cards --export deck.apkg`), grade, progress.

The main app calls `register(app, get_deck)`; nothing here builds a Deck or
loads a model itself, so `cards` stays fast and tests can pass a small deck.
User mistakes go through the CLI's one translator (`friendly`): one line, exit 2.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from studygraph.cli.app import friendly

# rich and the deck are imported inside the commands: every other command (a cold
# `ask`) would pay ~0.2 s for them.
if TYPE_CHECKING:
    from rich.console import Console

    from studygraph.assistant.study.deck import Deck
    from studygraph.assistant.study.grading import Grade

COLOURS = {"right": "green", "partial": "yellow", "wrong": "red"}
QUIT = {":q", ":quit", "quit", "exit"}
BARS = "▁▂▃▄▅▆▇█"


def default_relpath(path: str) -> str:
    """A path relative to the current directory when the note is under it."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return path


def _until(due: datetime, now: datetime) -> str:
    seconds = max(0, (due - now).total_seconds())
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            n = round(seconds / size)
            return f"{n} {unit}{'s' if n != 1 else ''}"
    return "now"


def sparkline(values: list[int]) -> str:
    """A one-line bar chart: `▁▁▃▇` (blank days are `·`)."""
    top = max(values, default=0)
    return "".join("·" if not v else BARS[min(len(BARS) - 1, round(v / top * (len(BARS) - 1)))] for v in values)


def show_grade(console: Console, grade: Grade, citation: str) -> None:
    """Verdict, score, missed key concepts and the cited reference."""
    from rich.panel import Panel

    colour = COLOURS[grade.verdict]
    console.print(f"[bold {colour}]{grade.verdict.upper()}[/] score {grade.score:.2f}")
    if grade.missed:
        console.print("[bold]Missed:[/] " + ", ".join(grade.missed))
    console.print(Panel(grade.reference, title="Reference", subtitle=citation, expand=False))


def register(app: typer.Typer, get_deck: Callable[[], Deck], relpath: Callable[[str], str] | None = None) -> None:
    """Add `quiz`, `cards`, `grade` and `progress` to the app.

    Args:
        app: the `studygraph` Typer app.
        get_deck: builds (or returns the cached) synced Deck; called inside commands.
        relpath: how a note path is shown (default: relative to the current directory).
    """
    show = relpath or default_relpath

    @app.command("cards")
    @friendly
    def cards_command(
        as_json: bool = typer.Option(False, "--json", help="Print a JSON array of cards."),
        note: str | None = typer.Option(None, "--note", help="Only cards of this note."),
        concept: str | None = typer.Option(None, "--concept", help="Only cards about this concept."),
        export: Path | None = typer.Option(None, "--export", help="Write the cards to an Anki deck (.apkg) instead.",
                                           metavar="DECK.apkg"),
    ) -> None:
        """List the study cards extracted from the notes, or export them to Anki."""
        from rich.console import Console
        from rich.table import Table

        if export is not None:
            from studygraph.assistant.study import anki  # genanki costs every other command ~0.1 s

            anki.export_path(export)  # refuse a bad name before loading anything
        deck = get_deck()
        names = deck.neighbourhood(concept) if concept else None
        cards = deck.select(note=note, concepts=names, due_only=False) if (note or concept) else deck.cards()
        if export is not None:
            written = anki.write_apkg(cards, export, show)
            typer.echo(f"wrote {written} cards to {export} (re-importing it in Anki updates the same notes)")
            return
        if as_json:
            typer.echo(json.dumps([c.to_json(show) for c in cards], ensure_ascii=False))
            return
        table = Table("id", "kind", "question", "source")
        for card in cards:
            table.add_row(card.id, card.kind + ("*" if card.composed else ""), card.question,
                          f"{show(card.source)}:{card.start_line}-{card.end_line}")
        Console().print(table)
        Console().print(f"{len(cards)} cards (* = reference composed by ask)")

    @app.command("grade")
    @friendly
    def grade_command(
        card: str = typer.Option(..., "--card", help="Card id (see `studygraph cards`)."),
        answer: str = typer.Option(..., "--answer", help="The answer to grade."),
        as_json: bool = typer.Option(False, "--json", help="Print the grade as JSON."),
    ) -> None:
        """Grade an answer against a card's reference without touching the schedule."""
        from rich.console import Console

        deck = get_deck()
        target = deck.card(card)
        grade = deck.grade(card, answer)
        if as_json:
            typer.echo(json.dumps(grade.to_json(), ensure_ascii=False))
            return
        show_grade(Console(), grade, f"{show(target.source)}:{target.start_line}-{target.end_line}")

    @app.command("progress")
    @friendly
    def progress_command(as_json: bool = typer.Option(False, "--json", help="Print progress as JSON.")) -> None:
        """Cards due today, reviews, retention and the weakest concepts."""
        from rich.console import Console
        from rich.table import Table

        stats = get_deck().progress()
        if as_json:
            typer.echo(json.dumps(stats.to_json(), ensure_ascii=False))
            return
        console = Console()
        retention = f"{stats.retention:.0%}" if stats.retention is not None else "-"
        console.print(f"cards {stats.cards}  new {stats.new}  due today {stats.due_today}  "
                      f"reviewed {stats.reviewed_cards}  reviews {stats.reviews}  retention {retention}")
        console.print(f"reviews, last {len(stats.daily)} days: {sparkline([d.reviews for d in stats.daily])}")
        if stats.weakest:
            table = Table("weakest concept", "mean score", "reviews")
            for weak in stats.weakest:
                table.add_row(weak.concept, f"{weak.mean_score:.2f}", str(weak.reviews))
            console.print(table)

    @app.command("quiz")
    @friendly
    def quiz_command(
        note: str | None = typer.Option(None, "--note", help="Only cards of this note (path, file name or prefix)."),
        concept: str | None = typer.Option(None, "--concept", help="A concept and its graph neighbourhood."),
        limit: int = typer.Option(20, "--limit", min=1, help="At most this many cards."),
        all_cards: bool = typer.Option(False, "--all", help="Include cards that are not due yet."),
    ) -> None:
        """Drill due cards: type an answer, see the grade, rate your recall."""
        from rich.console import Console
        from rich.panel import Panel
        from rich.prompt import Prompt

        from studygraph.assistant.study.schedule import RATINGS, suggested_rating

        console = Console()
        deck = get_deck()
        names = deck.neighbourhood(concept) if concept else None
        cards = deck.select(note=note, concepts=names, due_only=not all_cards, limit=limit)
        if not cards:
            console.print("Nothing is due. Come back later, or use --all.")
            return
        scores: list[float] = []
        for n, card in enumerate(cards, 1):
            console.print(Panel(card.question, title=f"{n}/{len(cards)} · {card.kind}", expand=False))
            answer = Prompt.ask("Your answer (:q to stop)", default="", show_default=False, console=console)
            if answer.strip().lower() in QUIT:
                break
            grade = deck.grade(card.id, answer)
            scores.append(grade.score)
            show_grade(console, grade, f"{show(card.source)}:{card.start_line}-{card.end_line}")
            rating = Prompt.ask("How well did you recall it?", choices=list(RATINGS),
                                default=suggested_rating(grade.verdict), console=console)
            review = deck.review(card.id, rating, grade)
            console.print(f"next review in {_until(review.due, review.reviewed_at)}\n")
        if scores:
            console.print(f"Done: {len(scores)} cards, mean score {sum(scores) / len(scores):.2f}. "
                          f"Due today: {deck.progress().due_today}.")
