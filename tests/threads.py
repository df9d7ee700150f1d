"""Running one function in many threads at once and collecting what failed (a failure in a thread is
otherwise lost)."""

from __future__ import annotations

import threading
from collections.abc import Callable


def run_in_threads(work: Callable[[int], list[str]], threads: int, timeout: float = 300) -> list[str]:
    """``work(n)`` in ``threads`` threads at once; the failures they report, and any thread still running."""
    failures: list[str] = []

    def one(n: int) -> None:
        try:
            failures.extend(work(n))
        except Exception as exc:
            failures.append(f"thread {n}: {exc!r}")

    running = [threading.Thread(target=one, args=(n,)) for n in range(threads)]
    for t in running:
        t.start()
    for t in running:
        t.join(timeout=timeout)
    failures += [f"{t.name} did not finish" for t in running if t.is_alive()]
    return failures
