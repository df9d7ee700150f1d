"""Bulk translation from TDES DUKPT (ISO 0 under each terminal's PIN key) to AES ISO 4: 1,000,000 records
of random terminals under one BDK, with 1 and 2 worker processes (issue 17's yardstick). Each chunk's DUKPT
keys are derived together, by the vectorised engine when numpy is installed.

Preparing the input (1,000,000 PIN blocks enciphered under their terminals' keys) takes a while before the
rows run; the warm-up translates the first 1,000 records only.
"""

from __future__ import annotations

import random
from pathlib import Path

from _inputs import TDES_BDK, bench_store

import pinsec
from pinsec import KeyAttributes, pinblock
from pinsec.bulk import TranslateSpec, translate_file
from pinsec.dukpt import tdes
from rows import Row

RECORDS = 1_000_000
_state: dict[str, object] = {}


def _prepare() -> tuple[Path, TranslateSpec]:
    if not _state:
        folder, hsm = bench_store("pinsec-bench-dukpt-")
        bdk = hsm.import_clear_key(TDES_BDK, KeyAttributes("B0", "T", "X"))
        dst = hsm.generate_key(KeyAttributes("P0", "A", "E"))
        rng = random.Random(23)
        ksns = []
        while len(ksns) < RECORDS:
            counter = rng.randrange(1, 1 << 21)
            if counter.bit_count() <= 10:
                ksns.append(((rng.getrandbits(59) << 21) | counter).to_bytes(10, "big"))
        keys = tdes.derive_working_keys(TDES_BDK, ksns, tdes.KeyUsage.PIN)
        with (folder / "in.csv").open("w") as f, (folder / "head.csv").open("w") as head:
            f.write("id,pin_block,pan,ksn\n")
            head.write("id,pin_block,pan,ksn\n")
            for i, (ksn, key) in enumerate(zip(ksns, keys, strict=True)):
                pan = f"4{i:015d}"
                line = f"r{i},{pinblock.encipher(key, f'{1000 + i % 9000}', pan).hex().upper()},{pan},{ksn.hex()}\n"
                f.write(line)
                if i < 1000:
                    head.write(line)
        _state.update(folder=folder, spec=TranslateSpec(bdk.id, 0, dst.id, 4))
    folder, spec = _state["folder"], _state["spec"]
    assert isinstance(folder, Path) and isinstance(spec, TranslateSpec)
    return folder, spec


def _bulk(workers: int):  # type: ignore[no-untyped-def]
    def run(n: int) -> None:
        folder, spec = _prepare()
        source = folder / ("in.csv" if n == RECORDS else "head.csv")
        out = folder / f"out-{workers}.csv"
        summary = translate_file(source, out, hsm=pinsec.Hsm(keystore=folder / "keys.json"), spec=spec,
                                 workers=workers)
        assert summary.rejected == 0
        out.unlink()
        (folder / f"out-{workers}.rejects.csv").unlink()

    return run


GROUP = "bulk translate TDES DUKPT ISO 0 -> AES ISO 4, 1,000,000 records of random terminals"
ROWS = [
    Row(GROUP, "pinsec, 1 worker", _bulk(1), n=RECORDS),
    Row(GROUP, "pinsec, 2 workers", _bulk(2), n=RECORDS),
]
