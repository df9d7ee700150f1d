"""Bulk translation throughput: 100,000 TDES ISO 0 records to AES ISO 4, with 1 and 2 worker processes."""

from __future__ import annotations

import csv
from pathlib import Path

from _inputs import bench_store

import pinsec
from pinsec import KeyAttributes, pinblock
from pinsec.bulk import TranslateSpec, translate_file
from rows import Row

RECORDS = 100_000
_SRC = bytes.fromhex("F039121BEC83D26B169BDCD5B22AAF8F")
_state: dict[str, object] = {}


def _prepare() -> tuple[Path, Path, TranslateSpec]:
    if not _state:
        folder, hsm = bench_store("pinsec-bench-")
        src = hsm.import_clear_key(_SRC, KeyAttributes("P0", "T", "D"))
        dst = hsm.generate_key(KeyAttributes("P0", "A", "E"))
        with (folder / "in.csv").open("w", newline="") as f:
            w = csv.writer(f)
            w.writerow(["id", "pin_block", "pan"])
            for i in range(RECORDS):
                pan = f"4{i:015d}"
                w.writerow([f"r{i}", pinblock.encipher(_SRC, f"{1000 + i % 9000}", pan).hex().upper(), pan])
        _state.update(folder=folder, spec=TranslateSpec(src.id, 0, dst.id, 4))
    folder = _state["folder"]
    spec = _state["spec"]
    assert isinstance(folder, Path) and isinstance(spec, TranslateSpec)
    return folder, folder / "in.csv", spec


def _bulk(workers: int):  # type: ignore[no-untyped-def]
    def run(n: int) -> None:
        folder, source, spec = _prepare()
        out = folder / f"out-{workers}.csv"
        translate_file(source, out, hsm=pinsec.Hsm(keystore=folder / "keys.json"), spec=spec, workers=workers,
                       chunk_size=2000)
        out.unlink()
        (folder / f"out-{workers}.rejects.csv").unlink()

    return run


ROWS = [
    Row("bulk translate ISO 0 -> ISO 4, records", "pinsec, 1 worker", _bulk(1), n=RECORDS),
    Row("bulk translate ISO 0 -> ISO 4, records", "pinsec, 2 workers", _bulk(2), n=RECORDS),
]
