"""TDES DUKPT (ANSI X9.24-1:2009): originator == host, the real end of the counter, bad inputs, pydukpt."""

from __future__ import annotations

import random
from math import comb

import pydukpt
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pinsec import pinblock
from pinsec.dukpt import tdes
from pinsec.errors import DataError, InputError, InvalidKeyError, KsnError, VerificationError

BDK = bytes.fromhex("0123456789ABCDEFFEDCBA9876543210")  # X9.24-1:2009 A.4
IKSN = "FFFF9876543210E00000"
IPEK = bytes.fromhex("6AC292FAA1315B4D858AB3A3D7D5933A")  # X9.24-1:2009 A.4
USAGES = list(tdes.KeyUsage)

valid_counters = st.integers(1, (1 << 21) - 1).filter(lambda c: c.bit_count() <= 10)
ksn_prefixes = st.binary(min_size=8, max_size=8).map(lambda b: int.from_bytes(b, "big") << 16 & ~0x1FFFFF)


def ksn_of(prefix: int, counter: int) -> bytes:
    return (prefix | counter).to_bytes(10, "big")


def test_max_transactions_is_the_count_of_valid_counters() -> None:
    assert tdes.MAX_TRANSACTIONS == sum(comb(21, k) for k in range(1, 11)) == 1_048_575


@pytest.mark.slow
def test_originator_runs_exactly_to_the_real_end() -> None:
    o = tdes.Originator(IPEK, IKSN)
    count, last = 0, None
    previous = 0
    for t in o:
        assert previous < t.counter and t.counter.bit_count() <= 10
        previous = t.counter
        count += 1
        last = t
    assert count == 1_048_575
    assert last is not None and last.counter == 0x1FF800  # the largest 21-bit counter with 10 one-bits
    assert last.pin_key == tdes.derive_working_key(BDK, last.ksn, tdes.KeyUsage.PIN)
    with pytest.raises(KsnError) as info:
        o.next()
    assert info.value.code == "ksn_exhausted"


def test_originator_matches_host_over_a_long_run() -> None:
    o = tdes.Originator.from_bdk(BDK, IKSN)
    ksns = []
    keys = []
    for _ in range(1500):
        t = o.next()
        ksns.append(t.ksn)
        keys.append(t.pin_key)
    assert tdes.derive_working_keys(BDK, ksns, tdes.KeyUsage.PIN) == keys
    assert [int.from_bytes(k, "big") & 0x1FFFFF for k in ksns[:8]] == [1, 2, 3, 4, 5, 6, 7, 8]


@settings(max_examples=40, deadline=None)
@given(start=valid_counters, steps=st.integers(1, 40))
def test_resumed_originator_matches_host(start: int, steps: int) -> None:
    o = tdes.Originator.resume_at(IPEK, ksn_of(int.from_bytes(bytes.fromhex(IKSN), "big"), start))
    for _ in range(steps):
        if o.remaining == 0:
            break
        t = o.next()
        for usage in (tdes.KeyUsage.PIN, tdes.KeyUsage.DATA_RESPONSE):
            assert t.key(usage) == tdes.derive_working_key(BDK, t.ksn, usage)


def test_skips_counters_with_more_than_ten_one_bits() -> None:
    o = tdes.Originator.resume_at(IPEK, "FFFF9876543210E003FE")  # counter 0x3FE has 9 one-bits
    seen = [o.next().counter for _ in range(3)]
    assert seen == [0x3FE, 0x3FF, 0x400]  # 0x3FF has 10 one-bits; 0x400 follows it, 0x401.. are fine too
    o = tdes.Originator.resume_at(IPEK, "FFFF9876543210E007FE")  # 0x7FE has 10 one-bits
    assert [o.next().counter for _ in range(2)] == [0x7FE, 0x800]  # 0x7FF (11 bits) is skipped


def test_remaining_counts_down() -> None:
    o = tdes.Originator.resume_at(IPEK, "FFFF9876543210FFF800")
    assert o.remaining == 1
    o.next()
    assert o.remaining == 0


