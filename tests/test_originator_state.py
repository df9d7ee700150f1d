"""Saved originator states: a corrupted terminal memory is refused, even when its checksum was recomputed.

The check value catches random corruption; these cases reseal damaged contents (what a buggy firmware
writing back its own memory would produce), so each content check of ``restore`` has to act on its own.
"""

from __future__ import annotations

import struct

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pinsec.dukpt import aes, tdes
from pinsec.dukpt._state import seal, unseal
from pinsec.errors import DataError, KsnError

IKSN = "FFFF9876543210E00000"
IPEK = bytes.fromhex("6AC292FAA1315B4D858AB3A3D7D5933A")  # ANSI X9.24-1:2009 A.4
IK_ID = "1234567890123456"
INITIAL128 = bytes.fromhex("1273671EA26AC29AFA4D1084127652A1")  # X9.24-3:2017 supplement, from the AES-128 BDK


def _tdes_body() -> bytes:
    o = tdes.Originator(IPEK, IKSN)
    o.next()
    return unseal(o.save(), "TDES")


def _aes_body() -> bytes:
    o = aes.Originator(INITIAL128, IK_ID)
    o.next()
    return unseal(o.save(), "AES")


def test_untouched_states_restore() -> None:
    t = tdes.Originator.restore(seal(_tdes_body()))
    assert t.next().pin_key == tdes.derive_working_key(bytes.fromhex("0123456789ABCDEFFEDCBA9876543210"),
                                                       bytes.fromhex("FFFF9876543210E00002"), tdes.KeyUsage.PIN)
    aes.Originator.restore(seal(_aes_body())).next()


def _tdes_cases() -> dict[str, bytes]:
    body = _tdes_body()
    magic = len(body) - 10 - 4 - 17 * 21
    regs = magic + 14
    return {
        "magic": b"X" + body[1:],
        "one byte short": body[:-1],
        "one byte long": body + b"\x00",
        "register flag 2": body[:regs] + b"\x02" + body[regs + 1:],
        "counter bits in the base KSN": body[:magic] + (int.from_bytes(body[magic:magic + 10], "big") | 1)
        .to_bytes(10, "big") + body[magic + 10:],
        "counter past the end": body[:magic + 10] + struct.pack(">I", (1 << 22) + 1) + body[magic + 14:],
    }


@pytest.mark.parametrize("case", list(_tdes_cases()))
def test_damaged_tdes_state_is_refused(case: str) -> None:
    with pytest.raises(DataError) as info:
        tdes.Originator.restore(seal(_tdes_cases()[case]))
    assert info.value.code == "originator_state"


def _aes_cases() -> dict[str, bytes]:
    body = _aes_body()
    head = body.index(bytes.fromhex(IK_ID)) - 1  # the key-size byte precedes the initial key ID
    regs = head + 1 + 8 + 8
    return {
        "magic": b"X" + body[1:],
        "key size 17": body[:head] + b"\x11" + body[head + 1:],
        "key size of another BDK type": body[:head] + b"\x20" + body[head + 1:],
        "one byte short": body[:-1],
        "register flag 2": body[:regs] + b"\x02" + body[regs + 1:],
        "last register flag 7": body[:-17] + b"\x07" + body[-16:],
    }


@pytest.mark.parametrize("case", list(_aes_cases()))
def test_damaged_aes_state_is_refused(case: str) -> None:
    with pytest.raises(DataError) as info:
        aes.Originator.restore(seal(_aes_cases()[case]))
    assert info.value.code == "originator_state"


@pytest.mark.parametrize("state", [b"", b"short", bytes(8), bytes(9)])
def test_too_short_or_unsealed_states_are_refused(state: bytes) -> None:
    for cls in (tdes.Originator, aes.Originator):
        with pytest.raises(DataError):
            cls.restore(state)


def test_a_flipped_byte_anywhere_is_refused() -> None:
    for saved in (seal(_tdes_body()), seal(_aes_body())):
        for i in range(0, len(saved), 7):
            damaged = saved[:i] + bytes([saved[i] ^ 0x10]) + saved[i + 1:]
            with pytest.raises(DataError):
                (tdes.Originator if saved[:5] != b"PSDA1" else aes.Originator).restore(damaged)


# ------------------------------------------------------------------ resumed states are a run's states
# ``resume_at`` promises "the registers the standard's process would hold there": the ground truth is an
# originator that ran there from its initial key, step by step (X9.24-1:2009 A.2, X9.24-3:2017 6.5). Its saved
# state must match byte for byte, including the empty registers, or two terminals that agree on every key
# still disagree about what they hold.
def _tdes_ksn(counter: int) -> bytes:
    return (int.from_bytes(bytes.fromhex(IKSN), "big") | counter).to_bytes(10, "big")


