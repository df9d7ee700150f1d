"""AES DUKPT (ANSI X9.24-3:2017): originator == host, the counter's end, update key, policy, bad inputs."""

from __future__ import annotations

from math import comb

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pinsec import mac, pinblock
from pinsec.dukpt import aes
from pinsec.errors import DataError, InputError, InvalidKeyError, KeyPolicyError, KsnError, VerificationError

BDK128 = bytes.fromhex("FEDCBA9876543210F1F1F1F1F1F1F1F1")  # X9.24-3:2017 supplement
BDK256 = BDK128 * 2  # X9.24-3:2017 supplement AES-256 BDK
IK_ID = "1234567890123456"
INITIAL128 = bytes.fromhex("1273671EA26AC29AFA4D1084127652A1")  # supplement, from BDK128
USAGES = list(aes.KeyUsage)
KEY_TYPES = list(aes.KeyType)

valid_counters = st.integers(1, 0xFFFFFFFF).filter(lambda c: c.bit_count() <= 16)
ik_ids = st.binary(min_size=8, max_size=8)


def test_max_transactions() -> None:
    assert sum(comb(32, k) for k in range(1, 17)) == aes.MAX_TRANSACTIONS


def test_originator_matches_host_over_a_long_run() -> None:
    o = aes.Originator(INITIAL128, IK_ID)
    ksns, keys = [], []
    for _ in range(1200):
        t = o.next()
        ksns.append(t.ksn)
        keys.append(t.key(aes.KeyUsage.PIN_ENCRYPTION))
    assert aes.derive_working_keys(BDK128, ksns, aes.KeyUsage.PIN_ENCRYPTION, aes.KeyType.AES128) == keys


@settings(max_examples=25, deadline=None)
@given(start=valid_counters, steps=st.integers(1, 20), kt=st.sampled_from([aes.KeyType.AES128, aes.KeyType.TDES2]))
def test_resumed_originator_matches_host(start: int, steps: int, kt: aes.KeyType) -> None:
    o = aes.Originator.resume_at(INITIAL128, bytes.fromhex(IK_ID) + start.to_bytes(4, "big"))
    for _ in range(steps):
        if o.exhausted:
            break
        t = o.next()
        assert t.counter.bit_count() <= 16
        assert t.key(aes.KeyUsage.MAC_GENERATION, kt) == aes.derive_working_key(BDK128, t.ksn,
                                                                                aes.KeyUsage.MAC_GENERATION, kt)


def test_skips_and_the_real_end() -> None:
    o = aes.Originator.resume_at(INITIAL128, bytes.fromhex(IK_ID) + (0x0000FFFE).to_bytes(4, "big"))
    # 0xFFFE has 15 one-bits, 0xFFFF has 16 (used), 0x10000.. follow; nothing with 17 one-bits is emitted
    assert [o.next().counter for _ in range(3)] == [0xFFFE, 0xFFFF, 0x10000]
    o = aes.Originator.resume_at(INITIAL128, bytes.fromhex(IK_ID) + (0xFFFE8000).to_bytes(4, "big"))
    assert [t.counter for t in o] == [0xFFFE8000, 0xFFFF0000]  # the last 32-bit counter with 16 one-bits
    with pytest.raises(KsnError) as info:
        o.next()
    assert info.value.code == "ksn_exhausted"


def test_update_initial_key_flow() -> None:
    # The host encrypts the device's new initial key under the update key (X9.24-3 counter FFFFFFFF, KEK).
    o = aes.Originator(INITIAL128, IK_ID)
    for _ in range(5):
        o.next()
    kek = o.update_key()
    assert kek == aes.derive_update_key(BDK128, IK_ID, aes.KeyType.AES128)
    assert kek.hex().upper() == "9A9770AEE1ACD1B13473D0463A1883B9"  # reference set (secondary source)
    new_id = "FEDCBA9876543210"
    new_initial = aes.derive_initial_key(BDK256[:16], new_id)
    o.update_initial_key(new_initial, new_id)
    t = o.next()
    assert t.ksn.hex().upper() == new_id + "00000001"
    assert t.key(aes.KeyUsage.PIN_ENCRYPTION) == aes.derive_working_key(BDK256[:16], t.ksn,
                                                                        aes.KeyUsage.PIN_ENCRYPTION,
                                                                        aes.KeyType.AES128)


