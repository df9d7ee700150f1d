"""TDES DUKPT (pinsec.dukpt.tdes): what a --quick mutation run of dukpt/tdes.py found untested. Each test
reaches its branch with otherwise-valid input: BDK checks, the routing of large batches to the vectorised
engine (the usage and one-way flag it is given), the memo that lets one device's KSNs share their steps,
an originator's KSN, repr, exhaustion and restored counter bounds, and the count of remaining transactions
(against a brute-force count of X9.24-1:2009's valid counters: 1 to 10 one-bits in 21)."""

from __future__ import annotations

import dataclasses
import struct

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pinsec.dukpt import tdes
from pinsec.dukpt._state import seal, unseal
from pinsec.errors import DataError, InvalidKeyError, KsnError

from .routing import spy_on_cost_model

BDK = bytes.fromhex("0123456789ABCDEFFEDCBA9876543210")  # ANSI X9.24-1:2009 A.4
IKSN = "FFFF9876543210E00000"
IPEK = bytes.fromhex("6AC292FAA1315B4D858AB3A3D7D5933A")  # X9.24-1:2009 A.4
PREFIX = int.from_bytes(bytes.fromhex(IKSN), "big")


def ksn(counter: int, prefix: int = PREFIX) -> bytes:
    return (prefix | counter).to_bytes(10, "big")


def test_check_ksn_gives_the_ten_bytes_back() -> None:
    assert tdes.check_ksn("FFFF9876543210E00001") == bytes.fromhex("FFFF9876543210E00001")


@pytest.mark.parametrize("bdk", [BDK[:8], BDK + BDK[:4], BDK * 2, BDK.hex()])
def test_bdks_that_are_not_tdes_keys_are_refused(bdk: bytes) -> None:
    # 8, 20 and 32 bytes are no TDES key, and a hex string is not bytes
    for call in (lambda: tdes.derive_ipek(bdk, IKSN),
                 lambda: tdes.derive_working_key(bdk, ksn(1), tdes.KeyUsage.PIN),
                 lambda: tdes.derive_working_keys(bdk, [ksn(1)], tdes.KeyUsage.PIN)):
        with pytest.raises(InvalidKeyError):
            call()


def test_derive_working_keys_refuses_counters_an_originator_never_uses() -> None:
    for bad in (ksn(0), ksn(0x7FF)):  # zero, and eleven one-bits
        with pytest.raises(KsnError):
            tdes.derive_working_keys(BDK, [ksn(1), bad], tdes.KeyUsage.PIN)
    assert tdes.derive_working_keys(BDK, [ksn(0x7FF)], tdes.KeyUsage.PIN, lenient=True) == [
        tdes.derive_working_key(BDK, ksn(0x7FF), tdes.KeyUsage.PIN, lenient=True)]


# ----------------------------------------------------------------------- large batches and the engine
def _devices(n: int) -> list[bytes]:
    rng = np.random.default_rng(20261201)
    out = []
    for i in range(n):
        counter = 0
        while not 1 <= counter.bit_count() <= 10:
            counter = int(rng.integers(1, 1 << 21))
        out.append(ksn(counter, (0xFFFF0000000000000000 | (i << 24)) & ~tdes.COUNTER_MASK))
    return out


@pytest.mark.parametrize("usage", list(tdes.KeyUsage))
@pytest.mark.parametrize("variant_only", [False, True])
def test_batches_routed_to_the_engine_get_the_single_call_keys(usage: tdes.KeyUsage, variant_only: bool) -> None:
    # 400 KSNs of 400 devices: the engine's cost model takes them; every usage, with and without the one-way
    # function, must give what one call per KSN gives
    pytest.importorskip("numpy")
    from pinsec.batch import dukpt_tdes

    ksns = _devices(400)
    assert dukpt_tdes.faster_than_one_by_one(400, 400)
    got = tdes.derive_working_keys(BDK, ksns, usage, data_variant_only=variant_only)
    assert got == [tdes.derive_working_key(BDK, k, usage, data_variant_only=variant_only) for k in ksns]


def test_a_triple_length_bdk_k1_k2_k1_derives_as_k1_k2() -> None:
    # TDES under K1 K2 K1 is TDES under K1 K2, so every derived key must agree (X9.24-1 allows both lengths)
    triple = BDK + BDK[:8]
    assert tdes.derive_ipek(triple, IKSN) == tdes.derive_ipek(BDK, IKSN) == IPEK
    assert tdes.derive_working_keys(triple, [ksn(1), ksn(9)], tdes.KeyUsage.PIN) == tdes.derive_working_keys(
        BDK, [ksn(1), ksn(9)], tdes.KeyUsage.PIN)


def test_routing_counts_devices_not_ksns(monkeypatch: pytest.MonkeyPatch) -> None:
    seen = spy_on_cost_model(monkeypatch, "dukpt_tdes", answer=False)
    three = [ksn(c, (PREFIX + (d << 24)) & ~tdes.COUNTER_MASK) for d in range(3) for c in range(1, 101)]
    tdes.derive_working_keys(BDK, three, tdes.KeyUsage.PIN)
    assert seen == [(300, 3)]


