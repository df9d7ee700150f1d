"""ISO 9564-1 PIN blocks: round-trip properties, field checks, bad inputs, and psec as a differential peer."""

from __future__ import annotations

import contextlib
import os
import re

import psec.pinblock as peer
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pinsec import pinblock
from pinsec.errors import DataError, InputError, InvalidKeyError, PanError, PinBlockError, PinError
from pinsec.pinblock import PinBlockFormat

TDES_KEY = bytes.fromhex("0123456789ABCDEFFEDCBA9876543210")
AES_KEY = bytes.fromhex("AF8CB133A78F8DC2D1359F18527593FB")

pins = st.integers(4, 12).flatmap(lambda n: st.text("0123456789", min_size=n, max_size=n))
card_pans = st.integers(8, 19).flatmap(lambda n: st.text("0123456789", min_size=n, max_size=n))
any_pans = st.integers(1, 19).flatmap(lambda n: st.text("0123456789", min_size=n, max_size=n))
formats = st.sampled_from(list(PinBlockFormat))
tdes_keys = st.sampled_from([16, 24]).flatmap(lambda n: st.binary(min_size=n, max_size=n))
aes_keys = st.sampled_from([16, 24, 32]).flatmap(lambda n: st.binary(min_size=n, max_size=n))


def _key_for(fmt: int, data: st.DataObject) -> bytes:
    return data.draw(aes_keys if fmt == 4 else tdes_keys)


# ---------------------------------------------------------------------------------------------- round trips


@given(pin=pins, pan=card_pans, fmt=formats)
def test_decode_inverts_encode(pin: str, pan: str, fmt: PinBlockFormat) -> None:
    block = pinblock.encode(pin, pan, format=fmt)
    assert len(block) == pinblock.block_size(fmt)
    assert pinblock.decode(block, pan, format=fmt) == pin


@given(pin=pins, pan=card_pans, fmt=formats, data=st.data())
def test_decipher_inverts_encipher(pin: str, pan: str, fmt: PinBlockFormat, data: st.DataObject) -> None:
    key = _key_for(fmt, data)
    block = pinblock.encipher(key, pin, pan, format=fmt)
    assert pinblock.decipher(key, block, pan, format=fmt) == pin
    assert pinblock.decipher(key.hex(), block.hex(), pan, format=int(fmt)) == pin  # hex and plain ints


@given(pin=pins, pan=any_pans)
def test_format4_round_trip_with_short_pans(pin: str, pan: str) -> None:
    block = pinblock.encipher(AES_KEY, pin, pan, format=4)
    assert pinblock.decipher(AES_KEY, block, pan, format=4) == pin


@given(pin=pins, pan=card_pans)
def test_formats_0_and_3_xor_the_same_pan_field(pin: str, pan: str) -> None:
    field = pinblock.pan_field(pan)
    assert field[:2] == b"\0\0"
    assert field.hex()[4:] == pan[:-1][-12:].rjust(12, "0")
    clear3 = bytes(a ^ b for a, b in zip(pinblock.encode(pin, pan, format=3), field))
    assert clear3.hex().upper().startswith(f"3{len(pin):X}{pin}")


# ------------------------------------------------------------------------------------------- random fill


@given(pin=pins, pan=card_pans)
def test_format3_fill_is_a_to_f(pin: str, pan: str) -> None:
    clear = bytes(a ^ b for a, b in zip(pinblock.encode(pin, pan, format=3), pinblock.pan_field(pan)))
    assert set(clear.hex().upper()[2 + len(pin) :]) <= set("ABCDEF")


def test_random_fill_differs_between_calls() -> None:
    for fmt in (1, 3, 4):
        blocks = {pinblock.encode("1234", "4012345678909", format=fmt) for _ in range(20)}
        assert len(blocks) > 15, fmt


def test_format3_fill_rejects_biased_bytes() -> None:
    # 252..255 would bias A-D; they are drawn again, so a source giving 255 then 5 yields F.
    draws = iter([bytes([255] * 10), bytes([5] * 10)])
    block = pinblock.encode("1234", "4012345678909", format=3, rng=lambda n: next(draws)[:n])
    clear = bytes(a ^ b for a, b in zip(block, pinblock.pan_field("4012345678909")))
    assert clear.hex().upper() == "341234FFFFFFFFFF"


def test_format3_fill_covers_all_six_letters() -> None:
    seen: set[str] = set()
    for _ in range(50):
        clear = bytes(a ^ b for a, b in zip(pinblock.encode("1234", "4012345678909", format=3),
                                            pinblock.pan_field("4012345678909")))
        seen |= set(clear.hex().upper()[6:])
    assert seen == set("ABCDEF")


# ------------------------------------------------------------------------------- tamper and wrong inputs


