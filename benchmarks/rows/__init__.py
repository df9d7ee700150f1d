"""Peer comparison rows for benchmarks/compare.py: each module defines ``ROWS: list[Row]``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Row:
    """``run(n)`` performs ``n`` operations on inputs prepared outside the timed call. A row that times
    itself (a C program measuring its own loop) gives ``seconds(n)`` instead, the time ``n`` operations took."""

    group: str
    impl: str
    run: Callable[[int], None]
    n: int = 2000
    seconds: Callable[[int], float] | None = None
    #: timed runs after the warm-up, the fastest counting (as timeit does: the others carry other load)
    repeat: int = 1
