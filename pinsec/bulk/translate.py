"""Bulk PIN block translation through an :class:`~pinsec.Hsm` and any ``concurrent.futures.Executor``."""

from __future__ import annotations

import hashlib
import importlib
import itertools
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Final

from .._hex import to_hex
from ..errors import DataError, PinsecError
from ..hsm import Hsm, KeyHandle
from ..keystore import load_lmk
from .journal import Journal, io_errors
from .records import Record, Rejected, file_kind, format_line, header_line, read_records

__all__ = ["BulkSummary", "Result", "TranslateSpec", "translate_file", "translate_pins"]


@dataclass(frozen=True)
class TranslateSpec:
    """What to do with every record: source and destination keys (ids in the Hsm) and formats."""

    src_key: str
    src_format: int
    dst_key: str
    dst_format: int
    src_dukpt_key_type: str | None = None
    dst_dukpt_key_type: str | None = None


@dataclass(frozen=True)
class Result:
    """One record's outcome: the translated block (hex), or the error code of a rejected record, with the
    input line it came from."""

    id: str
    pin_block: str | None
    error: str | None = None
    line: int = 0


@dataclass(frozen=True)
class BulkSummary:
    """Records in the finished output and reject files (earlier, interrupted runs included), and
    ``resumed_from``: the input records those earlier runs had committed."""

    translated: int
    rejected: int
    resumed_from: int


@dataclass(frozen=True)
class _Job:
    """What a worker receives: the keys as key blocks under the LMK (never clear), the spec, and where the
    worker finds the LMK (a path, or None for its environment; never the LMK itself)."""

    spec: TranslateSpec
    src_block: str
    dst_block: str
    lmk_file: str | None = None


def _translate_chunk(
    hsm: Hsm, src: KeyHandle, dst: KeyHandle, spec: TranslateSpec, chunk: list[Record | Rejected]
) -> list[Result]:
    """One chunk through :meth:`Hsm.translate_pins` (DUKPT keys of a device derived once per chunk); lines
    that were not records come back as their rejection, in place."""
    good = [r for r in chunk if isinstance(r, Record)]
    outs = iter(hsm.translate_pins(
        [(r.pin_block, r.pan, r.ksn) for r in good], src_key=src, src_format=spec.src_format, dst_key=dst,
        dst_format=spec.dst_format, src_dukpt_key_type=spec.src_dukpt_key_type,
        dst_dukpt_key_type=spec.dst_dukpt_key_type,
    ) if good else [])
    results = []
    for r in chunk:
        if isinstance(r, Rejected):
            results.append(Result(r.id, None, r.code, r.line))
            continue
        o = next(outs)
        results.append(Result(r.id, None, o.code, r.line) if isinstance(o, PinsecError)
                       else Result(r.id, to_hex(o), None, r.line))
    return results


_WORKER_KEYS: dict[tuple[str, str], tuple[Hsm, KeyHandle, KeyHandle]] = {}


def _worker_keys(job: _Job) -> tuple[Hsm, KeyHandle, KeyHandle]:
    """The worker's own in-memory HSM holding the job's keys, taken as key blocks under the shared LMK."""
    cached = _WORKER_KEYS.get((job.src_block, job.dst_block))
    if cached is None:
        hsm = Hsm(lmk=load_lmk(lmk_file=job.lmk_file))
        cached = (hsm, hsm.import_stored_key_block(job.src_block), hsm.import_stored_key_block(job.dst_block))
        _WORKER_KEYS.clear()
        _WORKER_KEYS[(job.src_block, job.dst_block)] = cached
    return cached


def _work(job: _Job, chunk: list[Record | Rejected]) -> list[Result]:
    hsm, src, dst = _worker_keys(job)
    return _translate_chunk(hsm, src, dst, job.spec, chunk)


#: Records per chunk when none is given; a DUKPT source gets chunks large enough for the batch engine
#: (pinsec.batch) when numpy is installed, since its keys are derived per chunk.
DEFAULT_CHUNK: Final = 500
DUKPT_CHUNK: Final = 16_384


def _chunk_size(hsm: Hsm, spec: TranslateSpec, chunk_size: int | None) -> int:
    if chunk_size is None:
        from .. import batch

        dukpt = hsm.key(spec.src_key).attributes.usage.value == "B0"
        return DUKPT_CHUNK if dukpt and batch.available() else DEFAULT_CHUNK
    if isinstance(chunk_size, bool) or not isinstance(chunk_size, int) or chunk_size < 1:
        raise DataError("chunk_size and workers must be at least 1", field="workers")
    return chunk_size


def _chunks(records: Iterable[Record | Rejected], size: int) -> Iterator[list[Record | Rejected]]:
    it = iter(records)
    while chunk := list(itertools.islice(it, size)):
        yield chunk


