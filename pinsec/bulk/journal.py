"""A resumable, atomic output journal for bulk runs.

Results are appended, chunk by chunk and in input order, to ``<output>.partial`` and
``<rejects>.partial``; after each chunk both are flushed to disk and ``<output>.progress`` is replaced
atomically with the number of input records done and the two partial files' sizes. A run that dies at any
point resumes by truncating the partial files to the recorded sizes (dropping a half-written chunk) and
skipping the records already done, so no record is written twice or lost. At the end the progress file
is marked ``finishing``, the partial files are renamed over the final names and the progress file is
removed; a run killed between those renames finds the mark and completes the renames that remain.

File system failures (an unwritable folder, a path with a NUL byte, a full disk) become
:class:`~pinsec.errors.DataError` with code ``io_error``, naming the operation, not the path's content.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..errors import DataError, PinsecError

__all__ = ["Journal", "io_errors"]


@contextmanager
def io_errors(what: str) -> Iterator[None]:
    """Turn an OS-level failure into a one-line pinsec error (no traceback, no partial result)."""
    try:
        yield
    except PinsecError:
        raise
    except (OSError, ValueError) as exc:
        detail = getattr(exc, "strerror", None) or type(exc).__name__
        raise DataError(f"cannot {what}: {detail}", code="io_error", field="file") from None


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class Journal:
    """Output and reject files of one bulk run, with crash-safe progress."""

    def __init__(self, output: Path, rejects: Path, fingerprint: str, out_header: str, rej_header: str) -> None:
        self.output, self.rejects = output, rejects
        self._out_partial = output.with_name(output.name + ".partial")
        self._rej_partial = rejects.with_name(rejects.name + ".partial")
        self._progress = output.with_name(output.name + ".progress")
        self._fingerprint = fingerprint
        self._headers = (out_header, rej_header)
        self.done = 0
        self._sizes = (0, 0)
        self.finished = False

    def _damaged(self, why: str) -> DataError:
        return DataError(f"{self._progress.name} {why}; remove it and the .partial files to start over",
                         code="progress_damaged", field="progress")

    def _state(self) -> dict[str, object]:
        try:
            state = json.loads(self._progress.read_text(encoding="utf-8"))
        except (ValueError, RecursionError, UnicodeDecodeError):
            raise self._damaged("is damaged") from None
        if not isinstance(state, dict):
            raise self._damaged("is damaged")
        if state.get("fingerprint") != self._fingerprint:
            raise self._damaged("belongs to another input or translation")
        numbers = [state.get(k) for k in ("done", "output_size", "rejects_size")]
        if not all(isinstance(n, int) and not isinstance(n, bool) and n >= 0 for n in numbers):
            raise self._damaged("is damaged")
        return state

    def start(self) -> int:
        """Open the journal; return how many input records earlier runs already committed."""
        with io_errors("open the bulk journal"):
            if self._progress.exists():
                state = self._state()
                self.done = int(state["done"])  # type: ignore[call-overload]
                self._sizes = (int(state["output_size"]), int(state["rejects_size"]))  # type: ignore[call-overload]
                if state.get("finishing") is True:
                    self._complete()
                    return self.done
                for path, size in zip((self._out_partial, self._rej_partial), self._sizes, strict=True):
                    if not path.exists() or path.stat().st_size < size:
                        raise self._damaged(f"does not match {path.name}")
                    with path.open("r+b") as f:
                        f.truncate(size)
                return self.done
            for path, header in zip((self._out_partial, self._rej_partial), self._headers, strict=True):
                path.write_text(header, encoding="utf-8")
            self._sizes = (len(self._headers[0].encode()), len(self._headers[1].encode()))
            self._save()
            return 0

    def commit(self, out_lines: list[str], rej_lines: list[str], records: int) -> None:
        """Append one chunk's lines durably, then record the progress."""
        with io_errors("write the bulk output"):
            self._commit(out_lines, rej_lines, records)

    def _commit(self, out_lines: list[str], rej_lines: list[str], records: int) -> None:
        sizes = []
        for path, lines in zip((self._out_partial, self._rej_partial), (out_lines, rej_lines), strict=True):
            with path.open("a", encoding="utf-8", newline="") as f:
                f.write("".join(lines))
                f.flush()
                os.fsync(f.fileno())
                sizes.append(f.tell())
        self._sizes = (sizes[0], sizes[1])
        self.done += records
        self._save()

    def _save(self, finishing: bool = False) -> None:
        state = {"fingerprint": self._fingerprint, "done": self.done, "output_size": self._sizes[0],
                 "rejects_size": self._sizes[1], "finishing": finishing}
        tmp = self._progress.with_name(self._progress.name + ".tmp")
        with tmp.open("w", encoding="utf-8") as f:
            json.dump(state, f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, self._progress)
        _fsync_dir(self._progress.parent)

    def finish(self) -> None:
        """Move the partial files over the final names and drop the progress file (crash-safe)."""
        if self.finished:
            return
        with io_errors("finish the bulk output"):
            self._save(finishing=True)
            self._complete()

    def _complete(self) -> None:
        """The renames of a finishing run: those not done yet, then the progress file goes."""
        for partial, final in ((self._out_partial, self.output), (self._rej_partial, self.rejects)):
            if partial.exists():
                os.replace(partial, final)
        self._progress.unlink(missing_ok=True)
        _fsync_dir(self.output.parent)
        self.finished = True
