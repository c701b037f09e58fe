"""Conversations kept in the data directory (assistant/chat_history.py) and exported as
Markdown with footnotes (assistant/chat_export.py), on real answers from the seeds."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from studygraph.assistant.chat_export import pieces, to_markdown
from studygraph.assistant.chat_history import ChatLog, Message, message_from_dict, message_to_dict
from studygraph.assistant.types import Citation

QUESTION = "What is the masking ratio of BERT's MLM?"


@pytest.fixture(scope="module")
def answer(seeded):
    return seeded.ask(QUESTION, llm=False)


def turn(question: str, answer=None) -> list[Message]:
    asked = Message("user", question)
    reply = Message("assistant", "", answer) if answer is not None else Message("assistant", "the query is empty")
    return [asked, reply]


def test_a_conversation_survives_a_new_process(tmp_path: Path, answer) -> None:
    log = ChatLog(tmp_path)
    chat = log.current()
    messages = turn(QUESTION, answer)
    log.save(chat.id, messages)
    again = ChatLog(tmp_path).current()  # what a reloaded page reads
    assert again.id == chat.id and [m.id for m in again.messages] == [m.id for m in messages]
    kept = again.messages[1].answer
    assert kept is not None and kept.text == answer.text and kept.citations == answer.citations
    assert kept.related == answer.related and kept.found
    assert {h.chunk.id for h in kept.hits} >= {c.chunk_id for c in answer.citations}
    assert len(kept.hits) <= max(3, len(answer.citations))
    assert again.title == QUESTION


def test_new_chat_keeps_the_old_one_and_another_tab_never_overwrites_it(tmp_path: Path, answer) -> None:
    tab_a, tab_b = ChatLog(tmp_path), ChatLog(tmp_path)
    first = tab_a.current().id
    tab_a.save(first, turn(QUESTION, answer))
    second = tab_b.start()  # tab B presses "New chat"
    assert tab_b.current().id == second and tab_b.current().messages == ()
    later = [*tab_a.load(first).messages, *turn("And its NSP?", answer)]
    tab_a.save(first, later)  # tab A still answers in its own conversation
    assert ChatLog(tmp_path).current().id == second
    assert len(ChatLog(tmp_path).load(first).messages) == 4
    assert [c.id for c in ChatLog(tmp_path).conversations()] == [first]  # the empty new chat is not listed yet
    assert ChatLog(tmp_path).open(first).id == first and ChatLog(tmp_path).current().id == first


def test_two_tabs_on_one_conversation_both_keep_their_turns(tmp_path: Path, answer) -> None:
    log = ChatLog(tmp_path)
    chat = log.current().id
    mine, theirs = turn(QUESTION, answer), turn("What is CLIP?", answer)
    log.save(chat, mine)
    log.save(chat, theirs)  # the other tab never saw `mine`
    assert {m.id for m in log.load(chat).messages} == {m.id for m in mine + theirs}


def test_the_tag_an_answer_was_read_with_is_saved_with_it(tmp_path: Path, answer) -> None:
    log = ChatLog(tmp_path)
    chat = log.current().id
    asked, reply = turn(QUESTION, answer)
    tagged = replace(reply, tag="ml")
    log.save(chat, [asked, tagged, *turn("And its NSP?", answer)])
    kept = ChatLog(tmp_path).load(chat).messages  # what a reload or a reopened chat reads
    assert [m.tag for m in kept] == ["", "ml", "", ""]
    assert kept[1].id == tagged.id and kept[1].answer is not None and kept[1].answer.text == answer.text
    assert "tag" not in message_to_dict(reply)  # untagged turns are written as before


def test_a_history_saved_before_the_tag_filter_still_loads() -> None:
    old = {"id": "0123456789abcdef", "role": "assistant", "content": "the query is empty", "at": 1700000000.0}
    message = message_from_dict(old)
    assert message.tag == "" and message.content == "the query is empty" and message.id == old["id"]
    assert message_to_dict(message) == old  # and is written back unchanged


def test_an_unreadable_history_is_set_aside_not_lost(tmp_path: Path) -> None:
    log = ChatLog(tmp_path)
    chat = log.current().id
    log.path(chat).parent.mkdir(parents=True, exist_ok=True)
    log.path(chat).write_text('{"version": 1, "messages": [{"role": "user"', encoding="utf-8")
    loaded = log.current()
    assert loaded.messages == () and "could not be read" in loaded.problem
    aside = list(log.folder.glob(f"{chat}.json.unreadable-*"))
    assert len(aside) == 1 and aside[0].read_text(encoding="utf-8").startswith('{"version": 1')
    assert str(aside[0]) in loaded.problem


def test_a_bad_pointer_starts_a_new_chat_and_ids_never_name_other_files(tmp_path: Path) -> None:
    log = ChatLog(tmp_path)
    log.pointer.parent.mkdir(parents=True)
    log.pointer.write_text("../../etc/passwd", encoding="utf-8")
    assert log.current().messages == ()
    with pytest.raises(ValueError, match="not a conversation id"):
        log.path("../x")


def test_markers_of_one_source_in_a_row_become_one() -> None:
    assert pieces("A. [1] B. [1] C. [2] see [9]", {1, 2}) == ["A. B. ", 1, " C. ", 2, " see [9]"]
    assert pieces("A [1]. B [1].", {1}) == ["A. B ", 1, "."]


def test_markdown_export_has_footnotes_with_file_lines_and_quote(answer) -> None:
    quoted = replace(answer, text=answer.text + " A note's own [7] stays.")
    messages = [*turn(QUESTION, quoted), *turn("   ")]
    titles = {answer.citations[0].source: "Interview Grill"}
    text = to_markdown(messages, titles, now=0)
    first: Citation = answer.citations[0]
    assert f"**Q:** {QUESTION}" in text and "[^2-1]" in text and "own [7] stays" in text
    lines = f"line {first.start_line}" if first.start_line == first.end_line else f"lines {first.start_line}-{first.end_line}"
    note = next(line for line in text.splitlines() if line.startswith("[^2-1]:"))
    assert "Interview Grill" in note and Path(first.source).name in note and lines in note
    assert " ".join(first.quote.split()).replace('"', "'") in note
    assert "**A:** the query is empty" in text


def test_a_notebook_footnote_names_the_cell_and_its_lines() -> None:
    from studygraph.assistant.chat_export import footnote
    from studygraph.ingest.units import Unit, encode

    units = encode("cell", [Unit(1, 1, 4), Unit(2, 6, 9), Unit(3, 11, 14)])
    cited = Citation(1, "c1", "/notes/lab.ipynb", 12, 13, "Fitting", "The model is fit by OLS.")
    note = footnote("1", cited, {}, units)
    assert "lab.ipynb cell 3, lines 2-3" in note and 'The model is fit by OLS.' in note
    assert "lines 12-13" in footnote("1", cited, {})  # a text note keeps its file lines


def test_the_export_names_the_tag_under_the_answer_it_filtered(answer) -> None:
    asked, reply = turn(QUESTION, answer)
    plain = to_markdown([asked, reply], {}, now=0)
    assert "tagged" not in plain
    text = to_markdown([asked, replace(reply, tag="ml"), *turn("And its NSP?", answer)], {}, now=0)
    lines = text.splitlines()
    line = "*Answered from notes tagged #ml*"
    assert lines.count(line) == 1  # under the tagged answer only, not the second, untagged one
    assert lines[lines.index(line) - 2].startswith("**A:** ")
    assert lines.index(line) < next(i for i, x in enumerate(lines) if x == "**Q:** And its NSP?")
