"""`python -m studygraph ...` runs the CLI."""

from studygraph.cli.main import run

run()