def test_save_and_restore() -> None:
    o = aes.Originator.from_bdk(BDK256, IK_ID)
    for _ in range(11):
        o.next()
    state = o.save()
    assert "key" not in repr(o).lower() or "key_type" in repr(o)
    again = aes.Originator.restore(state)
    assert [again.next().key(aes.KeyUsage.PIN_ENCRYPTION, aes.KeyType.AES256) for _ in range(20)] == [
        o.next().key(aes.KeyUsage.PIN_ENCRYPTION, aes.KeyType.AES256) for _ in range(20)]
    for bad in (b"", state[:-1], state[:-1] + bytes([state[-1] ^ 1])):
        with pytest.raises(DataError):
            aes.Originator.restore(bad)


@given(ik=ik_ids, counter=valid_counters)
def test_distinct_usages_and_types_give_distinct_keys(ik: bytes, counter: int) -> None:
    ksn = ik + counter.to_bytes(4, "big")
    keys = [aes.derive_working_key(BDK256, ksn, u, aes.KeyType.AES256) for u in USAGES]
    assert len(set(keys)) == len(USAGES)
    by_type = {kt: aes.derive_working_key(BDK256, ksn, aes.KeyUsage.PIN_ENCRYPTION, kt) for kt in KEY_TYPES}
    assert all(len(k) == kt.length for kt, k in by_type.items())
    assert len({k[:16] for k in by_type.values()}) == len(KEY_TYPES)
    assert by_type[aes.KeyType.AES128] == aes.derive_working_key(BDK256, ksn.hex(), aes.KeyUsage.PIN_ENCRYPTION,
                                                                 aes.KeyType.AES128)


@settings(max_examples=20)
@given(ik=ik_ids, counters=st.lists(valid_counters, min_size=1, max_size=20))
def test_batch_equals_one_by_one(ik: bytes, counters: list[int]) -> None:
    ksns = [ik + c.to_bytes(4, "big") for c in sorted(counters)]
    assert aes.derive_working_keys(BDK128, ksns, aes.KeyUsage.PIN_ENCRYPTION, aes.KeyType.AES128) == [
        aes.derive_working_key(BDK128, k, aes.KeyUsage.PIN_ENCRYPTION, aes.KeyType.AES128) for k in ksns]


def test_from_initial_key_equals_from_bdk() -> None:
    ksn = IK_ID + "0000ABCD"
    for kt in (aes.KeyType.AES128, aes.KeyType.TDES3):
        assert aes.derive_working_key_from_initial_key(INITIAL128, ksn, aes.KeyUsage.KEY_ENCRYPTION_KEY, kt) == (
            aes.derive_working_key(BDK128, ksn, aes.KeyUsage.KEY_ENCRYPTION_KEY, kt))


def test_pin_and_mac_helpers() -> None:
    ksn = IK_ID + "00000009"
    block = aes.encrypt_pin_block(BDK128, ksn, "98765", "4111111111111111")
    assert aes.decrypt_pin_block(BDK128, ksn, block, "4111111111111111") == "98765"
    key = aes.derive_working_key(BDK128, ksn, aes.KeyUsage.PIN_ENCRYPTION, aes.KeyType.AES128)
    assert pinblock.decipher(key, block, "4111111111111111", format=4) == "98765"
    tag = aes.generate_cmac(BDK128, ksn, b"msg", length=8)
    aes.verify_cmac(BDK128, ksn, b"msg", tag)
    assert tag == mac.cmac(aes.derive_working_key(BDK128, ksn, aes.KeyUsage.MAC_GENERATION, aes.KeyType.AES128),
                           b"msg", length=8)
    with pytest.raises(VerificationError):
        aes.verify_cmac(BDK128, ksn, b"msg", tag, direction="response")


