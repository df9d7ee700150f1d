"""The vectorised TDES DUKPT engine against a C/OpenSSL per-key loop, on one batch of 65,536 KSNs of random
devices with random valid counters under one BDK (issue 17's yardstick), and its memory for 1,000,000 KSNs.

The C loop (benchmarks/c/dukpt_tdes_loop.c) is built here with the system compiler and libcrypto when both
are present, and left out (said so) when not; its keys are checked against pinsec's before it is timed, and
its rate is the one it measures around its own loop (process start and I/O excluded, in C's favour).
"""

from __future__ import annotations

import random
import shutil
import subprocess
import tempfile
import tracemalloc
from pathlib import Path

from _inputs import TDES_BDK

from pinsec import batch
from pinsec.dukpt import tdes
from rows import Row

BATCH = 65_536
_SOURCE = Path(__file__).resolve().parent.parent / "c" / "dukpt_tdes_loop.c"


def _random_ksns(n: int, seed: int) -> list[bytes]:
    rng = random.Random(seed)
    out: list[bytes] = []
    while len(out) < n:
        counter = rng.randrange(1, 1 << 21)
        if counter.bit_count() <= 10:
            out.append(((rng.getrandbits(59) << 21) | counter).to_bytes(10, "big"))
    return out


_KSNS = _random_ksns(BATCH, 17)
if batch.available():
    from pinsec.batch import dukpt_tdes  # imported before timing, as a long-running host would have it


def _pinsec_batch(n: int) -> None:
    tdes.derive_working_keys(TDES_BDK, _KSNS[:n], tdes.KeyUsage.PIN)


def _pinsec_single(n: int) -> None:
    for ksn in _KSNS[:n]:
        tdes.derive_working_key(TDES_BDK, ksn, tdes.KeyUsage.PIN)


def _build_c() -> Path | None:
    compiler = shutil.which("cc") or shutil.which("gcc")
    if compiler is None:
        return None
    exe = Path(tempfile.mkdtemp(prefix="pinsec-bench-c-")) / "dukpt_tdes_loop"
    built = subprocess.run([compiler, "-O2", "-Wno-deprecated-declarations", "-o", str(exe), str(_SOURCE),
                            "-lcrypto"], capture_output=True, check=False)
    return exe if built.returncode == 0 else None


_C = _build_c()


def _c_seconds(n: int) -> float:
    assert _C is not None
    done = subprocess.run([str(_C), TDES_BDK.hex()], input=b"".join(_KSNS[:n]), capture_output=True, check=True)
    sample = range(0, n, max(1, n // 50))
    for i in sample:  # the loop's keys are the standard's, or its rate means nothing
        want = tdes.derive_working_key(TDES_BDK, _KSNS[i], tdes.KeyUsage.PIN)
        assert done.stdout[16 * i:16 * i + 16] == want, "the C loop's keys differ from pinsec's"
    rate = float(done.stderr.decode().split()[-1])
    return n / rate


GROUP = "TDES DUKPT PIN keys, 65,536 KSNs of random devices, one BDK"
ROWS = [
    Row(GROUP, "pinsec tdes.derive_working_keys" + (" (numpy engine)" if batch.available() else " (no numpy)"),
        _pinsec_batch, BATCH),
    Row(GROUP, "pinsec, one derive_working_key call per KSN", _pinsec_single, 4000),
]
if _C is not None:
    ROWS.append(Row(GROUP, "C/OpenSSL per-key loop (benchmarks/c)", lambda n: None, BATCH, seconds=_c_seconds))


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


NOTES = [_memory_note]
if _C is None:
    NOTES.append(lambda: "C/OpenSSL loop: no compiler or libcrypto headers here; its row is left out")