def _aes_ksn(counter: int) -> bytes:
    return bytes.fromhex(IK_ID) + counter.to_bytes(4, "big")


def test_a_resumed_tdes_originator_saves_what_a_run_to_its_counter_holds() -> None:
    run = tdes.Originator(IPEK, IKSN)
    # past 0x3FF (10 one-bits: the process jumps to 0x400) and on to 0x40F
    while (counter := int.from_bytes(run.ksn, "big") & 0x1FFFFF) <= 0x40F:
        assert tdes.Originator.resume_at(IPEK, run.ksn).save() == run.save(), hex(counter)
        run.next()


def test_a_resumed_aes_originator_saves_what_a_run_to_its_counter_holds() -> None:
    run = aes.Originator(INITIAL128, IK_ID)
    for _ in range(300):
        assert aes.Originator.resume_at(INITIAL128, run.ksn).save() == run.save(), run.ksn.hex()
        run.next()


tdes_counters = st.integers(1, (1 << 21) - 1).filter(lambda c: c.bit_count() <= 10)
aes_counters = st.integers(1, (1 << 32) - 1).filter(lambda c: c.bit_count() <= 16)


# Far counters (and the jumps past 10 or 16 one-bits) are out of a test's reach by running from the start;
# there the run is a resumed originator's own steps: resuming at a counter and stepping on must hold what
# resuming at the counter reached holds.
@settings(max_examples=60, deadline=None)
@given(start=tdes_counters, steps=st.integers(1, 12))
def test_resuming_then_stepping_holds_what_resuming_later_holds_tdes(start: int, steps: int) -> None:
    o = tdes.Originator.resume_at(IPEK, _tdes_ksn(start))
    for _ in range(steps):
        if o.remaining == 0:
            return
        o.next()
    if o.remaining:
        assert tdes.Originator.resume_at(IPEK, o.ksn).save() == o.save()


@settings(max_examples=40, deadline=None)
@given(start=aes_counters, steps=st.integers(1, 12))
def test_resuming_then_stepping_holds_what_resuming_later_holds_aes(start: int, steps: int) -> None:
    o = aes.Originator.resume_at(INITIAL128, _aes_ksn(start))
    for _ in range(steps):
        if o.exhausted:
            return
        o.next()
    if not o.exhausted:
        assert aes.Originator.resume_at(INITIAL128, o.ksn).save() == o.save()


@pytest.mark.parametrize("counter", [0x3FE, 0x7FE, 0x0FFC00, 0x1FF800])
def test_resuming_across_a_jump_tdes(counter: int) -> None:
    # 0x3FF, 0x7FE, 0x0FFC00 and 0x1FF800 have 10 one-bits: the next counter is reached by a jump, not a step
    o = tdes.Originator.resume_at(IPEK, _tdes_ksn(counter & 0x1FFFFF))
    while o.remaining and bin(int.from_bytes(o.ksn, "big") & 0x1FFFFF).count("1") < 10:
        o.next()
    if o.remaining:
        o.next()  # the jump
    if o.remaining:
        assert tdes.Originator.resume_at(IPEK, o.ksn).save() == o.save()


@pytest.mark.parametrize("counter", [0xFFFE, 0xFFFE8000, 0x7FFF0000])
def test_resuming_across_a_jump_aes(counter: int) -> None:
    o = aes.Originator.resume_at(INITIAL128, _aes_ksn(counter))
    while not o.exhausted and int.from_bytes(o.ksn[-4:], "big").bit_count() < 16:
        o.next()
    if not o.exhausted:
        o.next()
    if not o.exhausted:
        assert aes.Originator.resume_at(INITIAL128, o.ksn).save() == o.save()


@pytest.mark.parametrize("kind", ["TDES", "AES"])
def test_a_state_whose_next_register_is_empty_is_refused_when_used(kind: str) -> None:
    # a consistent checksum over inconsistent content: the register the next counter needs is marked empty
    if kind == "TDES":
        body = bytearray(unseal(tdes.Originator(IPEK, IKSN).save(), "TDES"))
        at, size, restore = len(b"PSDT1") + 14, 17, tdes.Originator.restore
    else:
        body = bytearray(unseal(aes.Originator(INITIAL128, IK_ID).save(), "AES"))
        at, size, restore = len(b"PSDA1") + 17, 17, aes.Originator.restore
    body[at:at + size] = bytes(size)  # register 0 (counter 1's): flag 0, no key
    o = restore(seal(bytes(body)))
    with pytest.raises(KsnError) as info:
        o.next()
    assert info.value.code == "originator_state"
