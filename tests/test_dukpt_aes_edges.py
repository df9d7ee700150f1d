"""AES DUKPT (pinsec.dukpt.aes): what a --quick mutation run of dukpt/aes.py found untested. Each test
reaches its branch with otherwise-valid input: BDK and key type checks, strength rules for HMAC keys, the
derivation data layout of every key type (ANSI X9.24-3:2017 6.3.2, Tables 2 and 3), routing of large batches
to the vectorised engine, the memo that shares one device's steps, default IVs, Transaction repr, the update
key's register, exhaustion, and restored state bounds."""

from __future__ import annotations

import dataclasses
import struct

import numpy as np
import pytest

from pinsec.dukpt import aes
from pinsec.dukpt._state import seal, unseal
from pinsec.errors import DataError, InvalidKeyError, KeyPolicyError, KsnError

from .routing import spy_on_cost_model

BDK128 = bytes.fromhex("FEDCBA9876543210F1F1F1F1F1F1F1F1")  # X9.24-3:2017 supplement
BDK256 = BDK128 * 2  # X9.24-3:2017 supplement AES-256 BDK
BDK192 = BDK128 + BDK128[:8]
IK_ID = "1234567890123456"
INITIAL128 = bytes.fromhex("1273671EA26AC29AFA4D1084127652A1")  # supplement, from BDK128


def ksn(counter: int, ik_id: str = IK_ID) -> bytes:
    return bytes.fromhex(ik_id) + counter.to_bytes(4, "big")


def test_check_ksn_gives_the_twelve_bytes_back() -> None:
    assert aes.check_ksn("123456789012345600000001") == ksn(1)


@pytest.mark.parametrize("bdk", [BDK128[:8], BDK128 + BDK128[:4], BDK128.hex()])
def test_bdks_that_are_not_aes_keys_are_refused(bdk: bytes) -> None:
    for call in (lambda: aes.derive_initial_key(bdk, IK_ID),
                 lambda: aes.derive_working_key(bdk, ksn(1), aes.KeyUsage.PIN_ENCRYPTION, aes.KeyType.AES128),
                 lambda: aes.Originator(bdk, IK_ID)):
        with pytest.raises(InvalidKeyError):
            call()


@pytest.mark.parametrize("counter", [0, 0x1FFFF])  # zero, and seventeen one-bits
def test_counters_an_originator_never_uses_are_refused_by_default(counter: int) -> None:
    with pytest.raises(KsnError):
        aes.derive_working_key(BDK128, ksn(counter), aes.KeyUsage.PIN_ENCRYPTION, aes.KeyType.AES128)
    with pytest.raises(KsnError):
        aes.check_ksn(ksn(counter))


def test_key_type_must_be_a_key_type() -> None:
    with pytest.raises(DataError) as info:
        aes.derive_working_key(BDK128, ksn(1), aes.KeyUsage.PIN_ENCRYPTION, "AES128")  # type: ignore[arg-type]
    assert info.value.field == "key_type"


@pytest.mark.parametrize(("bdk", "key_type", "allowed"), [
    (BDK192, aes.KeyType.HMAC192, True), (BDK128, aes.KeyType.HMAC192, False),
    (BDK256, aes.KeyType.HMAC256, True), (BDK192, aes.KeyType.HMAC256, False),
    (BDK128, aes.KeyType.HMAC128, True), (BDK192, aes.KeyType.AES192, True), (BDK192, aes.KeyType.AES256, False),
])
def test_hmac_keys_are_no_stronger_than_their_bdk(bdk: bytes, key_type: aes.KeyType, allowed: bool) -> None:
    usage = aes.KeyUsage.MAC_GENERATION
    if allowed:
        assert len(aes.derive_working_key(bdk, ksn(1), usage, key_type)) == key_type.bits // 8
    else:
        with pytest.raises(KeyPolicyError) as info:
            aes.derive_working_key(bdk, ksn(1), usage, key_type)
        assert info.value.code == "key_stronger_than_bdk"


