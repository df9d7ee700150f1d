"""Batch derivation equals one-by-one derivation for the shapes batches really have, on both DUKPTs.

A host's batch is rarely a set of random counters: it is runs of consecutive counters from one device
(what an originator emits), several devices interleaved, the same KSN twice (a retry), counters that are
prefixes of one another (the memo's best and worst case), in input order or sorted. The batch functions
share intermediate keys between KSNs; these properties catch a memo that hands a KSN the wrong prefix.
The reference is the one-by-one derivation, itself checked against the published X9.24 vectors.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pinsec.dukpt import aes, tdes

# ANSI X9.24-1:2009 A.4 BDK; ANSI X9.24-3:2017 supplement AES-128 BDK.
TDES_BDK = bytes.fromhex("0123456789ABCDEFFEDCBA9876543210")
AES_BDK = bytes.fromhex("FEDCBA9876543210F1F1F1F1F1F1F1F1")


def _valid_tdes(counter: int) -> bool:
    return 0 < counter < 1 << 21 and counter.bit_count() <= 10


def _valid_aes(counter: int) -> bool:
    return 0 < counter < 0xFFFFFFFF and counter.bit_count() <= 16


@st.composite
def _batch(draw: st.DrawFn, bits: int, valid: object, devices: st.SearchStrategy[int]) -> list[tuple[int, int]]:
    """(device, counter) pairs: consecutive runs, prefixes of members, duplicates, shuffled or sorted."""
    chosen = draw(st.lists(devices, min_size=1, max_size=3, unique=True))
    pairs: list[tuple[int, int]] = []
    for device in chosen:
        start = draw(st.integers(1, (1 << bits) - 2))
        run = [c for c in range(start, min(start + draw(st.integers(1, 40)), (1 << bits) - 1))
               if valid(c)]  # type: ignore[operator]
        pairs += [(device, c) for c in run]
        for c in run[: draw(st.integers(0, 3))]:  # the prefixes of some members: counter with low bits cleared
            for shift in draw(st.lists(st.integers(1, bits - 1), max_size=3)):
                prefix = c & ~((1 << shift) - 1)
                if valid(prefix):  # type: ignore[operator]
                    pairs.append((device, prefix))
    if not pairs:
        pairs = [(chosen[0], 1)]
    pairs += draw(st.lists(st.sampled_from(pairs), max_size=4))  # retries: the same KSN again
    return sorted(pairs) if draw(st.booleans()) else draw(st.permutations(pairs))


_TDES_DEVICES = st.integers(0, (1 << 59) - 1).map(lambda d: d << 21)
_AES_DEVICES = st.binary(min_size=8, max_size=8)


@settings(max_examples=150, deadline=None)
@given(pairs=_batch(21, _valid_tdes, _TDES_DEVICES),
       usage=st.sampled_from([tdes.KeyUsage.PIN, tdes.KeyUsage.MAC_REQUEST, tdes.KeyUsage.DATA_RESPONSE]))
def test_tdes_batch_equals_one_by_one(pairs: list[tuple[int, int]], usage: tdes.KeyUsage) -> None:
    ksns = [(device | counter).to_bytes(10, "big") for device, counter in pairs]
    assert tdes.derive_working_keys(TDES_BDK, ksns, usage) == [tdes.derive_working_key(TDES_BDK, k, usage)
                                                              for k in ksns]


@settings(max_examples=150, deadline=None)
@given(pairs=_batch(32, _valid_aes, st.integers(0, 2).map(lambda i: bytes([0x12, 0x34, i, 0x78] * 2)) | _AES_DEVICES),
       kt=st.sampled_from([aes.KeyType.AES128, aes.KeyType.TDES2]))
def test_aes_batch_equals_one_by_one(pairs: list[tuple[object, int]], kt: aes.KeyType) -> None:
    ksns = [bytes(device) + counter.to_bytes(4, "big") for device, counter in pairs]  # type: ignore[call-overload]
    usage = aes.KeyUsage.PIN_ENCRYPTION
    assert aes.derive_working_keys(AES_BDK, ksns, usage, kt) == [aes.derive_working_key(AES_BDK, k, usage, kt)
                                                                for k in ksns]


@pytest.mark.parametrize("shape", ["one device, consecutive", "two devices interleaved", "prefix after member"])
def test_known_shapes(shape: str) -> None:
    # Fixed cases that once fooled a memo: a counter that is a prefix of one already derived.
    if shape == "one device, consecutive":
        counters = list(range(1, 65))
    elif shape == "two devices interleaved":
        counters = [c for pair in zip(range(1, 30), range(100, 129), strict=True) for c in pair]
    else:
        counters = [0b1011, 0b1010, 0b1000, 0b1011, 0b0011]
    ik = bytes.fromhex("1234567890123456")
    ksns = [ik + c.to_bytes(4, "big") for c in counters]
    usage, kt = aes.KeyUsage.MAC_GENERATION, aes.KeyType.AES128
    assert aes.derive_working_keys(AES_BDK, ksns, usage, kt) == [aes.derive_working_key(AES_BDK, k, usage, kt)
                                                                for k in ksns]
    device = 0xFFFF9876543210E00000
    tksns = [(device | c).to_bytes(10, "big") for c in counters]
    assert tdes.derive_working_keys(TDES_BDK, tksns, tdes.KeyUsage.PIN) == [
        tdes.derive_working_key(TDES_BDK, k, tdes.KeyUsage.PIN) for k in tksns]


@settings(max_examples=100, deadline=None)
@given(pairs=_batch(21, _valid_tdes, _TDES_DEVICES), usage=st.sampled_from(list(tdes.KeyUsage)),
       variant_only=st.booleans())
def test_tdes_vectorised_engine_equals_one_by_one(pairs: list[tuple[int, int]], usage: tdes.KeyUsage,
                                                   variant_only: bool) -> None:
    # the numpy engine that tdes.derive_working_keys hands large batches to, on the same shapes
    engine = pytest.importorskip("pinsec.batch.dukpt_tdes")
    values = [device | counter for device, counter in pairs]
    one_way = usage in (tdes.KeyUsage.DATA_REQUEST, tdes.KeyUsage.DATA_RESPONSE) and not variant_only
    assert engine.derive_working_keys(TDES_BDK, values, usage.value, one_way) == [
        tdes.derive_working_key(TDES_BDK, v.to_bytes(10, "big"), usage, data_variant_only=variant_only)
        for v in values]


@settings(max_examples=60, deadline=None)
@given(pairs=_batch(32, _valid_aes, st.integers(0, 2).map(lambda i: bytes([0x12, 0x34, i, 0x78] * 2)) | _AES_DEVICES),
       kt=st.sampled_from([aes.KeyType.AES128, aes.KeyType.TDES2, aes.KeyType.HMAC128]))
def test_aes_vectorised_engine_equals_one_by_one(pairs: list[tuple[bytes, int]], kt: aes.KeyType) -> None:
    engine = pytest.importorskip("pinsec.batch.dukpt_aes")
    usage = aes.KeyUsage.PIN_ENCRYPTION
    assert engine.derive_working_keys(AES_BDK, [(bytes(d), c) for d, c in pairs], usage, kt) == [
        aes.derive_working_key(AES_BDK, bytes(d) + c.to_bytes(4, "big"), usage, kt) for d, c in pairs]
