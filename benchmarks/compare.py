"""Time pinsec and its Python peers on the same inputs in one run; print operations/s and ratios.

    python benchmarks/compare.py            # every row module in benchmarks/rows/
    python benchmarks/compare.py dukpt      # only the rows of benchmarks/rows/dukpt.py

Each group is timed after a warm-up; the ratio is pinsec's speed over the peer's (above 1: pinsec is
faster).
"""

from __future__ import annotations

import argparse
import functools
import importlib
import pkgutil
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import rows


def _elapsed(run: Callable[[int], None], n: int) -> float:
    start = time.perf_counter()
    run(n)
    return time.perf_counter() - start


def _rate(row: rows.Row) -> float:
    """Operations per second of ``row``: after a warm-up (caches, lazy imports, worker start-up code paths),
    the fastest of ``row.repeat`` timed runs (a row timing itself gives ``seconds``; else its ``run`` is
    timed)."""
    seconds = row.seconds or functools.partial(_elapsed, row.run)
    seconds(min(row.n, 50))
    return max(row.n / seconds(row.n) for _ in range(row.repeat))


def main(argv: list[str]) -> int:
    # psec still calls cryptography's deprecated TripleDES paths; pinsec does not.
    warnings.filterwarnings("ignore", module="psec")
    known = sorted(m.name for m in pkgutil.iter_modules(rows.__path__))
    parser = argparse.ArgumentParser(prog="benchmarks/compare.py", description=(__doc__ or "").split("\n")[0])
    parser.add_argument("groups", nargs="*", metavar="GROUP",
                        help=f"row modules of benchmarks/rows to run (default: all of {', '.join(known)})")
    names = parser.parse_args(argv).groups or known
    unknown = [name for name in names if name not in known]
    if unknown:  # (argparse's choices= refuses an empty list on Python 3.11, so checked here)
        parser.error(f"unknown group {', '.join(unknown)}: choose from {', '.join(known)}")
    results: dict[str, list[tuple[str, float]]] = {}
    notes: list[str] = []
    for name in names:
        module = importlib.import_module(f"rows.{name}")
        for row in module.ROWS:
            rate = _rate(row)
            results.setdefault(row.group, []).append((row.impl, rate))
        notes.extend(note() for note in getattr(module, "NOTES", []))
    width = max(len(impl) for group in results.values() for impl, _ in group)
    for group, entries in results.items():
        print(group)
        base = next((rate for impl, rate in entries if impl.startswith("pinsec")), None)
        for impl, rate in entries:
            ratio = "" if impl.startswith("pinsec") or base is None else f"   pinsec is {base / rate:.2f}x"
            print(f"  {impl:<{width}}  {rate:>12,.0f} /s{ratio}")
    for note in notes:
        print(note)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
