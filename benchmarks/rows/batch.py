"""The vectorised DUKPT engines against C/OpenSSL per-key loops, on one batch of 65,536 KSNs of random
devices with random valid counters under one BDK (issue 17's yardstick), and the TDES engine's memory for
1,000,000 KSNs.

The C loops (benchmarks/c/dukpt_tdes_loop.c, dukpt_aes_loop.c: OpenSSL's DES, and EVP AES with AES-NI)
are built here with the system compiler and libcrypto when both are present, and left out (said so) when
not; their keys are checked against pinsec's before they count, and their rate is the one they measure
around their own loop (process start and I/O excluded, in C's favour). The engine runs on one thread and
on as many as the machine gives it (``PINSEC_BATCH_THREADS``); the C loops on one core.
"""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import tempfile
import tracemalloc
from pathlib import Path

from _inputs import TDES_BDK

from pinsec import batch
from pinsec.dukpt import aes, tdes
from rows import Row

BATCH = 65_536
_C_DIR = Path(__file__).resolve().parent.parent / "c"


def _random_ksns(n: int, seed: int) -> list[bytes]:
    rng = random.Random(seed)
    out: list[bytes] = []
    while len(out) < n:
        counter = rng.randrange(1, 1 << 21)
        if counter.bit_count() <= 10:
            out.append(((rng.getrandbits(59) << 21) | counter).to_bytes(10, "big"))
    return out


_KSNS = _random_ksns(BATCH, 17)
if batch.available():  # imported before timing, as a long-running host would have them
    from pinsec.batch import dukpt_aes, dukpt_tdes


def _random_aes_ksns(n: int, seed: int) -> list[bytes]:
    rng = random.Random(seed)
    out: list[bytes] = []
    while len(out) < n:
        counter = rng.getrandbits(32)
        if 0 < counter.bit_count() <= 16:
            out.append(rng.randbytes(8) + counter.to_bytes(4, "big"))
    return out


_AES_KSNS = _random_aes_ksns(BATCH, 19)
_AES_BDK = bytes.fromhex("FEDCBA9876543210F1F1F1F1F1F1F1F1")  # ANSI X9.24-3:2017 supplement, AES-128


def _threads(count: int | None, run):  # type: ignore[no-untyped-def]
    def timed(n: int) -> None:
        before = os.environ.get("PINSEC_BATCH_THREADS")
        if count is not None:
            os.environ["PINSEC_BATCH_THREADS"] = str(count)
        try:
            run(n)
        finally:
            if before is None:
                os.environ.pop("PINSEC_BATCH_THREADS", None)
            else:
                os.environ["PINSEC_BATCH_THREADS"] = before

    return timed


def _pinsec_aes_batch(n: int) -> None:
    aes.derive_working_keys(_AES_BDK, _AES_KSNS[:n], aes.KeyUsage.PIN_ENCRYPTION, aes.KeyType.AES128)


def _pinsec_aes_single(n: int) -> None:
    for ksn in _AES_KSNS[:n]:
        aes.derive_working_key(_AES_BDK, ksn, aes.KeyUsage.PIN_ENCRYPTION, aes.KeyType.AES128)


def _pinsec_batch(n: int) -> None:
    tdes.derive_working_keys(TDES_BDK, _KSNS[:n], tdes.KeyUsage.PIN)


def _pinsec_single(n: int) -> None:
    for ksn in _KSNS[:n]:
        tdes.derive_working_key(TDES_BDK, ksn, tdes.KeyUsage.PIN)


def _build_c(name: str) -> Path | None:
    compiler = shutil.which("cc") or shutil.which("gcc")
    if compiler is None:
        return None
    exe = Path(tempfile.mkdtemp(prefix="pinsec-bench-c-")) / name
    built = subprocess.run([compiler, "-O2", "-Wno-deprecated-declarations", "-o", str(exe),
                            str(_C_DIR / f"{name}.c"), "-lcrypto"], capture_output=True, check=False)
    return exe if built.returncode == 0 else None


