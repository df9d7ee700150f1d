"""Which lines of a package a call executes, in order: the tests of pinsec.batch run the same work under two
unrelated keys and compare, to show that nothing the engine does branches on key or data bits."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any


def executed_lines(run: Callable[[], object], folder: Path) -> list[tuple[str, int]]:
    """Every line under ``folder`` that ``run`` executes, in order."""
    executed: list[tuple[str, int]] = []
    prefix = str(folder)

    def local(frame: Any, event: str, arg: Any) -> Any:
        if event == "line":
            executed.append((frame.f_code.co_filename, frame.f_lineno))
        return local

    def start(frame: Any, event: str, arg: Any) -> Any:
        return local if frame.f_code.co_filename.startswith(prefix) else None

    sys.settrace(start)
    try:
        run()
    finally:
        sys.settrace(None)
    return executed
