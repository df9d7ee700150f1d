"""Fixed benchmark inputs shared by the pytest-benchmark cases and compare.py."""

from __future__ import annotations

import os
import random
import tempfile
from pathlib import Path

import pinsec

TDES_BDK = bytes.fromhex("0123456789ABCDEFFEDCBA9876543210")
AES_BDK = bytes.fromhex("FEDCBA9876543210F1F1F1F1F1F1F1F1")
TDES_PREFIX = int.from_bytes(bytes.fromhex("FFFF9876543210E00000"), "big")
AES_IK_ID = bytes.fromhex("1234567890123456")


def counters(bits: int, max_ones: int, n: int, *, ones: int | None = None, seed: int = 1) -> list[int]:
    """``n`` random counters of ``bits`` bits with exactly ``ones`` one-bits, or uniform valid ones."""
    rng = random.Random(seed)
    out: list[int] = []
    while len(out) < n:
        if ones is None:
            c = rng.randrange(1, 1 << bits)
            if c.bit_count() <= max_ones:
                out.append(c)
        else:
            out.append(sum(1 << p for p in rng.sample(range(bits), ones)))
    return out


def tdes_ksns(n: int, *, ones: int | None = None) -> list[bytes]:
    return [(TDES_PREFIX | c).to_bytes(10, "big") for c in counters(21, 10, n, ones=ones)]


def aes_ksns(n: int, *, ones: int | None = None) -> list[bytes]:
    return [AES_IK_ID + c.to_bytes(4, "big") for c in counters(32, 16, n, ones=ones)]


#: The LMK of the benchmarks' key stores (a fixed test value, never a real one).
BENCH_LMK = "000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F"


def bench_store(prefix: str) -> tuple[Path, pinsec.Hsm]:
    """A fresh folder with a key store under :data:`BENCH_LMK` (which bulk workers read from the
    environment), and an authorised Hsm on it."""
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    os.environ["PINSEC_LMK"] = BENCH_LMK
    return folder, pinsec.Hsm(keystore=folder / "keys.json", authorized=True)
