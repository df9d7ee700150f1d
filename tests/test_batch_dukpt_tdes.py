"""The vectorised TDES DUKPT engine (pinsec.batch.dukpt_tdes): published vectors through it, chunking,
counters of every weight, the choice tdes.derive_working_keys makes, and control flow that does not
depend on key values. Batch shapes (runs of one device, interleaved devices, retries) are in
tests/test_dukpt_batch.py."""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("numpy")

from pinsec import batch
from pinsec.batch import dukpt_tdes
from pinsec.dukpt import tdes
from pinsec.errors import DataError
from tests.tracing import executed_lines

ROOT = Path(__file__).resolve().parent.parent
BDK = bytes.fromhex("0123456789ABCDEFFEDCBA9876543210")  # ANSI X9.24-1:2009 A.4
DATA = (tdes.KeyUsage.DATA_REQUEST, tdes.KeyUsage.DATA_RESPONSE)


def _one_by_one(bdk: bytes, values: list[int], usage: tdes.KeyUsage, variant_only: bool = False) -> list[bytes]:
    return [tdes.derive_working_key(bdk, v.to_bytes(10, "big"), usage, data_variant_only=variant_only, lenient=True)
            for v in values]


def _engine(bdk: bytes, values: list[int], usage: tdes.KeyUsage, variant_only: bool = False) -> list[bytes]:
    return dukpt_tdes.derive_working_keys(bdk, values, usage.value, usage in DATA and not variant_only)


def test_the_published_working_keys_through_the_engine() -> None:
    # every derive_working_key vector of vectors/dukpt_tdes.json with a key as its answer (X9.24-1 A.4 and
    # the sources named there; the refusals are tdes's, before the engine), one batch per (BDK, usage, flag)
    vectors = [v for v in json.loads((ROOT / "vectors/dukpt_tdes.json").read_text())["vectors"]
               if v["operation"] == "dukpt.tdes.derive_working_key" and "key" in v["expected"]]
    groups: dict[tuple[str, str, bool], list[dict[str, Any]]] = {}
    for v in vectors:
        groups.setdefault((v["bdk"], v["usage"], v.get("data_variant_only", False)), []).append(v)
    assert sum(len(g) for g in groups.values()) == len(vectors) > 80
    for (bdk, usage, variant_only), group in groups.items():
        keys = _engine(bytes.fromhex(bdk), [int(v["ksn"], 16) for v in group], tdes.KeyUsage[usage], variant_only)
        assert [k.hex().upper() for k in keys] == [v["expected"]["key"] for v in group], group[0]["id"]


def test_every_counter_weight_from_zero_to_twenty_one() -> None:
    # weights above 10 and counter 0 only reach the engine in lenient mode; the walk is the same
    rng = random.Random(21)
    values = []
    for weight in range(22):
        for _ in range(3):
            bits = rng.sample(range(21), weight)
            values.append((rng.getrandbits(59) << 21) | sum(1 << b for b in bits))
    for usage in (tdes.KeyUsage.PIN, tdes.KeyUsage.DATA_RESPONSE):
        assert _engine(BDK, values, usage) == _one_by_one(BDK, values, usage)


def test_chunks_join_up(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(5)
    values = [(rng.getrandbits(59) << 21) | rng.choice([1, 3, 0x1FF800, 0x100000]) for _ in range(700)]
    monkeypatch.setattr(dukpt_tdes, "CHUNK", 128)  # 5 full chunks and a part, across word boundaries
    assert _engine(BDK, values, tdes.KeyUsage.MAC_REQUEST) == _one_by_one(BDK, values, tdes.KeyUsage.MAC_REQUEST)


def test_a_triple_length_bdk() -> None:
    bdk = bytes(range(24))
    values = [0xFFFF9876543210E00000 | c for c in (1, 2, 3, 0x1FF800)]
    assert _engine(bdk, values, tdes.KeyUsage.PIN) == _one_by_one(bdk, values, tdes.KeyUsage.PIN)


def _lines(run: Callable[[], object]) -> list[tuple[str, int]]:
    return executed_lines(run, ROOT / "pinsec" / "batch")


def test_the_work_done_does_not_depend_on_the_keys() -> None:
    # Same KSNs, two unrelated BDKs (so unrelated IPEKs and key registers in every lane): the engine runs the
    # same lines in the same order, S-box circuits included, so nothing it does branches on a key bit (the
    # KSN counters decide the number of steps, and they are public). Its array operations take the same
    # time whatever the bits in them, so timing depends on lane and step counts only.
    rng = random.Random(9)
    values = [(rng.getrandbits(59) << 21) | rng.choice([1, 0x1FF800, 0x155555 & 0x1FFBFF, 6]) for _ in range(300)]
    first = _lines(lambda: _engine(BDK, values, tdes.KeyUsage.DATA_REQUEST))
    second = _lines(lambda: _engine(bytes(range(100, 116)), values, tdes.KeyUsage.DATA_REQUEST))
    assert len(first) > 100_000
    assert first == second


def test_large_batches_of_many_devices_go_to_the_engine(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(3)
    ksns = [((rng.getrandbits(59) << 21) | (1 << rng.randrange(21))).to_bytes(10, "big") for _ in range(3000)]
    used: list[int] = []
    real = dukpt_tdes.derive_from_table

    def counting(*args: Any) -> list[bytes]:
        used.append(len(args[1]))
        return real(*args)

    monkeypatch.setattr(dukpt_tdes, "derive_from_table", counting)
    keys = tdes.derive_working_keys(BDK, ksns, tdes.KeyUsage.PIN)
    assert used == [3000]
    assert keys[::300] == [tdes.derive_working_key(BDK, k, tdes.KeyUsage.PIN) for k in ksns[::300]]
    # a short run of one device's consecutive counters stays with the memoised one-at-a-time walk
    used.clear()
    tdes.derive_working_keys(BDK, [(0xFFFF9876543210E00000 | c).to_bytes(10, "big") for c in range(1, 100)],
                             tdes.KeyUsage.PIN)
    assert used == []


def test_the_choice_follows_the_measured_costs() -> None:
    assert not dukpt_tdes.faster_than_one_by_one(lanes=100, devices=100)
    assert dukpt_tdes.faster_than_one_by_one(lanes=5000, devices=5000)
    assert not dukpt_tdes.faster_than_one_by_one(lanes=2000, devices=1)
    assert dukpt_tdes.faster_than_one_by_one(lanes=100_000, devices=1)


@pytest.mark.parametrize("threads", ["1", "3"])
def test_threads_share_the_chunks_and_keep_the_order(threads: str, monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(8)
    values = [(rng.getrandbits(59) << 21) | (1 << rng.randrange(21)) for _ in range(1000)]
    monkeypatch.setenv("PINSEC_BATCH_THREADS", threads)
    monkeypatch.setattr(dukpt_tdes, "CHUNK", 192)
    assert batch.threads() == int(threads)
    assert _engine(BDK, values, tdes.KeyUsage.PIN) == _one_by_one(BDK, values, tdes.KeyUsage.PIN)


@pytest.mark.parametrize("given", ["0", "65", "two", "-1"])
def test_a_bad_thread_count_is_refused(given: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PINSEC_BATCH_THREADS", given)
    with pytest.raises(DataError) as info:
        batch.threads()
    assert info.value.field == "PINSEC_BATCH_THREADS"
