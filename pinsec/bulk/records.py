"""Bulk input and output records: CSV (with a header row) or JSON Lines, chosen by file suffix."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ..errors import DataError

__all__ = ["Record", "file_kind", "format_line", "read_records"]

_FIELDS = ("id", "pin_block", "pan", "ksn")


@dataclass(frozen=True)
class Record:
    """One input record. ``pan`` and ``ksn`` may be empty where the formats and keys do not need them."""

    id: str
    pin_block: str
    pan: str | None = None
    ksn: str | None = None

    def __repr__(self) -> str:  # the block and PAN stay out of logs and tracebacks
        return f"Record(id={self.id!r})"


def file_kind(path: str | Path) -> str:
    """``csv`` or ``jsonl`` from the suffix (``.csv``; ``.jsonl`` / ``.ndjson`` / ``.json``)."""
    suffix = Path(path).suffix.lower()
    if suffix == ".csv":
        return "csv"
    if suffix in (".jsonl", ".ndjson", ".json"):
        return "jsonl"
    raise DataError(f"{Path(path).name}: bulk files are .csv or .jsonl", field="file")


def _record(row: dict[str, object], where: str) -> Record:
    rid, block = row.get("id"), row.get("pin_block")
    if not isinstance(rid, str) or not rid or not isinstance(block, str):
        raise DataError(f"{where}: a record needs string fields id and pin_block", field="record")
    pan, ksn = row.get("pan") or None, row.get("ksn") or None
    if (pan is not None and not isinstance(pan, str)) or (ksn is not None and not isinstance(ksn, str)):
        raise DataError(f"{where}: pan and ksn must be strings", field="record")
    return Record(rid, block, pan, ksn)


def read_records(path: str | Path) -> Iterator[Record]:
    """Records of a CSV file (header ``id,pin_block,pan[,ksn]``) or a JSON Lines file, in file order."""
    p = Path(path)
    kind = file_kind(p)
    with p.open(newline="", encoding="utf-8") as f:
        if kind == "csv":
            reader = csv.DictReader(f)
            if not reader.fieldnames or not {"id", "pin_block"} <= set(reader.fieldnames):
                raise DataError(f"{p.name}: the CSV header must name id and pin_block", field="file")
            for n, row in enumerate(reader, start=2):
                yield _record(dict(row), f"{p.name} line {n}")
        else:
            for n, line in enumerate(f, start=1):
                if not line.strip():
                    continue
                try:
                    row = json.loads(line)
                except ValueError:
                    raise DataError(f"{p.name} line {n}: not JSON", field="file") from None
                if not isinstance(row, dict):
                    raise DataError(f"{p.name} line {n}: not a JSON object", field="file")
                yield _record(row, f"{p.name} line {n}")


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