def test_routing_takes_batches_above_256_to_the_engine_only(monkeypatch: pytest.MonkeyPatch) -> None:
    from pinsec import batch

    seen = spy_on_cost_model(monkeypatch, "dukpt_tdes", answer=True)
    ksns = _devices(257)
    tdes.derive_working_keys(BDK, ksns[:256], tdes.KeyUsage.PIN)
    assert seen == []  # 256 or fewer never ask the engine
    tdes.derive_working_keys(BDK, ksns, tdes.KeyUsage.PIN)
    assert seen == [(257, 257)]  # lanes and distinct devices
    monkeypatch.setattr(batch, "available", lambda: False)
    tdes.derive_working_keys(BDK, ksns, tdes.KeyUsage.PIN)
    assert seen == [(257, 257)]  # without numpy nothing asks


def test_one_devices_ksns_share_their_steps(monkeypatch: pytest.MonkeyPatch) -> None:
    # counters 1..300 of one device, then all again: each new counter is one step past a counter already
    # derived (its prefix without the lowest one-bit), and a repeated KSN costs no step at all
    calls = []
    real = tdes._nrkgp
    monkeypatch.setattr(tdes, "_nrkgp", lambda key, data: calls.append(data) or real(key, data))
    counters = list(range(1, 201))
    keys = tdes.derive_working_keys(BDK, [ksn(c) for c in counters * 2], tdes.KeyUsage.PIN)
    assert len(calls) == len(counters)
    assert keys[:200] == keys[200:] == [tdes.derive_working_key(BDK, ksn(c), tdes.KeyUsage.PIN) for c in counters]


# ------------------------------------------------------------------------------------------- originator
def test_transactions_are_frozen_and_their_repr_holds_no_key() -> None:
    t = tdes.Originator(IPEK, IKSN).next()
    assert repr(t) == f"Transaction(ksn={t.ksn!r})"
    with pytest.raises(dataclasses.FrozenInstanceError):
        t.ksn = bytes(10)  # type: ignore[misc]


def test_iterating_an_originator_gives_its_transactions_to_the_last() -> None:
    import itertools

    assert [t.counter for t in itertools.islice(tdes.Originator(IPEK, IKSN), 3)] == [1, 2, 3]
    assert [t.counter for t in tdes.Originator.resume_at(IPEK, ksn(0x1FF400))] == [0x1FF400, 0x1FF800]


def test_a_fresh_originator_saves_and_restores() -> None:
    fresh = tdes.Originator(IPEK, IKSN)
    assert tdes.Originator.restore(fresh.save()).next().transaction_key == fresh.next().transaction_key


def test_an_originators_ksn_is_its_ten_bytes() -> None:
    o = tdes.Originator(IPEK, IKSN)
    assert o.ksn == ksn(1)
    assert [o.next().ksn for _ in range(3)] == [ksn(1), ksn(2), ksn(3)]
    assert o.ksn == ksn(4)
    assert len(o.next().transaction_key) == 16


def test_the_last_transaction_and_after() -> None:
    o = tdes.Originator.resume_at(IPEK, ksn(0x1FF800))  # the last counter: ten one-bits at the top
    assert o.next().counter == 0x1FF800
    assert o.remaining == 0
    with pytest.raises(KsnError) as info:
        o.next()
    assert info.value.code == "ksn_exhausted"
    assert list(o) == []
    # an exhausted originator saves and restores as exhausted
    again = tdes.Originator.restore(o.save())
    assert again.remaining == 0 and list(again) == []


def _with_counter(state: bytes, counter: int) -> bytes:
    body = bytearray(unseal(state, "TDES"))
    body[5 + 10:5 + 14] = struct.pack(">I", counter)
    return seal(bytes(body))


@pytest.mark.parametrize("counter", [0, (1 << 21) + 1, 0xFFFFFFFF])
def test_restored_counters_outside_1_to_2_21_are_refused(counter: int) -> None:
    state = tdes.Originator(IPEK, IKSN).save()
    with pytest.raises(DataError) as info:
        tdes.Originator.restore(_with_counter(state, counter))
    assert info.value.code == "originator_state"


def test_a_register_whose_key_begins_with_a_zero_byte_survives_save_and_restore() -> None:
    # the presence flag is the byte before each register: a key's own first byte must not be read as it
    for counter in range(1, 3000):
        if counter.bit_count() > 10:
            continue
        o = tdes.Originator.resume_at(IPEK, ksn(counter))
        body = unseal(o.save(), "TDES")[5 + 14:]
        if any(body[17 * i] == 1 and body[17 * i + 1] == 0 for i in range(21)):
            break
    else:
        pytest.fail("no register key with a zero first byte among these counters")
    restored = tdes.Originator.restore(o.save())
    assert restored.save() == o.save()
    assert [t.transaction_key for t in (restored.next() for _ in range(40))] == [
        t.transaction_key for t in (o.next() for _ in range(40))]


