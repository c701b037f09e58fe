"""`studygraph` command line. User mistakes become one line on stderr and exit code 2."""

from __future__ import annotations

import functools
import json
import logging
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import typer

from assistant.output import answer_json, display_path, hits_json
from assistant.study.cli import register as register_study
from ingest.errors import QueryError, StudygraphError
from ingest.settings import load_settings

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False, help="Offline study assistant with line-exact citations.")
F = TypeVar("F", bound=Callable[..., Any])


def friendly(fn: F) -> F:
    """Turn typed errors into one clear line and a non-zero exit, never a traceback."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except StudygraphError as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(2) from None
        except KeyboardInterrupt:
            typer.echo("interrupted", err=True)
            raise typer.Exit(130) from None

    return wrapper  # type: ignore[return-value]


def _facade():  # noqa: ANN202 - imported lazily so `--help` stays instant
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from assistant.facade import Studygraph

    return Studygraph(load_settings())


def _queries(text: str | None, file: Path | None) -> list[str]:
    if file is None:
        if text is None:
            raise QueryError("give a query, or --file with one query per line")
        return [text]
    if not file.is_file():
        raise QueryError(f"query file {file} does not exist")
    queries = []
    for line in file.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        if line.lstrip().startswith("{"):
            try:
                queries.append(str(json.loads(line)["q"]))
            except (ValueError, KeyError) as exc:
                raise QueryError(f"{file}: JSON lines need a \"q\" field ({exc})") from exc
        else:
            queries.append(line.strip())
    return queries


@app.callback()
def main(verbose: bool = typer.Option(False, "--verbose", "-v", help="Log what happens.")) -> None:
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s")


@app.command()
@friendly
def ingest(paths: list[Path] = typer.Argument(None, help="Notes or folders (default: seeds/ and your notes folder).")) -> None:
    """Add new notes, re-chunk changed ones, drop deleted ones."""
    from assistant.progress import ingest_with_bar

    report = ingest_with_bar(_facade(), paths or None)
    for skipped in report.skipped:
        typer.echo(f"skipped {display_path(skipped.path)}: {skipped.reason}", err=True)
    for warning in report.warnings:
        typer.echo(f"warning: {warning}", err=True)
    typer.echo(
        f"{len(report.added)} added, {len(report.updated)} updated, {len(report.removed)} removed, "
        f"{len(report.unchanged)} unchanged; {report.embedded} chunk(s) embedded, {report.chunks} in the index "
        f"({report.seconds:.1f} s)"
    )


@app.command()
@friendly
def search(
    query: str = typer.Argument(None, help="What to look for."),
    k: int = typer.Option(5, "--k", help="How many hits."),
    mode: str = typer.Option("hybrid", "--mode", help="hybrid, bm25 or dense."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
    file: Path = typer.Option(None, "--file", help="One query per line (text or JSONL with \"q\"); prints JSON lines."),
) -> None:
    """Search the notes."""
    queries = _queries(query, file)
    results = _facade().search_batch(queries, k, mode)
    for q, hits in zip(queries, results):
        if as_json or file:
            typer.echo(json.dumps(hits_json(q, mode, hits), ensure_ascii=False))
            continue
        if not hits:
            typer.echo("no matching passages")
        for hit in hits:
            c = hit.chunk
            typer.echo(f"{hit.rank}. {display_path(c.source)}:{c.start_line}-{c.end_line}  [{hit.score:.3f}]  {c.heading}")
            typer.echo("   " + " ".join(c.text.split())[:200])


@app.command()
@friendly
def ask(
    question: str = typer.Argument(None, help="Your question."),
    k: int = typer.Option(5, "--k"),
    mode: str = typer.Option("hybrid", "--mode", help="hybrid, bm25 or dense."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
    file: Path = typer.Option(None, "--file", help="One question per line; prints JSON lines."),
    llm: bool = typer.Option(None, "--llm/--no-llm", help="Fluent answer from the configured LLM, verified against the notes."),
) -> None:
    """Answer from the notes, quoting and citing the lines."""
    questions = _queries(question, file)
    sg = _facade()
    if not (as_json or file) and len(questions) == 1:
        answers = [_stream_to_terminal(sg, questions[0], k, mode, llm)]
    else:
        answers = sg.ask_batch(questions, k, mode, llm)
    for answer in answers:
        if as_json or file:
            typer.echo(json.dumps(answer_json(answer), ensure_ascii=False))
            continue
        if answer.notice:
            typer.echo(f"note: {answer.notice}", err=True)
        typer.echo(answer.text)
        for sentence in answer.sentences:
            if not sentence.supported:
                typer.echo(f"  unsupported by the cited notes: {sentence.text}", err=True)
        for c in answer.citations:
            typer.echo(f"  [{c.n}] {display_path(c.source)}:{c.start_line}-{c.end_line}  {c.heading}")
        for r in answer.related:
            typer.echo(f"  next: {r.concept} ({r.type}, {r.relation} {r.via})")


def _stream_to_terminal(sg, question: str, k: int, mode: str, llm: bool | None):  # noqa: ANN001, ANN202
    """Show an LLM's words as they come (on a terminal), then return the verified answer."""
    streamed = False
    for piece in sg.ask_stream(question, k, mode, llm):
        if isinstance(piece, str):
            if sys.stderr.isatty():
                typer.echo(piece, nl=False, err=True)
                streamed = True
            continue
        if streamed:
            typer.echo("\n--- verified against your notes ---", err=True)
        return piece
    raise QueryError("no answer was produced")