BAD = [
    ("KSN of 10 bytes", lambda: aes.derive_working_key(BDK128, "FFFF9876543210E00001", aes.KeyUsage.PIN_ENCRYPTION,
                                                       aes.KeyType.AES128), KsnError),
    ("counter zero", lambda: aes.derive_working_key(BDK128, IK_ID + "00000000", aes.KeyUsage.PIN_ENCRYPTION,
                                                    aes.KeyType.AES128), KsnError),
    ("counter with 17 one-bits", lambda: aes.derive_working_key(BDK128, IK_ID + "0001FFFF",
                                                                aes.KeyUsage.PIN_ENCRYPTION, aes.KeyType.AES128),
     KsnError),
    ("initial key ID of 7 bytes", lambda: aes.derive_initial_key(BDK128, "12345678901234"), KsnError),
    ("BDK of 20 bytes", lambda: aes.derive_initial_key(bytes(20), IK_ID), InvalidKeyError),
    ("usage as int", lambda: aes.derive_working_key(BDK128, IK_ID + "00000001", 0x1000, aes.KeyType.AES128),  # type: ignore[arg-type]
     DataError),
]


@pytest.mark.parametrize(("call", "error"), [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_bad_input(call: object, error: type[Exception]) -> None:
    with pytest.raises(error) as info:
        call()  # type: ignore[operator]
    assert isinstance(info.value, InputError)


@pytest.mark.parametrize(("bdk", "kt"), [(BDK128, aes.KeyType.AES192), (BDK128, aes.KeyType.AES256),
                                         (BDK128 + BDK128[:8], aes.KeyType.AES256),
                                         (BDK128, aes.KeyType.HMAC256)])
def test_working_key_stronger_than_bdk_is_refused(bdk: bytes, kt: aes.KeyType) -> None:
    with pytest.raises(KeyPolicyError) as info:
        aes.derive_working_key(bdk, IK_ID + "00000001", aes.KeyUsage.PIN_ENCRYPTION, kt)
    assert info.value.code == "key_stronger_than_bdk"


def test_key_usage_indicators_are_the_standards() -> None:
    # ANSI X9.24-3:2017 derivation data, key usage indicators (restated in the notes of vectors/dukpt_aes.json):
    # 0002 KEK, 1000 PIN, 2000 MAC gen, 2001 MAC verify, 2002 MAC both, 3000 data encrypt, 3001 data decrypt,
    # 3002 data both, 8000 key derivation, 8001 initial key. No usage may alias another.
    assert {u.name: u.value for u in aes.KeyUsage} == {
        "KEY_ENCRYPTION_KEY": 0x0002, "PIN_ENCRYPTION": 0x1000, "MAC_GENERATION": 0x2000,
        "MAC_VERIFICATION": 0x2001, "MAC_BOTH_WAYS": 0x2002, "DATA_ENCRYPTION_ENCRYPT": 0x3000,
        "DATA_ENCRYPTION_DECRYPT": 0x3001, "DATA_ENCRYPTION_BOTH_WAYS": 0x3002, "KEY_DERIVATION": 0x8000,
        "KEY_DERIVATION_INITIAL_KEY": 0x8001,
    }
    ksn = IK_ID + "00000001"
    keys = {u: aes.derive_working_key(BDK128, ksn, u, aes.KeyType.AES128) for u in aes.KeyUsage
            if u not in (aes.KeyUsage.KEY_DERIVATION, aes.KeyUsage.KEY_DERIVATION_INITIAL_KEY)}
    assert len(set(keys.values())) == len(keys)
    for u in aes.KeyUsage:  # the indicator is bytes 2-3 of the derivation data
        assert aes.derivation_data(u.value, aes.KeyType.AES128, bytes(8))[2:4] == u.value.to_bytes(2, "big")