def translate_pins(
    records: Iterable[Record | Rejected],
    *,
    hsm: Hsm,
    spec: TranslateSpec,
    workers: int = 1,
    executor: Executor | None = None,
    chunk_size: int | None = None,
    lmk_file: str | os.PathLike[str] | None = None,
) -> Iterator[list[Result]]:
    """Translate records chunk by chunk; yields each chunk's results in input order.

    ``chunk_size`` defaults to :data:`DEFAULT_CHUNK`, or :data:`DUKPT_CHUNK` for a BDK source when the batch
    engine (numpy) is installed, so that each chunk's DUKPT keys are derived by it.

    With ``workers=1`` and no ``executor`` the work runs in this process on ``hsm``. Otherwise chunks go
    to ``executor`` (or a local ``ProcessPoolExecutor(workers)``): each worker gets the two keys as key
    blocks under the LMK, as the key store holds them, and reads the LMK from ``lmk_file`` (a path every
    worker can read) or else from its own environment (``PINSEC_LMK_FILE`` / ``PINSEC_LMK``).
    """
    if workers < 1:
        raise DataError("chunk_size and workers must be at least 1", field="workers")
    chunk_size = _chunk_size(hsm, spec, chunk_size)
    src, dst = hsm.key(spec.src_key), hsm.key(spec.dst_key)
    if executor is None and workers == 1:
        for chunk in _chunks(records, chunk_size):
            yield _translate_chunk(hsm, src, dst, spec, chunk)
        return
    job = _Job(spec, hsm.stored_key_block(src), hsm.stored_key_block(dst),
               None if lmk_file is None else os.fspath(lmk_file))
    own = executor is None
    pool = executor or ProcessPoolExecutor(max_workers=workers)
    try:
        window = max(2, 2 * workers)
        pending: list[Any] = []
        for chunk in _chunks(records, chunk_size):
            pending.append(pool.submit(_work, job, chunk))
            if len(pending) >= window:
                yield pending.pop(0).result()
        for fut in pending:
            yield fut.result()
    finally:
        if own:
            pool.shutdown(cancel_futures=True)


def _fingerprint(path: Path, spec: TranslateSpec) -> str:
    h = hashlib.sha256(repr(sorted(asdict(spec).items())).encode())
    with io_errors("read the input file"), path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _progress_bar(total: int, initial: int) -> Any:
    if not sys.stderr.isatty():
        return None
    try:
        tqdm = importlib.import_module("tqdm").tqdm
    except ImportError:
        return None
    return tqdm(total=total, initial=initial, unit="rec", file=sys.stderr)


def translate_file(
    input: str | Path,
    output: str | Path,
    *,
    hsm: Hsm,
    spec: TranslateSpec,
    rejects: str | Path | None = None,
    workers: int = 1,
    executor: Executor | None = None,
    chunk_size: int | None = None,
    on_commit: Callable[[int], None] | None = None,
    lmk_file: str | os.PathLike[str] | None = None,
) -> BulkSummary:
    """Translate a CSV or JSON Lines file into ``output`` (same format), resumably.

    Rejected records go to ``rejects`` (default ``<output>.rejects<suffix>``) as id, input line and error
    code; no PIN, PAN or key is ever written or logged. ``on_commit(done)`` runs after each committed
    chunk (tests use it to simulate a crash). Re-running the same command after an interruption resumes it.
    """
    src_path, out_path = Path(input), Path(output)
    kind = file_kind(src_path)
    if file_kind(out_path) != kind:
        raise DataError("output must have the same format (.csv or .jsonl) as the input", field="output")
    rej_path = Path(rejects) if rejects else out_path.with_name(f"{out_path.stem}.rejects{out_path.suffix}")
    # Everything that can refuse the run is checked before the journal writes its first file, so a refused
    # start leaves nothing that would block the corrected run.
    if workers < 1:
        raise DataError("chunk size and workers must be at least 1", field="workers")
    hsm.key(spec.src_key)
    hsm.key(spec.dst_key)
    chunk_size = _chunk_size(hsm, spec, chunk_size)
    first = read_records(src_path)
    try:
        next(first, None)  # opens the input and reads its header
    finally:
        first.close()
    journal = Journal(out_path, rej_path, _fingerprint(src_path, spec), header_line(kind, ("id", "pin_block")),
                      header_line(kind, ("id", "line", "error")))
    skip = journal.start()
    total = sum(1 for _ in read_records(src_path))
    bar = _progress_bar(total, skip)
    remaining = itertools.islice(read_records(src_path), skip, None)
    try:
        for results in translate_pins(remaining, hsm=hsm, spec=spec, workers=workers, executor=executor,
                                      chunk_size=chunk_size, lmk_file=lmk_file):
            out = [format_line(kind, {"id": r.id, "pin_block": r.pin_block or ""}) for r in results if r.error is None]
            rej = [format_line(kind, {"id": r.id, "line": str(r.line), "error": r.error or ""})
                   for r in results if r.error is not None]
            journal.commit(out, rej, len(results))
            if bar is not None:
                bar.update(len(results))
            if on_commit is not None:
                on_commit(journal.done)
    finally:
        if bar is not None:
            bar.close()
    journal.finish()
    return BulkSummary(_records_in(out_path, kind), _records_in(rej_path, kind), skip)


def _records_in(path: Path, kind: str) -> int:
    """Records in a finished output or reject file (one line each, after the CSV header)."""
    with io_errors("count the bulk output"), path.open("rb") as f:
        lines = sum(1 for _ in f)
    return lines - (1 if kind == "csv" else 0)