@app.command("eval")
@friendly
def evaluate(
    gold: Path = typer.Argument(..., help="JSONL with q, source (|-separated file names) and evidence."),
    k: int = typer.Option(5, "--k"),
    modes: str = typer.Option("hybrid,bm25,dense", "--modes"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Recall@1/3/5, MRR, answers containing the evidence and latency, per mode."""
    from assistant.evaluate import evaluate_mode, load_gold

    items = load_gold(gold)
    sg = _facade().warm_up()
    reports = [
        evaluate_mode(items, m.strip(), k, lambda q, n, mo: sg.search(q, n, mo), lambda q, n, mo: sg.ask(q, n, mo))
        for m in modes.split(",")
    ]
    if as_json:
        typer.echo(json.dumps([r.__dict__ for r in reports], default=str))
        return
    typer.echo(f"{len(items)} questions, k={k}")
    typer.echo(f"{'mode':7} {'R@1':>5} {'R@3':>5} {'R@5':>5} {'MRR':>5} {'answer':>6} {'p50ms':>6} {'p95ms':>6}")
    for r in reports:
        typer.echo(
            f"{r.mode:7} {r.recall[1]:5.2f} {r.recall[3]:5.2f} {r.recall[5]:5.2f} {r.mrr:5.2f} "
            f"{r.answer_evidence:6.2f} {r.p50_ms:6.1f} {r.p95_ms:6.1f}"
        )
    for r in reports:
        if r.misses:
            typer.echo(f"{r.mode} not at rank 1: {', '.join(r.misses)}")


@app.command()
@friendly
def status(as_json: bool = typer.Option(False, "--json")) -> None:
    """Notes, chunks, model and where the data lives."""
    st = _facade().status()
    if as_json:
        typer.echo(json.dumps(st.__dict__))
        return
    typer.echo(f"data directory: {st.home}\nstore: {st.store}\nnotes: {st.notes}\nchunks: {st.chunks}")
    typer.echo(f"model: {st.model} ({st.dimension} dims)\ngeneration: {st.generation}")


@app.command("graph")
@friendly
def graph_cmd(
    as_json: bool = typer.Option(False, "--json", help="Node-link JSON."),
    export: str = typer.Option(None, "--export", help="Export format: graphml."),
    path: Path = typer.Argument(None, help="Where to write the export."),
) -> None:
    """The concept graph: a summary, node-link JSON, or a GraphML export for Gephi."""
    from assistant.cli_graph import graph_summary_text
    from graph import export_graphml

    g = _facade().graph()
    if export is not None:
        if export.lower() != "graphml":
            raise QueryError(f"--export supports graphml, got {export!r}")
        if path is None:
            raise QueryError("give the file to write, e.g. `studygraph graph --export graphml concepts.graphml`")
        export_graphml(g, path)
        typer.echo(f"wrote {path}")
        return
    if as_json:
        data = g.to_json()
        for edge in data.get("edges", []):
            for ev in edge.get("evidence", []):
                ev["source"] = display_path(ev["source"])
        typer.echo(json.dumps(data, ensure_ascii=False))
        return
    typer.echo(graph_summary_text(g))


@app.command()
@friendly
def concept(name: str = typer.Argument(..., help="A concept name or alias."), as_json: bool = typer.Option(False, "--json")) -> None:
    """A concept card: type, aliases, definition, neighbours and passages, all cited."""
    from assistant.cli_graph import concept_card_json, concept_card_text

    g = _facade().graph()
    card = g.card(name)
    if card is None:
        close = g.suggest(name)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        raise QueryError(f"no concept named {name!r} in your notes{hint}")
    if as_json:
        typer.echo(json.dumps(concept_card_json(card, display_path), ensure_ascii=False))
    else:
        typer.echo(concept_card_text(card, display_path))


def _deck():  # noqa: ANN202
    return _facade().deck()


register_study(app, _deck, relpath=display_path)


def run() -> None:  # pragma: no cover - console entry
    sys.exit(app())


from assistant.cli_maintenance import register as _register_maintenance  # noqa: E402

_register_maintenance(app, _facade, friendly)
