"""Real servers for tests: a command on a free loopback port, up until its
health URL answers, always stopped afterwards (its log in the failure message)."""

from __future__ import annotations

import socket
import subprocess
import time
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import pytest


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def serving(
    command: Sequence[str] | Callable[[int], Sequence[str]],
    health: Callable[[int], str],
    log_path: Path,
    timeout: float = 60.0,
    **popen,
) -> Iterator[int]:
    """Start `command(port)`, wait until `health(port)` answers 200, yield the port."""
    port = free_port()
    argv = list(command(port) if callable(command) else command)
    with log_path.open("wb") as log:
        proc = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, **popen)
        try:
            deadline = time.monotonic() + timeout
            while True:
                if proc.poll() is not None:
                    pytest.fail(f"{argv[0]} exited with {proc.returncode}:\n{_tail(log_path)}")
                try:
                    with urllib.request.urlopen(health(port), timeout=2) as response:
                        if response.status == 200:
                            break
                except OSError:
                    pass
                if time.monotonic() > deadline:
                    pytest.fail(f"{argv[0]} did not answer on port {port} within {timeout:.0f} s:\n{_tail(log_path)}")
                time.sleep(0.3)
            yield port
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def _tail(path: Path) -> str:
    return path.read_text(errors="replace")[-3000:]
