"""Bulk input and output records: CSV (with a header row) or JSON Lines, chosen by file suffix.

Reading never aborts on one bad record: a line that is not UTF-8, not JSON (or too deeply nested), not a
JSON object, a CSV row the csv module refuses (a field over its size limit, a stray quote), or a record
without a non-empty ``id`` and a ``pin_block`` comes back as a :class:`Rejected` with its line number (and
its id where one could be read), and the run goes on. A UTF-8 byte order mark at the start is accepted.
Only a file that cannot be read at all, or a CSV header without ``id`` and ``pin_block``, stops the run.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from ..errors import DataError

__all__ = ["Record", "Rejected", "file_kind", "format_line", "read_records"]

_FIELDS = ("id", "pin_block", "pan", "ksn")
_MAX_ID = 64


@dataclass(frozen=True)
class Record:
    """One input record. ``pan`` and ``ksn`` may be empty where the formats and keys do not need them."""

    id: str
    pin_block: str
    pan: str | None = None
    ksn: str | None = None
    line: int = 0

    def __repr__(self) -> str:  # the block and PAN stay out of logs and tracebacks
        return f"Record(id={self.id!r}, line={self.line})"


@dataclass(frozen=True)
class Rejected:
    """A line that is not a usable record: where it is, its id if one could be read, and why (a code)."""

    id: str
    line: int
    code: str


def file_kind(path: str | Path) -> str:
    """``csv`` or ``jsonl`` from the suffix (``.csv``; ``.jsonl`` / ``.ndjson`` / ``.json``)."""
    suffix = Path(path).suffix.lower()
    if suffix == ".csv":
        return "csv"
    if suffix in (".jsonl", ".ndjson", ".json"):
        return "jsonl"
    raise DataError("bulk files are .csv or .jsonl", field="file")


def _id_of(row: dict[str, object]) -> str:
    rid = row.get("id")
    ok = isinstance(rid, str) and 0 < len(rid) <= _MAX_ID and rid.isprintable()
    return rid if ok else ""  # type: ignore[return-value]


def _record(row: dict[str, object], line: int) -> Record | Rejected:
    rid, block = _id_of(row), row.get("pin_block")
    if not rid:
        return Rejected("", line, "missing_id")
    if not isinstance(block, str) or not block:
        return Rejected(rid, line, "missing_pin_block")
    pan, ksn = row.get("pan") or None, row.get("ksn") or None
    if (pan is not None and not isinstance(pan, str)) or (ksn is not None and not isinstance(ksn, str)):
        return Rejected(rid, line, "invalid_record")
    return Record(rid, block, pan, ksn, line)


def _lines(f: BinaryIO) -> Iterator[tuple[int, str | None]]:
    """(line number, text) for each line; text is None for a line that is not UTF-8."""
    for n, raw in enumerate(f, start=1):
        if n == 1 and raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]
        try:
            yield n, raw.decode("utf-8")
        except UnicodeDecodeError:
            yield n, None


def _each_line(lines: Iterator[tuple[int, str | None]], parse: Callable[[int, str], Record | Rejected]
               ) -> Iterator[Record | Rejected]:
    """Every non-blank line parsed; a line that is not UTF-8 is a rejection in its place."""
    for n, text in lines:
        if text is None:
            yield Rejected("", n, "invalid_encoding")
        elif text.strip():
            yield parse(n, text)


def _csv_rows(lines: Iterator[tuple[int, str | None]]) -> Iterator[Record | Rejected]:
    header_line = next(lines, None)
    if header_line is None or header_line[1] is None:
        raise DataError("the CSV file has no readable header row", field="file")
    try:
        header = next(csv.reader([header_line[1]], strict=True))
    except (csv.Error, StopIteration):
        raise DataError("the CSV header row cannot be parsed", field="file") from None
    if not {"id", "pin_block"} <= set(header):
        raise DataError("the CSV header must name id and pin_block", field="file")

    def parse(n: int, text: str) -> Record | Rejected:
        try:
            values = next(csv.reader([text], strict=True))
        except (csv.Error, StopIteration):
            return Rejected("", n, "invalid_csv_row")
        row: dict[str, object] = dict(zip(header, values, strict=False))
        return _record(row, n) if len(values) == len(header) else Rejected(_id_of(row), n, "invalid_csv_row")

    return _each_line(lines, parse)


def _json_rows(lines: Iterator[tuple[int, str | None]]) -> Iterator[Record | Rejected]:
    def parse(n: int, text: str) -> Record | Rejected:
        try:
            row = json.loads(text)
        except (ValueError, RecursionError):
            return Rejected("", n, "invalid_json")
        return _record(row, n) if isinstance(row, dict) else Rejected("", n, "invalid_json")

    return _each_line(lines, parse)


def read_records(path: str | Path) -> Generator[Record | Rejected, None, None]:
    """Records of a CSV file (header ``id,pin_block,pan[,ksn]``) or a JSON Lines file, in file order;
    a bad line is a :class:`Rejected` in its place."""
    p = Path(path)
    kind = file_kind(p)
    try:
        f = p.open("rb")
    except (OSError, ValueError) as exc:
        raise DataError(f"cannot open the input file ({type(exc).__name__})", code="io_error",
                        field="input") from None
    with f:
        yield from (_csv_rows if kind == "csv" else _json_rows)(_lines(f))


def format_line(kind: str, values: dict[str, str]) -> str:
    """One output line (with its newline) in the file's format, fields in the given order."""
    if kind == "jsonl":
        return json.dumps(values, separators=(",", ":")) + "\n"
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerow(values.values())
    return buf.getvalue()


def header_line(kind: str, fields: tuple[str, ...]) -> str:
    """The CSV header row, or nothing for JSON Lines."""
    return ",".join(fields) + "\n" if kind == "csv" else ""
