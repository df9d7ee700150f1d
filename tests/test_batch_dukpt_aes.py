"""The vectorised AES DUKPT engine (pinsec.batch.dukpt_aes): the published X9.24-3 working keys through it,
every BDK length and derived key type, counters of every weight, chunking, the choice
aes.derive_working_keys makes, and control flow that does not depend on key values. Batch shapes (runs of
one device, interleaved devices, retries) are in tests/test_dukpt_batch.py."""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("numpy")

from pinsec.batch import dukpt_aes
from pinsec.dukpt import aes
from tests.tracing import executed_lines

ROOT = Path(__file__).resolve().parent.parent
BDK128 = bytes.fromhex("FEDCBA9876543210F1F1F1F1F1F1F1F1")  # ANSI X9.24-3:2017 supplement
IK_ID = bytes.fromhex("1234567890123456")


def _one_by_one(bdk: bytes, pairs: list[tuple[bytes, int]], usage: aes.KeyUsage, kt: aes.KeyType) -> list[bytes]:
    return [aes.derive_working_key(bdk, ik + c.to_bytes(4, "big"), usage, kt, lenient=True) for ik, c in pairs]


def test_the_published_working_keys_through_the_engine() -> None:
    # every derive_working_key vector of vectors/dukpt_aes.json with a key as its answer, one batch per
    # (BDK, usage, key type)
    vectors = [v for v in json.loads((ROOT / "vectors/dukpt_aes.json").read_text())["vectors"]
               if v["operation"] == "dukpt.aes.derive_working_key" and "key" in v["expected"]
               and not v.get("lenient")]
    groups: dict[tuple[str, str, str], list[dict[str, Any]]] = {}
    for v in vectors:
        groups.setdefault((v["bdk"], v["usage"], v["key_type"]), []).append(v)
    assert len(vectors) > 20
    for (bdk, usage, kt), group in groups.items():
        pairs = [(bytes.fromhex(v["ksn"][:16]), int(v["ksn"][16:], 16)) for v in group]
        keys = dukpt_aes.derive_working_keys(bytes.fromhex(bdk), pairs, aes.KeyUsage[usage], aes.KeyType[kt])
        assert [k.hex().upper() for k in keys] == [v["expected"]["key"].upper() for v in group], group[0]["id"]


@pytest.mark.parametrize("bdk", [BDK128, bytes(range(24)), bytes(range(32))], ids=["AES-128", "AES-192", "AES-256"])
def test_every_key_type_the_bdk_allows(bdk: bytes) -> None:
    rng = random.Random(len(bdk))
    pairs = [(rng.randbytes(8), rng.getrandbits(32) | 1) for _ in range(70)] + [(IK_ID, c) for c in range(1, 40)]
    strength = aes.BDK_KEY_TYPES[len(bdk)].value[2]
    for kt in aes.KeyType:
        if kt.value[2] > strength:
            continue
        for usage in (aes.KeyUsage.PIN_ENCRYPTION, aes.KeyUsage.DATA_ENCRYPTION_BOTH_WAYS):
            assert dukpt_aes.derive_working_keys(bdk, pairs, usage, kt) == _one_by_one(bdk, pairs, usage, kt), kt


def test_every_counter_weight() -> None:
    rng = random.Random(32)
    pairs = [(rng.randbytes(8), sum(1 << b for b in rng.sample(range(32), weight)))
             for weight in range(1, 33) for _ in range(2)]
    usage, kt = aes.KeyUsage.MAC_GENERATION, aes.KeyType.AES128
    assert dukpt_aes.derive_working_keys(BDK128, pairs, usage, kt) == _one_by_one(BDK128, pairs, usage, kt)


def test_chunks_join_up(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(6)
    pairs = [(rng.randbytes(8), rng.choice([1, 0xFFFF0000, 0x80000000, 3])) for _ in range(300)]
    monkeypatch.setattr(dukpt_aes, "CHUNK", 128)
    usage, kt = aes.KeyUsage.PIN_ENCRYPTION, aes.KeyType.AES128
    assert dukpt_aes.derive_working_keys(BDK128, pairs, usage, kt) == _one_by_one(BDK128, pairs, usage, kt)


def _lines(run: Callable[[], object]) -> list[tuple[str, int]]:
    return executed_lines(run, ROOT / "pinsec" / "batch")


def test_the_work_done_does_not_depend_on_the_keys() -> None:
    # Same KSNs under two unrelated BDKs: the same lines of pinsec.batch run in the same order
    rng = random.Random(10)
    pairs = [(rng.randbytes(8), rng.choice([1, 0xFFFF0000, 0x12345678])) for _ in range(200)]
    usage, kt = aes.KeyUsage.PIN_ENCRYPTION, aes.KeyType.AES128
    first = _lines(lambda: dukpt_aes.derive_working_keys(BDK128, pairs, usage, kt))
    second = _lines(lambda: dukpt_aes.derive_working_keys(bytes(range(16)), pairs, usage, kt))
    assert len(first) > 10_000
    assert first == second


def test_large_batches_of_many_devices_go_to_the_engine(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(4)
    ksns = [rng.randbytes(8) + (1 << rng.randrange(32)).to_bytes(4, "big") for _ in range(3000)]
    used: list[int] = []
    real = dukpt_aes.derive_from_table

    def counting(*args: Any) -> list[bytes]:
        used.append(len(args[1]))
        return real(*args)

    monkeypatch.setattr(dukpt_aes, "derive_from_table", counting)
    usage, kt = aes.KeyUsage.PIN_ENCRYPTION, aes.KeyType.AES128
    keys = aes.derive_working_keys(BDK128, ksns, usage, kt)
    assert used == [3000]
    assert keys[::300] == [aes.derive_working_key(BDK128, k, usage, kt) for k in ksns[::300]]
    used.clear()
    aes.derive_working_keys(BDK128, [IK_ID + c.to_bytes(4, "big") for c in range(1, 100)], usage, kt)
    assert used == []
