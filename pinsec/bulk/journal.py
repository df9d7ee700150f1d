"""A resumable, atomic output journal for bulk runs.

Results are appended, chunk by chunk and in input order, to ``<output>.partial`` and
``<rejects>.partial``; after each chunk both are flushed to disk and ``<output>.progress`` is replaced
atomically with the number of input records done and the two partial files' sizes. A run that dies at any
point resumes by truncating the partial files to the recorded sizes (dropping a half-written chunk) and
skipping the records already done, so no record is written twice or lost. At the end the partial files
are renamed over the final names and the progress file is removed.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from ..errors import DataError

__all__ = ["Journal"]


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

    def start(self) -> int:
        """Open the journal; return how many input records earlier runs already committed."""
        if self._progress.exists():
            try:
                state = json.loads(self._progress.read_text(encoding="utf-8"))
            except ValueError:
                raise DataError(f"{self._progress.name} is damaged; remove it and the .partial files to start over",
                                field="progress") from None
            if state.get("fingerprint") != self._fingerprint:
                raise DataError(f"{self._progress.name} belongs to another input or translation; remove it and the "
                                ".partial files to start over", field="progress")
            self.done = int(state["done"])
            self._sizes = (int(state["output_size"]), int(state["rejects_size"]))
            for path, size in zip((self._out_partial, self._rej_partial), self._sizes, strict=True):
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

    def _save(self) -> None:
        state = {"fingerprint": self._fingerprint, "done": self.done, "output_size": self._sizes[0],
                 "rejects_size": self._sizes[1]}
        tmp = self._progress.with_name(self._progress.name + ".tmp")
        with tmp.open("w", encoding="utf-8") as f:
            json.dump(state, f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, self._progress)
        _fsync_dir(self._progress.parent)

    def finish(self) -> None:
        """Move the partial files over the final names and drop the progress file."""
        os.replace(self._out_partial, self.output)
        os.replace(self._rej_partial, self.rejects)
        self._progress.unlink()
        _fsync_dir(self.output.parent)
