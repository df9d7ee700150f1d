"""Every input bound of pinsec.pin (and the key check of pinsec.mac's CBC-MAC), reached with otherwise-valid
input on both sides of the bound: an honest mutation run found them untested (docs/testing.md). Where a
value is computed, the reference is `cryptography`'s DES (OpenSSL), an independent implementation."""

from __future__ import annotations

import pytest
from cryptography.hazmat.decrepit.ciphers.algorithms import TripleDES
from cryptography.hazmat.primitives.ciphers import Cipher, modes

from pinsec import mac, pin
from pinsec.errors import DataError, InvalidKeyError, PanError, PinError

PVK = bytes.fromhex("0123456789ABCDEFFEDCBA9876543210")
CVK = PVK
TABLE = pin.STANDARD_DECIMALIZATION_TABLE
DATA = "4012345678909FFF"


def _openssl_natural(key: bytes, data: str, n: int) -> str:
    full = {8: key * 3, 16: key + key[:8], 24: key}[len(key)]
    out = Cipher(TripleDES(full), modes.ECB()).encryptor().update(bytes.fromhex(data)).hex()
    return "".join(TABLE[int(c, 16)] for c in out)[:n]


@pytest.mark.parametrize("length", [8, 16, 24])
def test_pvk_lengths_single_double_triple(length: int) -> None:
    key = bytes(range(1, length + 1))
    assert pin.ibm3624_natural_pin(key, DATA, TABLE, 4) == _openssl_natural(key, DATA, 4)


@pytest.mark.parametrize("key", [bytes(7), bytes(9), bytes(23), bytes(25), bytes(32), "00" * 16])
def test_other_pvk_lengths_are_refused(key: object) -> None:
    with pytest.raises(InvalidKeyError) as info:
        pin.ibm3624_natural_pin(key, DATA, TABLE, 4)  # type: ignore[arg-type]
    assert info.value.field == "PVK"


@pytest.mark.parametrize(("n", "ok"), [(3, False), (4, True), (12, True), (13, False), ("4", False)])
def test_natural_pin_lengths(n: object, ok: bool) -> None:
    if ok:
        assert pin.ibm3624_natural_pin(PVK, DATA, TABLE, n) == _openssl_natural(PVK, DATA, n)  # type: ignore[arg-type]
    else:
        with pytest.raises(PinError) as info:
            pin.ibm3624_natural_pin(PVK, DATA, TABLE, n)  # type: ignore[arg-type]
        assert info.value.field == "pin_length"


@pytest.mark.parametrize(("pan", "ok"), [("4" * 7, False), ("4" * 8, True), ("4" * 19, True), ("4" * 20, False),
                                         ("40123456789O", False)])
def test_validation_data_pan_lengths(pan: str, ok: bool) -> None:
    if ok:
        assert pin.ibm3624_validation_data(pan, length=8) == pan[:8] + "F" * 8
    else:
        with pytest.raises(PanError):
            pin.ibm3624_validation_data(pan, length=4)


@pytest.mark.parametrize(("offset", "length", "ok"), [
    (0, 1, True), (0, 16, True), (3, 16, True), (-1, 4, False), (0, 0, False), (0, 17, False), (4, 16, False),
])
def test_validation_data_window(offset: int, length: int, ok: bool) -> None:
    pan = "4012345678909012345"  # 19 digits
    if ok:
        assert pin.ibm3624_validation_data(pan, offset=offset, length=length) == \
            pan[offset:offset + length].ljust(16, "F")
    else:
        with pytest.raises(DataError) as info:
            pin.ibm3624_validation_data(pan, offset=offset, length=length)
        assert info.value.field == "validation_data"


@pytest.mark.parametrize(("pad", "ok"), [("0", True), ("A", True), ("F", True), ("", False), ("FF", False),
                                         ("G", False), ("f", False)])
def test_validation_data_pad(pad: str, ok: bool) -> None:
    if ok:
        assert pin.ibm3624_validation_data("4012345678909", length=12, pad=pad) == "401234567890" + pad * 4
    else:
        with pytest.raises(DataError) as info:
            pin.ibm3624_validation_data("4012345678909", length=12, pad=pad)
        assert info.value.field == "pad"


@pytest.mark.parametrize(("call", "field"), [
    (lambda: pin.ibm3624_offset(PVK, "1" * 13, DATA, TABLE), "PIN"),
    (lambda: pin.ibm3624_pin_from_offset(PVK, "1" * 13, DATA, TABLE), "offset"),
    (lambda: pin.verify_ibm3624(PVK, "1" * 13, "0" * 12, DATA, TABLE), "PIN"),
    (lambda: pin.verify_ibm3624(PVK, "1" * 12, "0" * 13, DATA, TABLE), "offset"),
    (lambda: pin.visa_pvv(PVK, "4012345678909", "1", "1" * 13), "PIN"),
])
def test_pins_and_offsets_of_thirteen_digits_are_refused(call: object, field: str) -> None:
    # refused as the input they are (not later, as a natural PIN length the PVK computation cannot make)
    with pytest.raises((PinError, DataError)) as info:
        call()  # type: ignore[operator]
    assert info.value.field == field


def test_twelve_digits_round_trip() -> None:
    # twelve is the longest, and round-trips
    offset = pin.ibm3624_offset(PVK, "1" * 12, DATA, TABLE)
    assert pin.ibm3624_pin_from_offset(PVK, offset, DATA, TABLE) == "1" * 12
    pin.verify_ibm3624(PVK, "1" * 12, offset, DATA, TABLE)


def test_an_offset_shorter_than_the_checked_digits_is_refused() -> None:
    offset = pin.ibm3624_offset(PVK, "123456", DATA, TABLE)
    pin.verify_ibm3624(PVK, "123456", offset, DATA, TABLE)
    with pytest.raises(DataError) as info:
        pin.verify_ibm3624(PVK, "123456", offset[:5], DATA, TABLE)
    assert info.value.field == "offset"


@pytest.mark.parametrize(("pan", "ok"), [("4" * 11, False), ("4" * 12, True), ("4" * 19, True), ("4" * 20, False)])
def test_visa_pvv_pan_lengths(pan: str, ok: bool) -> None:
    if ok:
        assert len(pin.visa_pvv(PVK, pan, "1", "1234")) == 4
    else:
        with pytest.raises(PanError):
            pin.visa_pvv(PVK, pan, "1", "1234")


@pytest.mark.parametrize(("pan", "ok"), [("4" * 7, False), ("4" * 8, True), ("4" * 19, True), ("4" * 20, False)])
def test_cvv_pan_lengths(pan: str, ok: bool) -> None:
    if ok:
        assert len(pin.cvv(CVK, pan, "2612", "101")) == 3
    else:
        with pytest.raises(PanError):
            pin.cvv(CVK, pan, "2612", "101")


def test_generated_pins() -> None:
    assert len(pin.generate_pin()) == 4  # the default length
    for n in (4, 12):
        digits = pin.generate_pin(n)
        assert len(digits) == n and digits.isdigit()
    for n in (3, 13, "4"):
        with pytest.raises(PinError) as info:
            pin.generate_pin(n)  # type: ignore[arg-type]
        assert info.value.field == "length"


def test_cbc_mac_checks_the_key_before_the_data() -> None:
    with pytest.raises(InvalidKeyError):
        mac.cbc_mac(bytes(8), b"data", padding=9)  # type: ignore[arg-type]
