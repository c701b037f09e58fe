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
from studygraph.settings import load_settings

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


def facade() -> Studygraph:
    """The facade for the settings of this process (the model loads lazily, on first use)."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from studygraph.assistant.facade import Studygraph

    return Studygraph(load_settings())


def deck() -> Deck:
    return facade().deck()


def verbosity(verbose: bool = typer.Option(False, "--verbose", "-v", help="Log what happens.")) -> None:
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s")


app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="Offline study assistant with line-exact citations.",
    callback=verbosity,
)