def test_save_and_restore_continue_identically() -> None:
    o = tdes.Originator(IPEK, IKSN)
    for _ in range(37):
        o.next()
    state = o.save()
    assert IPEK.hex() not in repr(o).lower() and "registers" not in repr(o)
    again = tdes.Originator.restore(state)
    assert [again.next().pin_key for _ in range(50)] == [o.next().pin_key for _ in range(50)]
    flipped = [state[:i] + bytes([state[i] ^ 1]) + state[i + 1 :] for i in (19, 30, len(state) - 1)]
    for bad in (b"", state[:-1], b"XXXXX" + state[5:], *flipped):
        with pytest.raises(DataError):
            tdes.Originator.restore(bad)


def test_transaction_repr_hides_keys() -> None:
    t = tdes.Originator(IPEK, IKSN).next()
    assert t.pin_key.hex() not in repr(t).lower() and t.transaction_key.hex() not in repr(t).lower()


# ------------------------------------------------------------------------------------- differential


def test_differential_against_pydukpt_thousands_of_random_inputs() -> None:
    rng = random.Random(2024)
    peer_keys = {
        tdes.KeyUsage.PIN: pydukpt.pin_key,
        tdes.KeyUsage.MAC_REQUEST: pydukpt.mac_request_key,
        tdes.KeyUsage.MAC_RESPONSE: pydukpt.mac_response_key,
        tdes.KeyUsage.DATA_REQUEST: pydukpt.data_request_key,
        tdes.KeyUsage.DATA_RESPONSE: pydukpt.data_response_key,
    }
    for _ in range(2000):
        bdk = rng.randbytes(16)
        counter = rng.randrange(1, 1 << 21)
        while counter.bit_count() > 10:
            counter = rng.randrange(1, 1 << 21)
        ksn = ((int.from_bytes(rng.randbytes(10), "big") & ~0x1FFFFF) | counter).to_bytes(10, "big")
        ipek = tdes.derive_ipek(bdk, ksn)
        assert ipek == pydukpt.derive_ipek(bdk, ksn)
        current = tdes.derive_transaction_key(ipek, ksn)
        assert current == pydukpt.derive_key(ipek, ksn)
        usage = rng.choice(USAGES)
        assert tdes.derive_working_key(bdk, ksn, usage) == peer_keys[usage](current)


@given(prefix=ksn_prefixes, counter=valid_counters)
def test_pin_blocks_match_pydukpt(prefix: int, counter: int) -> None:
    ksn = ksn_of(prefix, counter)
    block = tdes.encrypt_pin_block(BDK, ksn, "4321", "4012345678909")
    key = pydukpt.derive_key(pydukpt.derive_ipek(BDK, ksn), ksn)
    assert block == pydukpt.encrypt_pin(key, "4321", "4012345678909")
    assert tdes.decrypt_pin_block(BDK, ksn, block, "4012345678909") == "4321"


# --------------------------------------------------------------------------------------- properties


@given(prefix=ksn_prefixes, counter=valid_counters)
def test_usages_give_distinct_keys_and_derivation_is_deterministic(prefix: int, counter: int) -> None:
    ksn = ksn_of(prefix, counter)
    keys = [tdes.derive_working_key(BDK, ksn, u) for u in USAGES]
    assert len(set(keys)) == len(USAGES)
    assert keys == [tdes.derive_working_key(BDK, ksn.hex(), u) for u in USAGES]


@settings(max_examples=30)
@given(prefix=ksn_prefixes, counters=st.lists(valid_counters, min_size=1, max_size=30))
def test_batch_equals_one_by_one(prefix: int, counters: list[int]) -> None:
    ksns = [ksn_of(prefix, c) for c in sorted(counters)]
    for usage in (tdes.KeyUsage.PIN, tdes.KeyUsage.DATA_REQUEST):
        assert tdes.derive_working_keys(BDK, ksns, usage) == [tdes.derive_working_key(BDK, k, usage) for k in ksns]


