"""Threads released at once: the concurrency tests of the client and of the providers."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any


def at_once(n: int, work: Callable[[int], Any], timeout: float = 60) -> list[Any]:
    """`work(i)` in `n` threads released together; the results in order. The first
    failure is raised; a thread still running after `timeout` seconds fails the test."""
    barrier = threading.Barrier(n)
    results: list[Any] = [None] * n
    failures: list[BaseException] = []

    def run(i: int) -> None:
        barrier.wait()
        try:
            results[i] = work(i)
        except BaseException as exc:  # noqa: BLE001 - re-raised below
            failures.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    assert not any(t.is_alive() for t in threads), "a thread is stuck"
    if failures:
        raise failures[0]
    return results
