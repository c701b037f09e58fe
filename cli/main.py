"""`studygraph`: the command line. Builds the app from its command modules.

studygraph ingest [PATHS]        studygraph graph [--json | --export graphml FILE]
studygraph search QUERY          studygraph concept NAME
studygraph ask QUESTION          studygraph cards | grade | quiz | progress
studygraph eval GOLD.jsonl       studygraph watch | remove | rebuild | doctor
studygraph status | tags         (search and ask take --tag TAG)
studygraph subjects [--json]     (every command takes --subject NAME first)
"""

from __future__ import annotations

import sys

from studygraph.assistant.output import display_path
from studygraph.cli import commands, graph, maintenance, study, subjects
from studygraph.cli.app import app, deck

commands.register(app)
graph.register(app)
maintenance.register(app)
study.register(app, deck, relpath=display_path)
subjects.register(app)


def run() -> None:  # pragma: no cover - console entry
    sys.exit(app())