def test_data_variant_only_is_the_plain_variant() -> None:
    ksn = "FFFF9876543210E00001"
    current = tdes.derive_transaction_key(IPEK, ksn)
    variant = tdes.derive_working_key(BDK, ksn, tdes.KeyUsage.DATA_REQUEST, data_variant_only=True)
    assert int.from_bytes(variant, "big") == int.from_bytes(current, "big") ^ tdes.KeyUsage.DATA_REQUEST.value


def test_mac_verify_and_data_round_trip() -> None:
    ksn = "FFFF9876543210E00008"
    tag = tdes.generate_mac(BDK, ksn, b"message", direction="response")
    tdes.verify_mac(BDK, ksn, b"message", tag, direction="response")
    with pytest.raises(VerificationError):
        tdes.verify_mac(BDK, ksn, b"message", tag, direction="request")
    ct = tdes.encrypt_data(BDK, ksn, b"track data 123")
    assert tdes.decrypt_data(BDK, ksn, ct).rstrip(b"\0") == b"track data 123"


def test_format3_pin_block_under_dukpt() -> None:
    ksn = "FFFF9876543210E00003"
    block = tdes.encrypt_pin_block(BDK, ksn, "123456", "4012345678909", format=3)
    key = tdes.derive_working_key(BDK, ksn, tdes.KeyUsage.PIN)
    assert pinblock.decipher(key, block, "4012345678909", format=3) == "123456"


# ---------------------------------------------------------------------------------------- bad inputs

BAD = [
    ("KSN of 9 bytes", lambda: tdes.derive_working_key(BDK, "FFFF9876543210E000", tdes.KeyUsage.PIN), KsnError),
    ("KSN of 12 bytes", lambda: tdes.derive_working_key(BDK, "FFFF9876543210E0000100", tdes.KeyUsage.PIN),
     KsnError),
    ("KSN not hex", lambda: tdes.derive_working_key(BDK, "FFFF9876543210E0000G", tdes.KeyUsage.PIN), KsnError),
    ("counter zero", lambda: tdes.derive_working_key(BDK, IKSN, tdes.KeyUsage.PIN), KsnError),
    ("counter with 11 one-bits", lambda: tdes.derive_working_key(BDK, "FFFF9876543210E007FF", tdes.KeyUsage.PIN),
     KsnError),
    ("transaction key for counter zero", lambda: tdes.derive_transaction_key(IPEK, IKSN), KsnError),
    ("BDK of 8 bytes", lambda: tdes.derive_working_key(bytes(8), "FFFF9876543210E00001", tdes.KeyUsage.PIN),
     InvalidKeyError),
    ("BDK of 32 bytes", lambda: tdes.derive_ipek(bytes(32), IKSN), InvalidKeyError),
    ("BDK as str", lambda: tdes.derive_ipek("0123456789ABCDEFFEDCBA9876543210", IKSN), InvalidKeyError),  # type: ignore[arg-type]
    ("IPEK of 24 bytes", lambda: tdes.derive_transaction_key(bytes(24), "FFFF9876543210E00001"), InvalidKeyError),
    ("usage as str", lambda: tdes.derive_working_key(BDK, "FFFF9876543210E00001", "PIN"), DataError),  # type: ignore[arg-type]
    ("MAC direction", lambda: tdes.generate_mac(BDK, "FFFF9876543210E00001", b"x", direction="up"), DataError),
]


@pytest.mark.parametrize(("call", "error"), [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_bad_input(call: object, error: type[Exception]) -> None:
    with pytest.raises(error) as info:
        call()  # type: ignore[operator]
    assert isinstance(info.value, InputError)
    assert BDK.hex() not in str(info.value).lower()


def test_lenient_host_derivation_accepts_what_the_originator_skips() -> None:
    key = tdes.derive_working_key(BDK, "FFFF9876543210E007FF", tdes.KeyUsage.PIN, lenient=True)
    ipek = tdes.derive_ipek(BDK, IKSN)
    assert key == pydukpt.pin_key(pydukpt.derive_key(ipek, bytes.fromhex("FFFF9876543210E007FF")))
