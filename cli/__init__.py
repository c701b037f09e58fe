"""The `studygraph` command: typer commands that call the facade and turn typed
errors into one-line messages (exit code 2 for every mistake a user can fix)."""