def _c_loop(exe: Path, bdk: bytes, ksns: list[bytes], derive):  # type: ignore[no-untyped-def]
    def seconds(n: int) -> float:
        done = subprocess.run([str(exe), bdk.hex()], input=b"".join(ksns[:n]), capture_output=True, check=True)
        for i in range(0, n, max(1, n // 50)):  # the loop's keys are the standard's, or its rate means nothing
            assert done.stdout[16 * i:16 * i + 16] == derive(ksns[i]), "the C loop's keys differ from pinsec's"
        return n / float(done.stderr.decode().split()[-1])

    return seconds


_C_TDES, _C_AES = _build_c("dukpt_tdes_loop"), _build_c("dukpt_aes_loop")
_ENGINE = " (numpy engine" if batch.available() else " (no numpy"

GROUP = "TDES DUKPT PIN keys, 65,536 KSNs of random devices, one BDK"
ROWS = [
    # the TDES engine runs on one thread unless PINSEC_BATCH_THREADS says otherwise (batch/dukpt_tdes.py)
    Row(GROUP, f"pinsec tdes.derive_working_keys{_ENGINE}, default: 1 thread)", _threads(None, _pinsec_batch),
        BATCH, repeat=3),
    Row(GROUP, f"pinsec tdes.derive_working_keys{_ENGINE}, PINSEC_BATCH_THREADS=2)", _threads(2, _pinsec_batch),
        BATCH, repeat=3),
    Row(GROUP, "pinsec, one derive_working_key call per KSN", _pinsec_single, 4000),
]
if _C_TDES is not None:
    ROWS.append(Row(GROUP, "C/OpenSSL per-key loop (benchmarks/c)", lambda n: None, BATCH,
                    seconds=_c_loop(_C_TDES, TDES_BDK, _KSNS,
                                    lambda k: tdes.derive_working_key(TDES_BDK, k, tdes.KeyUsage.PIN)), repeat=3))
AES_GROUP = "AES-128 DUKPT PIN keys, 65,536 KSNs of random devices, one BDK"
ROWS += [
    # the AES engine too runs on one thread unless PINSEC_BATCH_THREADS says otherwise (batch/dukpt_aes.py)
    Row(AES_GROUP, f"pinsec aes.derive_working_keys{_ENGINE}, default: 1 thread)", _threads(None, _pinsec_aes_batch),
        BATCH, repeat=3),
    Row(AES_GROUP, f"pinsec aes.derive_working_keys{_ENGINE}, PINSEC_BATCH_THREADS=2)",
        _threads(2, _pinsec_aes_batch), BATCH, repeat=3),
    Row(AES_GROUP, "pinsec, one derive_working_key call per KSN", _pinsec_aes_single, 4000),
]
if _C_AES is not None:
    ROWS.append(Row(AES_GROUP, "C/OpenSSL EVP (AES-NI) per-key loop (benchmarks/c)", lambda n: None, BATCH,
                    seconds=_c_loop(_C_AES, _AES_BDK, _AES_KSNS,
                                    lambda k: aes.derive_working_key(_AES_BDK, k, aes.KeyUsage.PIN_ENCRYPTION,
                                                                     aes.KeyType.AES128)), repeat=3))


def _memory_note() -> str:
    if not batch.available():
        return "batch engine memory: numpy is not installed"
    ksns = _random_ksns(1_000_000, 18)
    tracemalloc.start()
    keys = tdes.derive_working_keys(TDES_BDK, ksns, tdes.KeyUsage.PIN)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    result = sum(len(k) + 33 for k in keys) + 8 * len(keys)  # the answer itself: 1,000,000 bytes objects
    return (f"batch engine, 1,000,000 KSNs: peak {peak / 2**20:.0f} MiB traced, of which the returned keys "
            f"{result / 2**20:.0f} MiB; the engine's own working set {(peak - result) / 2**20:.0f} MiB "
            f"(chunks of {_chunk()} lanes)")


def _chunk() -> str:
    return f"{dukpt_tdes.CHUNK:,}"


def _crossing_note() -> str:
    """Both paths of derive_working_keys timed by batch size and shape: where the engine starts to win
    (what faster_than_one_by_one encodes)."""
    if not batch.available():
        return "crossing: numpy is not installed"
    import time

    lines = ["engine vs one-at-a-time walk (ms), by KSNs: random devices | one device's consecutive counters"]
    cases = [("TDES", dukpt_tdes, lambda ksns: tdes.derive_working_keys(TDES_BDK, ksns, tdes.KeyUsage.PIN),
              _KSNS, [(0xFFFF9876543210E00000 | c).to_bytes(10, "big") for c in range(1, 1 << 14)
                      if c.bit_count() <= 10]),
             ("AES", dukpt_aes, _aes_call, _AES_KSNS,
              [bytes.fromhex("1234567890123456") + c.to_bytes(4, "big") for c in range(1, 1 << 14)])]
    for name, module, call, random_ksns, one_device in cases:
        for n in (256, 1024, 4096, 8192):
            row = [f"  {name} {n:>5}:"]
            for ksns in (random_ksns[:n], one_device[:n]):
                times = []
                for force in (True, False):
                    real = module.faster_than_one_by_one
                    module.faster_than_one_by_one = lambda lanes, devices, force=force: force
                    try:
                        start = time.perf_counter()
                        call(ksns)
                        times.append((time.perf_counter() - start) * 1e3)
                    finally:
                        module.faster_than_one_by_one = real
                row.append(f"{times[0]:7.1f} vs {times[1]:7.1f}")
            lines.append(" ".join(row[:2]) + " | " + row[2])
    return "\n".join(lines)


def _aes_call(ksns: list[bytes]) -> list[bytes]:
    return aes.derive_working_keys(_AES_BDK, ksns, aes.KeyUsage.PIN_ENCRYPTION, aes.KeyType.AES128)


NOTES = [_memory_note, _crossing_note]
if _C_TDES is None or _C_AES is None:
    NOTES.append(lambda: "C/OpenSSL loops: no compiler or libcrypto headers here; their rows are left out")
