"""A vectorised engine for many independent keys at once (the optional ``pinsec[fast]`` extra, numpy).

DES and AES run bitsliced: bit ``i`` of every lane's block lives in one array of 64-bit words (plane
``i``), 64 lanes to a word, so a permutation or DES's key schedule is a choice of rows and an S-box is a
fixed boolean circuit (:mod:`pinsec.batch._des_sboxes`; AES's computed in a tower field,
:mod:`pinsec.batch._aes`). There is no table look-up and no branch on key or data values, so the time
taken depends on the number of lanes and steps only. :mod:`pinsec.batch.dukpt_tdes` and
:mod:`pinsec.batch.dukpt_aes` derive DUKPT keys for many KSNs this way;
:func:`pinsec.dukpt.tdes.derive_working_keys` and :func:`pinsec.dukpt.aes.derive_working_keys` use them
above the batch size where they win when numpy is installed.
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from ..errors import DataError

__all__ = ["available", "threads"]

_T = TypeVar("_T")
_R = TypeVar("_R")


def available() -> bool:
    """True when numpy is installed, so the vectorised engine can run."""
    return importlib.util.find_spec("numpy") is not None


def threads(default: int | None = None) -> int:
    """How many threads the engine runs chunks on: ``PINSEC_BATCH_THREADS`` when set (1 to 64), else
    ``default`` when given, else the cores this process may use (at most 8). numpy releases the GIL inside
    its array operations, so chunks on threads run on several cores at once."""
    given = os.environ.get("PINSEC_BATCH_THREADS")
    if given is not None:
        if not given.isdigit() or not 1 <= int(given) <= 64:
            raise DataError("PINSEC_BATCH_THREADS is a whole number from 1 to 64", field="PINSEC_BATCH_THREADS")
        return int(given)
    if default is not None:
        return default
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(1, min(cores, 8))


def in_chunks(items: Sequence[_T], chunk: int, run: Callable[[Sequence[_T]], list[_R]], *,
              least: int = 8192, workers: int | None = None) -> list[_R]:
    """``run`` over ``items`` in pieces of at most ``chunk`` (at least ``least`` when there are that many,
    so a piece keeps the arrays long), on ``workers`` threads (:func:`threads` unless given), results joined
    in order."""
    workers = threads() if workers is None else workers
    size = max(min(chunk, -(-len(items) // workers)), min(least, chunk))
    pieces = [items[i:i + size] for i in range(0, len(items), size)]
    if workers == 1 or len(pieces) == 1:
        return [r for piece in pieces for r in run(piece)]
    with ThreadPoolExecutor(min(workers, len(pieces)), thread_name_prefix="pinsec-batch") as pool:
        return [r for part in pool.map(run, pieces) for r in part]