# -------------------------------------------------------------------------------------- remaining
_WEIGHTS = np.bitwise_count(np.arange(1 << 21, dtype=np.uint32))
_VALID = (_WEIGHTS >= 1) & (_WEIGHTS <= 10)
_FROM = np.cumsum(_VALID[::-1])[::-1]  # valid counters >= c


def test_max_transactions_is_the_brute_force_count() -> None:
    assert int(_FROM[1]) == tdes.MAX_TRANSACTIONS == tdes.Originator(IPEK, IKSN).remaining


@settings(max_examples=200, deadline=None)
@given(counter=st.integers(1, (1 << 21) - 1).filter(lambda c: c.bit_count() <= 10))
def test_remaining_is_the_brute_force_count(counter: int) -> None:
    assert tdes.Originator.resume_at(IPEK, ksn(counter)).remaining == int(_FROM[counter])


@pytest.mark.parametrize("counter", [1, 2, 0x3FF, 0x400, 0x7FE, 0xFFC00, 0x100000, 0x1FF400, 0x1FF800])
def test_remaining_at_the_edges(counter: int) -> None:
    assert tdes.Originator.resume_at(IPEK, ksn(counter)).remaining == int(_FROM[counter])


# ------------------------------------------- large binary batches are read on arrays: the same keys, errors
def test_a_large_binary_batch_is_not_parsed_one_by_one(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("numpy")
    ksns = _devices(400)
    parsed: list[object] = []
    real = tdes._ksn
    monkeypatch.setattr(tdes, "_ksn", lambda k, **kw: parsed.append(k) or real(k, **kw))
    tdes.derive_working_keys(BDK, ksns, tdes.KeyUsage.PIN)
    assert parsed == []
    tdes.derive_working_keys(BDK, [*ksns, ksn(0x7FF, 0)], tdes.KeyUsage.PIN, lenient=True)
    assert parsed == []  # lenient: any counter passes, so no check is needed either
    tdes.derive_working_keys(BDK, [k.hex() for k in ksns], tdes.KeyUsage.PIN)
    assert len(parsed) == 400


def test_a_large_batch_reads_the_same_in_any_input_form() -> None:
    pytest.importorskip("numpy")
    ksns = _devices(400)
    want = [tdes.derive_working_key(BDK, k, tdes.KeyUsage.PIN) for k in ksns]
    assert tdes.derive_working_keys(BDK, ksns, tdes.KeyUsage.PIN) == want
    assert tdes.derive_working_keys(BDK, [k.hex() for k in ksns], tdes.KeyUsage.PIN) == want
    assert tdes.derive_working_keys(BDK, [bytearray(k) for k in ksns], tdes.KeyUsage.PIN) == want
    assert tdes.derive_working_keys(BDK, iter(ksns), tdes.KeyUsage.PIN) == want


@pytest.mark.parametrize(("counter", "code"), [(0, "ksn_counter_zero"), (0x7FF, "ksn_counter_bits")])
def test_a_bad_counter_in_a_large_batch_is_the_error_one_call_gives(counter: int, code: str) -> None:
    pytest.importorskip("numpy")
    ksns = _devices(400)
    bad = ksn(counter, 0xFFFF0000000000000000 & ~tdes.COUNTER_MASK)
    for at in (0, 217, 399):
        batch = [*ksns[:at], bad, *ksns[at:]]
        with pytest.raises(KsnError) as info:
            tdes.derive_working_keys(BDK, batch, tdes.KeyUsage.PIN)
        with pytest.raises(KsnError) as one:
            tdes.derive_working_key(BDK, bad, tdes.KeyUsage.PIN)
        assert (info.value.code, str(info.value)) == (one.value.code, str(one.value)) and info.value.code == code
    # lenient derives for it, as one call does
    batch = [*ksns, bad]
    got = tdes.derive_working_keys(BDK, batch, tdes.KeyUsage.PIN, lenient=True)
    assert got[-1] == tdes.derive_working_key(BDK, bad, tdes.KeyUsage.PIN, lenient=True)
    assert got[:-1] == [tdes.derive_working_key(BDK, k, tdes.KeyUsage.PIN) for k in ksns]


def test_a_short_ksn_in_a_large_batch_is_refused_as_one_call_refuses_it() -> None:
    pytest.importorskip("numpy")
    ksns = [*_devices(300), bytes(9)]
    with pytest.raises(KsnError) as info:
        tdes.derive_working_keys(BDK, ksns, tdes.KeyUsage.PIN)
    with pytest.raises(KsnError) as one:
        tdes.derive_working_key(BDK, bytes(9), tdes.KeyUsage.PIN)
    assert str(info.value) == str(one.value)
