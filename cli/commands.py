"""Everyday commands: ingest, search, ask, eval, status.

Each one parses its options, calls the facade and prints; `--k` and `--mode`
default to the settings (STUDYGRAPH_TOP_K, STUDYGRAPH_MODE), not to constants.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from studygraph.assistant.output import answer_json, cited_at, hits_json
from studygraph.cli.app import facade, friendly
from studygraph.cli.progressbar import echo_report, ingest_with_bar
from studygraph.errors import QueryError
from studygraph.settings import DEFAULT_SUBJECT

if TYPE_CHECKING:
    from studygraph.assistant.facade import Studygraph
    from studygraph.assistant.types import Answer


def read_queries(text: str | None, file: Path | None) -> list[str]:
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
                raise QueryError(f'{file}: JSON lines need a "q" field ({exc})') from exc
        else:
            queries.append(line.strip())
    return queries


def ingest(paths: list[Path] = typer.Argument(None, help="Notes or folders (default: seeds/ and your notes folder).")) -> None:
    """Add new notes, re-chunk changed ones, drop deleted ones."""
    echo_report(ingest_with_bar(facade(), paths or None))


def search(
    query: str = typer.Argument(None, help="What to look for."),
    k: int | None = typer.Option(None, "--k", help="How many hits (default: STUDYGRAPH_TOP_K, else 5)."),
    mode: str | None = typer.Option(None, "--mode", help="hybrid, bm25 or dense (default: STUDYGRAPH_MODE, else hybrid)."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
    file: Path = typer.Option(None, "--file", help='One query per line (text or JSONL with "q"); prints JSON lines.'),
    tag: str = typer.Option(None, "--tag", help="Only notes with this #tag (a nested #tag/sub counts; Markdown notes)."),
) -> None:
    """Search the notes."""
    queries = read_queries(query, file)
    sg = facade()
    mode = mode or sg.settings.mode
    results = sg.search_batch(queries, k, mode, tag)
    for q, hits in zip(queries, results):
        if as_json or file:
            typer.echo(json.dumps(hits_json(q, mode, hits), ensure_ascii=False))
            continue
        if not hits:
            typer.echo("no matching passages")
        for hit in hits:
            c = hit.chunk
            typer.echo(f"{hit.rank}. {cited_at(c.source, c.start_line, c.end_line, c.units)}  [{hit.score:.3f}]  {c.heading}")
            typer.echo("   " + " ".join(c.text.split())[:200])


def ask(
    question: str = typer.Argument(None, help="Your question."),
    k: int | None = typer.Option(None, "--k", help="How many passages (default: STUDYGRAPH_TOP_K, else 5)."),
    mode: str | None = typer.Option(None, "--mode", help="hybrid, bm25 or dense (default: STUDYGRAPH_MODE, else hybrid)."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
    file: Path = typer.Option(None, "--file", help="One question per line; prints JSON lines."),
    llm: bool = typer.Option(None, "--llm/--no-llm", help="Fluent answer from the configured LLM, verified against the notes."),
    after: str = typer.Option(
        None, "--after", help="The previous question: a follow-up ('and what loss does it use?') is read with its concepts."
    ),
    tag: str = typer.Option(None, "--tag", help="Only notes with this #tag (a nested #tag/sub counts; Markdown notes)."),
) -> None:
    """Answer from the notes, quoting and citing the lines."""
    questions = read_queries(question, file)
    sg = facade()
    if not (as_json or file) and len(questions) == 1:
        answers = [_stream_to_terminal(sg, questions[0], k, mode, llm, after, tag)]
    elif after:
        answers = [sg.ask(q, k, mode, llm, after=after, tag=tag) for q in questions]
    else:
        answers = sg.ask_batch(questions, k, mode, llm, tag)
    for answer in answers:
        if as_json or file:
            typer.echo(json.dumps(answer_json(answer), ensure_ascii=False))
            continue
        if answer.read_as:
            typer.echo(f"Reading this as: {answer.read_as}")
        if answer.notice:
            typer.echo(f"note: {answer.notice}", err=True)
        typer.echo(answer.text)
        for sentence in answer.sentences:
            if not sentence.supported:
                typer.echo(f"  unsupported by the cited notes: {sentence.text}", err=True)
        units = {h.chunk.id: h.chunk.units for h in answer.hits}  # pages or cells of a PDF, deck or notebook
        for c in answer.citations:
            typer.echo(f"  [{c.n}] {cited_at(c.source, c.start_line, c.end_line, units.get(c.chunk_id, ''))}  {c.heading}")
        for r in answer.related:
            typer.echo(f"  next: {r.concept} ({r.type}, {r.relation} {r.via})")


def _stream_to_terminal(
    sg: Studygraph, question: str, k: int | None, mode: str | None, llm: bool | None, after: str | None, tag: str | None = None
) -> Answer:
    """Show an LLM's words as they come (on a terminal), then return the verified answer."""
    streamed = False
    for piece in sg.ask_stream(question, k, mode, llm, after=after, tag=tag):
        if isinstance(piece, str):
            if sys.stderr.isatty():
                typer.echo(piece, nl=False, err=True)
                streamed = True
            continue
        if streamed:
            typer.echo("\n--- verified against your notes ---", err=True)
        return piece
    raise QueryError("no answer was produced")


def evaluate(
    gold: Path = typer.Argument(..., help="JSONL with q, source (|-separated file names) and evidence."),
    k: int = typer.Option(5, "--k"),
    modes: str = typer.Option("hybrid,bm25,dense", "--modes"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Recall@1/3/5, MRR, answers containing the evidence and latency, per mode."""
    from studygraph.assistant.evaluate import evaluate_mode, load_gold

    items = load_gold(gold)
    sg = facade().warm_up()
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


def status(as_json: bool = typer.Option(False, "--json")) -> None:
    """Notes, chunks, model and where the data lives."""
    sg = facade()
    st = sg.status()
    if as_json:
        typer.echo(json.dumps(st.__dict__))
        return
    typer.echo(f"subject: {sg.settings.subject or DEFAULT_SUBJECT}")
    typer.echo(f"data directory: {st.home}\nstore: {st.store}\nnotes: {st.notes}\nchunks: {st.chunks}")
    typer.echo(f"model: {st.model} ({st.dimension} dims)\ngeneration: {st.generation}")


def tags(as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """The #tags of your Markdown notes, with how many notes carry each (filter with --tag)."""
    counted = facade().tags()
    if as_json:
        typer.echo(json.dumps(counted, ensure_ascii=False))
        return
    if not counted:
        typer.echo("no note has tags (Obsidian/Logseq #tags or front-matter tags: in Markdown notes)")
    for tag, n in counted.items():
        typer.echo(f"#{tag}  {n} note{'s' if n != 1 else ''}")


def register(app: typer.Typer) -> None:
    app.command()(friendly(ingest))
    app.command()(friendly(search))
    app.command()(friendly(ask))
    app.command("eval")(friendly(evaluate))
    app.command()(friendly(status))
    app.command()(friendly(tags))
