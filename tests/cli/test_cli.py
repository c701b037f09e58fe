"""The `studygraph` command through its real entry point, as a user runs it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
EXE = Path(sys.executable).with_name("studygraph")


def run(*args: str, home: Path, cwd: Path = ROOT, timeout: int = 180, **env_vars: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "STUDYGRAPH_HOME": str(home), "HF_HUB_OFFLINE": "1", **env_vars}
    return subprocess.run([str(EXE), *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


def test_search_json_has_the_documented_shape_and_user_relative_sources(seeded_home: Path) -> None:
    result = run("search", "What is HNSW?", "--k", "3", "--json", home=seeded_home)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["query"] == "What is HNSW?" and data["mode"] == "hybrid"
    assert [h["rank"] for h in data["hits"]] == [1, 2, 3]
    top = data["hits"][0]
    assert set(top) == {"rank", "chunk_id", "source", "start_line", "end_line", "heading", "text", "score"}
    assert top["source"] == "seeds/003_2b72a920368736ff.txt"
    lines = (ROOT / top["source"]).read_text(encoding="utf-8").split("\n")
    assert "\n".join(lines[top["start_line"] - 1 : top["end_line"]]) == top["text"]


def test_top_k_and_mode_come_from_the_settings_unless_given(seeded_home: Path) -> None:
    settings = {"STUDYGRAPH_TOP_K": "2", "STUDYGRAPH_MODE": "bm25"}
    data = json.loads(run("search", "What is HNSW?", "--json", home=seeded_home, **settings).stdout)
    assert data["mode"] == "bm25" and len(data["hits"]) == 2
    assert {h["rank"] for h in data["hits"]} == {1, 2}
    given = json.loads(run("search", "What is HNSW?", "--json", "--k", "3", "--mode", "dense", home=seeded_home, **settings).stdout)
    assert given["mode"] == "dense" and len(given["hits"]) == 3
    one = {"STUDYGRAPH_TOP_K": "1", "STUDYGRAPH_MODE": "bm25"}
    answer = json.loads(run("ask", "How does CLIP do zero-shot classification?", "--json", home=seeded_home, **one).stdout)
    assert answer["found"] and len({c["chunk_id"] for c in answer["citations"]}) == 1, answer["citations"]


def test_search_and_ask_read_one_query_per_line_and_print_json_lines(seeded_home: Path, tmp_path: Path) -> None:
    queries = tmp_path / "q.jsonl"
    queries.write_text('What is SigLIP?\n{"q": "What is the ELMo architecture?", "id": "x"}\n', encoding="utf-8")
    searched = run("search", "--file", str(queries), "--mode", "bm25", home=seeded_home)
    assert searched.returncode == 0, searched.stderr
    rows = [json.loads(line) for line in searched.stdout.splitlines()]
    assert [r["query"] for r in rows] == ["What is SigLIP?", "What is the ELMo architecture?"]
    assert all(r["mode"] == "bm25" and r["hits"] for r in rows)
    asked = run("ask", "--file", str(queries), home=seeded_home)
    answers = [json.loads(line) for line in asked.stdout.splitlines()]
    assert len(answers) == 2
    elmo = answers[1]
    assert "Bidirectional LSTM" in elmo["answer"]
    citation = elmo["citations"][0]
    assert set(citation) == {"n", "chunk_id", "source", "start_line", "end_line", "heading", "quote"}
    assert citation["source"] == "seeds/003_2b72a920368736ff.txt" and citation["start_line"] == 16
    assert all({"concept", "type", "relation", "via", "citation"} <= set(r) for r in elmo["related"])


def test_eval_prints_recall_mrr_answers_and_latency_per_mode(seeded_home: Path, tmp_path: Path) -> None:
    gold = tmp_path / "gold.jsonl"
    gold.write_text(
        '{"id":"a","q":"What is HNSW?","source":"003_2b72a920368736ff.txt","evidence":"Navigable Small World"}\n'
        '{"id":"b","q":"What is Whisper?","source":"000_ea24ba94182485b6.txt|004_bc70495b10dcb076.txt","evidence":"Whisper"}\n',
        encoding="utf-8",
    )
    result = run("eval", str(gold), home=seeded_home)
    assert result.returncode == 0, result.stderr
    table: dict[str, list[str]] = {}
    for line in result.stdout.splitlines():
        words = line.split()
        if words[:1] in (["hybrid"], ["bm25"], ["dense"]):
            table.setdefault(words[0], words[1:])
    assert set(table) == {"hybrid", "bm25", "dense"}
    _r1, _r3, r5, mrr, answer = (float(x) for x in table["hybrid"][:5])
    assert r5 == 1.0 and 0.5 <= mrr <= 1.0 and answer > 0.0


def test_ingest_is_idempotent_and_status_reports_the_index(tmp_path: Path) -> None:
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "a.md").write_text("# Topic\n\nRetrieval augmented generation grounds answers in notes.\n", encoding="utf-8")
    home = tmp_path / "home"
    first = run("ingest", str(notes), home=home)
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith("1 added, 0 updated, 0 removed, 0 unchanged; 1 chunk(s) embedded")
    second = run("ingest", str(notes), home=home)
    assert "0 added, 0 updated, 0 removed, 1 unchanged; 0 chunk(s) embedded" in second.stdout
    status = json.loads(run("status", "--json", home=home).stdout)
    assert status["notes"] == 1 and status["chunks"] == 1 and status["dimension"] == 384


def test_ingest_of_a_folder_with_nothing_readable_names_it_and_counts_what_it_skipped(tmp_path: Path) -> None:
    slides = tmp_path / "slides"
    slides.mkdir()
    for name in ("week1.pdf", "week2.pdf", "week3.PDF"):
        (slides / name).write_bytes(b"%PDF-1.4\n")
    (slides / "huge.md").write_text("x" * 2000, encoding="utf-8")
    (slides / ".DS_Store").write_bytes(b"\0")  # hidden: not counted
    result = run("ingest", str(slides), home=tmp_path / "home", STUDYGRAPH_MAX_NOTE_BYTES="1000")
    assert result.returncode == 2, result.stderr
    assert result.stderr.strip() == f"error: nothing to index in {slides.resolve()}: 4 files skipped (3 damaged; 1 too large)"
    assert result.stdout == "" and not (tmp_path / "home" / "manifest.json").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("search", ""), "error: the query is empty"),
        (("search", "clip", "--mode", "fuzzy"), "error: mode must be one of hybrid, bm25, dense, got 'fuzzy'"),
        (("ask", "--file", "/nonexistent/q.txt"), "error: query file /nonexistent/q.txt does not exist"),
        (("eval", "/nonexistent/gold.jsonl"), "error: gold file /nonexistent/gold.jsonl does not exist"),
        (("ask", "What is CLIP?"), "error: no index in"),
        (("concept", "Zorblax"), "error: no index in"),
    ],
)
def test_user_mistakes_print_one_line_and_exit_non_zero(tmp_path: Path, args: tuple[str, ...], message: str) -> None:
    result = run(*args, home=tmp_path / "empty-home")
    assert result.returncode == 2
    assert result.stderr.strip().startswith(message), result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr


def test_unknown_concept_suggests_close_matches(seeded_home: Path) -> None:
    result = run("concept", "Flamingoo", home=seeded_home)
    assert result.returncode == 2
    assert "did you mean" in result.stderr and "Flamingo" in result.stderr


def test_cards_and_grade_through_the_entry_point(seeded_home: Path) -> None:
    cards = json.loads(run("cards", "--json", home=seeded_home).stdout)
    qa = [c for c in cards if c["kind"] == "qa"]
    assert len(qa) >= 90
    card = next(c for c in qa if "Perceiver Resampler" in c["question"])
    assert card["source"] == "seeds/000_ea24ba94182485b6.txt" and 25 <= card["start_line"] <= 29

    def grade(text: str) -> dict:
        result = run("grade", "--card", card["id"], "--answer", text, "--json", home=seeded_home)
        assert result.returncode == 0, result.stderr
        return json.loads(result.stdout)

    right = grade("A Flamingo component that turns a variable number of image features into a fixed set of 64 visual tokens")
    wrong = grade("It is the sigmoid loss that replaces softmax in contrastive pre-training")
    assert right["score"] > wrong["score"]
    assert right["verdict"] in ("right", "partial") and wrong["verdict"] == "wrong"
