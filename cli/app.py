"""The `studygraph` Typer app, its one error translator and the facade factory.

Every command module registers onto `app` (see cli/main.py); none builds the
facade itself or turns errors into messages its own way.
"""

from __future__ import annotations

import functools
import logging
import os
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import typer

from studygraph.errors import StudygraphError
from studygraph.settings import Settings, check_subject, load_settings

if TYPE_CHECKING:
    from studygraph.assistant.facade import Studygraph
    from studygraph.assistant.study import Deck

# Exit codes: 2 for every mistake a user can fix (a bad option, a missing index, an
# unknown card), 1 for "the check ran and found problems" (doctor), 130 for Ctrl-C.
USER_ERROR = 2
INTERRUPTED = 130

F = TypeVar("F", bound=Callable[..., Any])


def friendly(fn: F) -> F:
    """Turn typed errors into one clear line and exit code 2, never a traceback."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except StudygraphError as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(USER_ERROR) from None
        except KeyboardInterrupt:
            typer.echo("interrupted", err=True)
            raise typer.Exit(INTERRUPTED) from None

    return wrapper  # type: ignore[return-value]


# Global options of this invocation, set by `main_options` before any command runs.
_chosen: dict[str, str | None] = {"subject": None}


def settings() -> Settings:
    """The settings of this process: STUDYGRAPH_*, the config file, then `--subject`."""
    return load_settings(subject=_chosen["subject"])


def facade() -> Studygraph:
    """The facade for the settings of this process (the model loads lazily, on first use)."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from studygraph.assistant.facade import Studygraph

    return Studygraph(settings())


def deck() -> Deck:
    return facade().deck()


def main_options(
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Log what happens."),
    subject: str | None = typer.Option(
        None,
        "--subject",
        "-s",
        metavar="NAME",
        help="Work on this subject's own index, graph, deck, chat and notes (default: STUDYGRAPH_SUBJECT, "
        "else the default subject; `studygraph subjects` lists them).",
    ),
) -> None:
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    _chosen["subject"] = None if subject is None else check_subject(subject)


app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="Offline study assistant with line-exact citations.",
    callback=friendly(main_options),
)