# X9.24-3:2017 Table 2: algorithm indicators and key lengths of the derived key types
_TABLE = {aes.KeyType.TDES2: (0x0000, 128), aes.KeyType.TDES3: (0x0001, 192), aes.KeyType.AES128: (0x0002, 128),
          aes.KeyType.AES192: (0x0003, 192), aes.KeyType.AES256: (0x0004, 256),
          aes.KeyType.HMAC128: (0x0005, 128), aes.KeyType.HMAC192: (0x0005, 192),
          aes.KeyType.HMAC256: (0x0005, 256)}


@pytest.mark.parametrize("key_type", list(aes.KeyType))
def test_derivation_data_is_laid_out_as_the_standard_says(key_type: aes.KeyType) -> None:
    # 6.3.2: per 128 bits of the derived key, one block: version 01, block counter from 01, usage (2 bytes),
    # algorithm (2), length in bits (2), then the 8 bytes of context
    algorithm, bits = _TABLE[key_type]
    context = bytes.fromhex("9012345600000001")
    data = aes.derivation_data(0x2000, key_type, context)
    blocks = [data[i:i + 16] for i in range(0, len(data), 16)]
    assert len(blocks) == -(-bits // 128) and all(len(b) == 16 for b in blocks)
    for i, block in enumerate(blocks, 1):
        assert block == bytes((1, i)) + struct.pack(">HHH", 0x2000, algorithm, bits) + context
    assert (key_type.algorithm, key_type.bits, key_type.length) == (algorithm, bits, bits // 8)


@pytest.mark.parametrize("key_type", [aes.KeyType.HMAC192, aes.KeyType.HMAC256, aes.KeyType.AES192])
def test_working_keys_are_the_derivation_data_under_the_intermediate_key(key_type: aes.KeyType) -> None:
    # 6.3.3: the working key is AES-ECB of the derivation data under the intermediate key, cut to length
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    intermediate = aes.derive_intermediate_key(BDK256, ksn(5))
    data = aes.derivation_data(aes.KeyUsage.MAC_GENERATION.value, key_type, ksn(5)[4:])
    enc = Cipher(algorithms.AES(intermediate), modes.ECB()).encryptor()
    want = (enc.update(data) + enc.finalize())[:key_type.length]
    assert aes.derive_working_key(BDK256, ksn(5), aes.KeyUsage.MAC_GENERATION, key_type) == want


# ------------------------------------------------------------------- large batches and one device's steps
def _devices(n: int) -> list[bytes]:
    rng = np.random.default_rng(20261201)
    out = []
    for i in range(n):
        counter = 0
        while not 1 <= counter.bit_count() <= 16:
            counter = int(rng.integers(1, 1 << 32))
        out.append(ksn(counter, f"{0x1234567800000000 + i:016X}"))
    return out


@pytest.mark.parametrize(("usage", "key_type"), [(aes.KeyUsage.PIN_ENCRYPTION, aes.KeyType.AES128),
                                                 (aes.KeyUsage.MAC_GENERATION, aes.KeyType.HMAC256),
                                                 (aes.KeyUsage.DATA_ENCRYPTION_BOTH_WAYS, aes.KeyType.TDES3)])
def test_batches_routed_to_the_engine_get_the_single_call_keys(usage: aes.KeyUsage, key_type: aes.KeyType) -> None:
    pytest.importorskip("numpy")
    from pinsec.batch import dukpt_aes

    ksns = _devices(400)
    assert dukpt_aes.faster_than_one_by_one(400, 400)
    assert aes.derive_working_keys(BDK256, ksns, usage, key_type) == [
        aes.derive_working_key(BDK256, k, usage, key_type) for k in ksns]


@pytest.fixture
def routed(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, int]]:
    """What the engine's cost model is asked (lanes, devices); it always answers no."""
    return spy_on_cost_model(monkeypatch, "dukpt_aes", answer=False)


def test_routing_takes_batches_above_256_to_the_engine_only(routed: list[tuple[int, int]],
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    from pinsec import batch

    seen = routed
    ksns = _devices(257)
    usage, kt = aes.KeyUsage.PIN_ENCRYPTION, aes.KeyType.AES128
    aes.derive_working_keys(BDK128, ksns[:256], usage, kt)
    assert seen == []
    aes.derive_working_keys(BDK128, ksns, usage, kt)
    assert seen == [(257, 257)]
    monkeypatch.setattr(batch, "available", lambda: False)
    aes.derive_working_keys(BDK128, ksns, usage, kt)
    assert seen == [(257, 257)]


def test_one_devices_ksns_share_their_steps(monkeypatch: pytest.MonkeyPatch) -> None:
    # counters 1..200 of one device, then all again: one derivation step per new counter, none for a repeat
    import pinsec._crypto as crypto

    steps = 0
    real = crypto.aes_blocks

    def counting(key: bytes, data: bytes) -> bytes:
        nonlocal steps
        if data[2:4] == b"\x80\x00":  # usage 8000: an intermediate key step
            steps += 1
        return real(key, data)

    monkeypatch.setattr(crypto, "aes_blocks", counting)
    counters = list(range(1, 201))
    usage, kt = aes.KeyUsage.PIN_ENCRYPTION, aes.KeyType.AES128
    keys = aes.derive_working_keys(BDK128, [ksn(c) for c in counters * 2], usage, kt)
    assert steps == len(counters)
    monkeypatch.setattr(crypto, "aes_blocks", real)
    assert keys[:200] == keys[200:] == [aes.derive_working_key(BDK128, ksn(c), usage, kt) for c in counters]


# ----------------------------------------------------------------------------- data, HMAC, Transaction
def test_the_default_iv_is_sixteen_zero_bytes() -> None:
    data = b"4012345678909D987"
    default = aes.encrypt_data(BDK128, ksn(1), data)
    assert default == aes.encrypt_data(BDK128, ksn(1), data, iv=bytes(16))
    assert aes.decrypt_data(BDK128, ksn(1), default) == aes.decrypt_data(BDK128, ksn(1), default, iv=bytes(16))


def test_generate_hmac_needs_an_hmac_key_type() -> None:
    with pytest.raises(DataError) as info:
        aes.generate_hmac(BDK128, ksn(1), b"data", key_type=aes.KeyType.AES128)
    assert info.value.field == "key_type"


def test_a_transaction_is_frozen_and_its_repr_is_its_ksn() -> None:
    t = aes.Originator(INITIAL128, IK_ID).next()
    assert repr(t) == f"Transaction(ksn={t.ksn!r})"
    with pytest.raises(dataclasses.FrozenInstanceError):
        t.ksn = bytes(12)  # type: ignore[misc]


def test_a_fresh_originator_saves_and_restores() -> None:
    fresh = aes.Originator(INITIAL128, IK_ID)
    usage = aes.KeyUsage.PIN_ENCRYPTION
    assert aes.Originator.restore(fresh.save()).next().key(usage) == fresh.next().key(usage)


def test_an_originators_ksn_is_its_twelve_bytes() -> None:
    o = aes.Originator(INITIAL128, IK_ID)
    assert o.ksn == ksn(1)
    assert [o.next().ksn for _ in range(3)] == [ksn(1), ksn(2), ksn(3)]
    assert o.ksn == ksn(4)


# ------------------------------------------------------------------------ update key, end, restore
def test_the_update_key_needs_the_register_of_counter_80000000() -> None:
    o = aes.Originator.resume_at(INITIAL128, ksn(0x7FFF0000))
    assert o.update_key() == aes.derive_update_key(BDK128, IK_ID, aes.KeyType.AES128)
    o = aes.Originator.resume_at(INITIAL128, ksn(0x80000000))
    o.next()  # counter 80000000 used: its register is erased
    with pytest.raises(KsnError) as info:
        o.update_key()
    assert info.value.code == "originator_state"


def test_the_last_transaction_and_after() -> None:
    o = aes.Originator.resume_at(INITIAL128, ksn(0xFFFF0000))
    assert o.next().counter == 0xFFFF0000 and o.exhausted
    with pytest.raises(KsnError) as info:
        o.next()
    assert info.value.code == "ksn_exhausted"
    again = aes.Originator.restore(o.save())
    assert again.exhausted and list(again) == []


def _with_counter(state: bytes, counter: int) -> bytes:
    body = bytearray(unseal(state, "AES"))
    body[5 + 1 + 8:5 + 1 + 16] = struct.pack(">Q", counter)
    return seal(bytes(body))


@pytest.mark.parametrize("counter", [0, (1 << 32) + 1, 1 << 63])
def test_restored_counters_outside_1_to_2_32_are_refused(counter: int) -> None:
    state = aes.Originator(INITIAL128, IK_ID).save()
    with pytest.raises(DataError) as info:
        aes.Originator.restore(_with_counter(state, counter))
    assert info.value.code == "originator_state"


@pytest.mark.parametrize("body", [b"PSDA1", b"PSDA1\x11", b"PSDA2\x10"])
def test_states_cut_after_their_magic_or_of_no_key_length_are_refused(body: bytes) -> None:
    with pytest.raises(DataError) as info:
        aes.Originator.restore(seal(body))
    assert info.value.code == "originator_state"


def test_a_register_whose_key_begins_with_a_zero_byte_survives_save_and_restore() -> None:
    for counter in range(1, 3000):
        o = aes.Originator.resume_at(INITIAL128, ksn(counter))
        regs = unseal(o.save(), "AES")[5 + 17:]
        if any(regs[17 * i] == 1 and regs[17 * i + 1] == 0 for i in range(32)):
            break
    else:
        pytest.fail("no register key with a zero first byte among these counters")
    restored = aes.Originator.restore(o.save())
    assert restored.save() == o.save()
    usage = aes.KeyUsage.PIN_ENCRYPTION
    assert [restored.next().key(usage) for _ in range(40)] == [o.next().key(usage) for _ in range(40)]


# ------------------------------------------- large binary batches are read on arrays: the same keys, errors
def test_a_large_batch_reads_the_same_in_any_input_form() -> None:
    pytest.importorskip("numpy")
    ksns = _devices(400)
    usage, kt = aes.KeyUsage.PIN_ENCRYPTION, aes.KeyType.AES128
    want = [aes.derive_working_key(BDK128, k, usage, kt) for k in ksns]
    assert aes.derive_working_keys(BDK128, ksns, usage, kt) == want
    assert aes.derive_working_keys(BDK128, [k.hex() for k in ksns], usage, kt) == want
    assert aes.derive_working_keys(BDK128, [bytearray(k) for k in ksns], usage, kt) == want
    assert aes.derive_working_keys(BDK128, iter(ksns), usage, kt) == want


@pytest.mark.parametrize(("counter", "code"), [(0, "ksn_counter_zero"), (0x1FFFF, "ksn_counter_bits")])
def test_a_bad_counter_in_a_large_batch_is_the_error_one_call_gives(counter: int, code: str) -> None:
    pytest.importorskip("numpy")
    ksns = _devices(400)
    usage, kt = aes.KeyUsage.PIN_ENCRYPTION, aes.KeyType.AES128
    bad = ksn(counter)
    for at in (0, 217, 399):
        with pytest.raises(KsnError) as info:
            aes.derive_working_keys(BDK128, [*ksns[:at], bad, *ksns[at:]], usage, kt)
        with pytest.raises(KsnError) as one:
            aes.derive_working_key(BDK128, bad, usage, kt)
        assert (info.value.code, str(info.value)) == (one.value.code, str(one.value)) and info.value.code == code


def test_routing_counts_initial_key_ids_not_ksns(routed: list[tuple[int, int]]) -> None:
    seen = routed
    three = [ksn(c, f"{0x1234567800000000 + d:016X}") for d in range(3) for c in range(1, 101)]
    aes.derive_working_keys(BDK128, three, aes.KeyUsage.PIN_ENCRYPTION, aes.KeyType.AES128)
    assert seen == [(300, 3)]
