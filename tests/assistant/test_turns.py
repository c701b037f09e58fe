"""Questions first (assistant/turns.py): background work waits while a page or question holds a turn."""

from __future__ import annotations

import threading
import time

from studygraph.assistant.turns import Turns


def _waiter(turns: Turns) -> tuple[threading.Thread, threading.Event]:
    done = threading.Event()
    thread = threading.Thread(target=lambda: (turns.wait(), done.set()), daemon=True)
    thread.start()
    return thread, done


def test_background_waits_until_every_turn_is_given_back() -> None:
    turns = Turns()
    assert turns.wait(timeout=0)  # nobody holds one: no wait
    with turns.foreground():
        with turns.foreground():  # a page, and the question it answers
            _, done = _waiter(turns)
            assert not done.wait(0.2)
        assert not done.wait(0.2), "one turn is still held"
    assert done.wait(5)
    assert turns.held() == 0


def test_a_turn_held_in_another_thread_counts() -> None:
    turns = Turns()
    release = threading.Event()

    def page() -> None:
        with turns.foreground():
            release.wait(5)

    threading.Thread(target=page, daemon=True).start()
    deadline = time.monotonic() + 5
    while turns.held() == 0 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert not turns.wait(timeout=0.2)
    release.set()
    assert turns.wait(timeout=5)


def test_aside_lets_background_work_run_while_a_page_waits_for_it() -> None:
    turns = Turns()
    with turns.foreground():
        _, done = _waiter(turns)
        with turns.aside():
            assert done.wait(5)
        assert turns.held() == 1  # the page holds its turn again
    assert turns.held() == 0


def test_aside_without_a_turn_changes_nothing() -> None:
    turns = Turns()
    other = threading.Event()
    threading.Thread(target=lambda: (turns._take(1), other.set()), daemon=True).start()  # held elsewhere, never given back
    assert other.wait(5)
    with turns.aside():  # this thread holds none: it cannot give away the other thread's
        assert turns.held() == 1
    assert turns.held() == 1
