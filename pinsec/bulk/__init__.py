"""Bulk work: translate files of PIN blocks with an :class:`~pinsec.Hsm`, resumably, on many cores.

:func:`translate_pins` reads records of (id, PIN block, PAN[, KSN]) from CSV or JSON Lines, translates
them in chunks through any :class:`concurrent.futures.Executor` (local processes by default; a Dask or
Ray cluster's executor scales the same code out), and commits results in input order to a journal, so an
interrupted run restarts where it stopped and never writes a record twice or loses one. Bad records go
to a reject file with their id and error code. Keys reach workers as key blocks under the LMK, never in
clear; each worker reads the LMK from the ``lmk_file`` given, or its own environment (``PINSEC_LMK_FILE``
or ``PINSEC_LMK``). A structurally bad line (not UTF-8, not JSON, no id) is a reject with its line number.
"""

from __future__ import annotations

from .records import Record, Rejected, read_records
from .translate import BulkSummary, Result, TranslateSpec, translate_file, translate_pins

__all__ = [
    "BulkSummary",
    "Record",
    "Rejected",
    "Result",
    "TranslateSpec",
    "read_records",
    "translate_file",
    "translate_pins",
]