@given(pin=pins, pan=card_pans, fmt=st.sampled_from([0, 2]), bit=st.integers(0, 63))
def test_flipped_bit_in_clear_block_never_yields_same_pin(pin: str, pan: str, fmt: int, bit: int) -> None:
    block = bytearray(pinblock.encode(pin, pan, format=fmt))
    block[bit // 8] ^= 0x80 >> (bit % 8)
    with contextlib.suppress(PinBlockError):
        assert pinblock.decode(bytes(block), pan, format=fmt) != pin


@settings(max_examples=200)
@given(pin=pins, pan=card_pans, fmt=formats, data=st.data())
def test_flipped_bit_in_enciphered_block_never_yields_same_pin(
    pin: str, pan: str, fmt: PinBlockFormat, data: st.DataObject
) -> None:
    key = _key_for(fmt, data)
    block = bytearray(pinblock.encipher(key, pin, pan, format=fmt))
    bit = data.draw(st.integers(0, len(block) * 8 - 1))
    block[bit // 8] ^= 0x80 >> (bit % 8)
    with contextlib.suppress(PinBlockError):
        assert pinblock.decipher(key, bytes(block), pan, format=fmt) != pin


def test_wrong_pan_fails_a_field_check_for_format4() -> None:
    block = pinblock.encipher(AES_KEY, "1234", "4111111111111111", format=4)
    with pytest.raises(PinBlockError, match="wrong key or PAN"):
        pinblock.decipher(AES_KEY, block, "4111111111111112", format=4)


def test_wrong_key_fails_a_field_check() -> None:
    failures = 0
    for _ in range(50):
        block = pinblock.encipher(TDES_KEY, "1234", "4012345678909", format=0)
        try:
            pinblock.decipher(os.urandom(16), block, "4012345678909", format=0)
        except PinBlockError as exc:
            assert exc.field in {"control", "pin_length", "pin_digit", "fill"}
            failures += 1
    assert failures == 50


# ------------------------------------------------------------------------------------------ bad inputs

BAD_INPUTS = [
    # (description, call, error class, code)
    ("PIN of 3 digits", lambda: pinblock.encode("123", "4012345678909"), PinError, "bad_pin_length"),
    ("PIN of 13 digits", lambda: pinblock.encode("1" * 13, "4012345678909"), PinError, "bad_pin_length"),
    ("PIN with a letter", lambda: pinblock.encode("12a4", "4012345678909"), PinError, "bad_pin_digit"),
    ("PIN with a space", lambda: pinblock.encode("12 4", format=2), PinError, "bad_pin_digit"),
    ("PIN not a str", lambda: pinblock.encode(1234, format=2), PinError, "invalid_pin"),  # type: ignore[arg-type]
    ("PAN of 7 digits", lambda: pinblock.encode("1234", "4012345"), PanError, "bad_pan_length"),
    ("PAN of 20 digits", lambda: pinblock.encode("1234", "4" * 20), PanError, "bad_pan_length"),
    ("PAN not numeric", lambda: pinblock.encode("1234", "40123456789O9"), PanError, "bad_pan_digit"),
    ("PAN missing, format 0", lambda: pinblock.encode("1234", format=0), PanError, "pan_required"),
    ("PAN missing, format 3", lambda: pinblock.encode("1234", format=3), PanError, "pan_required"),
    ("PAN missing, format 4", lambda: pinblock.encipher(AES_KEY, "1234", format=4), PanError, "pan_required"),
    ("empty PAN, format 4", lambda: pinblock.encipher(AES_KEY, "1234", "", format=4), PanError, "bad_pan_length"),
    ("format 5", lambda: pinblock.encode("1234", format=5), DataError, "invalid_data"),
    ("format as str", lambda: pinblock.encode("1234", format="0"), DataError, "invalid_data"),  # type: ignore[arg-type]
    ("bad control nibble", lambda: pinblock.decode("141234FFFFFFFFFF", format=2), PinBlockError, "bad_control"),
    ("PIN length nibble 3", lambda: pinblock.decode("23123FFFFFFFFFFF", format=2), PinBlockError, "bad_pin_length"),
    ("PIN length nibble D", lambda: pinblock.decode("2D123456789012FF", format=2), PinBlockError, "bad_pin_length"),
    ("non-decimal PIN digit", lambda: pinblock.decode("24123AFFFFFFFFFF", format=2), PinBlockError, "bad_pin_digit"),
    ("format 2 fill not F", lambda: pinblock.decode("241234FFFFFFFFFE", format=2), PinBlockError, "bad_fill"),
    ("format 0 fill not F (wrong PAN)", lambda: pinblock.decode("041274EDCBA9876F", "4012345678917"), PinBlockError,
     "bad_fill"),
    ("format 3 fill 9", lambda: pinblock.decode("341234FFFFFFFFF9", "0000000000000", format=3), PinBlockError,
     "bad_fill"),
    ("format 4 fill not A", lambda: pinblock.decode("441234AAAAAAAAAB" + "00" * 8, format=4), PinBlockError,
     "bad_fill"),
    ("block of 7 bytes", lambda: pinblock.decode("241234FFFFFFFF", format=2), PinBlockError, "invalid_pin_block"),
    ("format 4 block of 8 bytes", lambda: pinblock.decode("441234AAAAAAAAAA", format=4), PinBlockError,
     "invalid_pin_block"),
    ("block not hex", lambda: pinblock.decode("24123GFFFFFFFFFF", format=2), PinBlockError, "invalid_pin_block"),
    ("TDES key of 8 bytes", lambda: pinblock.encipher(bytes(8), "1234", "4012345678909"), InvalidKeyError,
     "invalid_key"),
    ("TDES key of 32 bytes", lambda: pinblock.encipher(bytes(32), "1234", "4012345678909"), InvalidKeyError,
     "invalid_key"),
    ("AES key of 8 bytes", lambda: pinblock.encipher(bytes(8), "1234", "4111111111111111", format=4),
     InvalidKeyError, "invalid_key"),
    ("AES key of 20 bytes", lambda: pinblock.decipher(bytes(20), bytes(16), "4111111111111111", format=4),
     InvalidKeyError, "invalid_key"),
    ("key not hex", lambda: pinblock.encipher("zz" * 16, "1234", "4012345678909"), PinBlockError,
     "invalid_pin_block"),
    ("rng short", lambda: pinblock.encode("1234", format=4, rng=lambda n: b"\0"), DataError, "invalid_data"),
    ("format 2 has no PAN field", lambda: pinblock.pan_field("4012345678909", format=2), DataError, "no_pan_field"),
]


@pytest.mark.parametrize(("call", "error", "code"), [b[1:] for b in BAD_INPUTS], ids=[b[0] for b in BAD_INPUTS])
def test_bad_input_is_refused(call: object, error: type[Exception], code: str) -> None:
    with pytest.raises(error) as info:
        call()  # type: ignore[operator]
    assert type(info.value) is error
    assert isinstance(info.value, InputError)
    assert info.value.code == code


@pytest.mark.parametrize(("key", "fmt", "name"), [
    (12345, 0, "format 0 key (TDES) must be bytes"), (None, 4, "format 4 key (AES) must be bytes"),
    (bytes(5), 3, "format 3 key (TDES) is 5 bytes"), (bytes(15), 4, "format 4 key (AES) is 15 bytes"),
])
def test_a_refused_key_is_named_by_its_format(key: object, fmt: int, name: str) -> None:
    # whether or not the key is bytes (a non-bytes key never reaches the context cache's own check)
    with pytest.raises(InvalidKeyError, match=re.escape(name)):
        pinblock.encipher(key, "1234", "4111111111111111", format=fmt)  # type: ignore[arg-type]


def test_messages_hold_no_pin_pan_or_key() -> None:
    pan, pin = "4012345678909", "987654"
    block = pinblock.encipher(TDES_KEY, pin, pan)
    for call in (
        lambda: pinblock.decipher(TDES_KEY, block, "4012345678917"),
        lambda: pinblock.decipher(bytes(16), block, pan),
        lambda: pinblock.encode(pin + "x", pan),
        lambda: pinblock.encode(pin, pan + "x"),
    ):
        with pytest.raises(InputError) as info:
            call()
        text = str(info.value) + repr(info.value)
        for secret in (pin, pan, pan[3:12], TDES_KEY.hex(), TDES_KEY.hex().upper(), block.hex(), block.hex().upper()):
            assert secret not in text


# ------------------------------------------------------------------------------ differential against psec


@given(pin=pins, pan=st.integers(13, 19).flatmap(lambda n: st.text("0123456789", min_size=n, max_size=n)))
def test_format0_matches_psec(pin: str, pan: str) -> None:
    block = pinblock.encode(pin, pan, format=0)
    assert block == peer.encode_pinblock_iso_0(pin, pan)
    assert peer.decode_pinblock_iso_0(block, pan) == pin


@given(pin=pins)
def test_format2_matches_psec(pin: str) -> None:
    block = pinblock.encode(pin, format=2)
    assert block == peer.encode_pinblock_iso_2(pin)
    assert peer.decode_pinblock_iso_2(block) == pin


@given(pin=pins, pan=st.integers(13, 19).flatmap(lambda n: st.text("0123456789", min_size=n, max_size=n)))
def test_format3_decodes_like_psec(pin: str, pan: str) -> None:
    assert peer.decode_pinblock_iso_3(pinblock.encode(pin, pan, format=3), pan) == pin
    assert pinblock.decode(peer.encode_pinblock_iso_3(pin, pan), pan, format=3) == pin


@given(pin=pins, pan=any_pans, key=st.binary(min_size=16, max_size=16))
def test_format4_matches_psec_both_ways(pin: str, pan: str, key: bytes) -> None:
    assert pinblock.pan_field(pan, format=4) == peer.encode_pan_field_iso_4(pan)
    assert peer.decipher_pinblock_iso_4(key, pinblock.encipher(key, pin, pan, format=4), pan) == pin
    assert pinblock.decipher(key, peer.encipher_pinblock_iso_4(key, pin, pan), pan, format=4) == pin
