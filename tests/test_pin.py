"""Tier-1 PIN verification values and MACs: psec as a differential peer, properties, bad inputs."""

from __future__ import annotations

import psec.cvv
import psec.mac
import psec.pin
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pinsec import mac, pin
from pinsec.errors import DataError, InputError, InvalidKeyError, PanError, PinError, VerificationError

digits = st.text("0123456789", min_size=1, max_size=1)
pins = st.integers(4, 12).flatmap(lambda n: st.text("0123456789", min_size=n, max_size=n))
pans = st.integers(12, 19).flatmap(lambda n: st.text("0123456789", min_size=n, max_size=n))
tables = st.text("0123456789", min_size=16, max_size=16)
keys16 = st.binary(min_size=16, max_size=16)


@given(pvk=keys16, p=pins, pan=st.text("0123456789", min_size=16, max_size=16), table=tables)
def test_ibm3624_matches_psec(pvk: bytes, p: str, pan: str, table: str) -> None:
    vd = pin.ibm3624_validation_data(pan)
    offset = pin.ibm3624_offset(pvk, p, vd, table)
    assert offset == psec.pin.generate_ibm3624_offset(pvk, table, p, pan, 0, 16, "F")
    assert pin.ibm3624_pin_from_offset(pvk, offset, vd, table) == p
    pin.verify_ibm3624(pvk, p, offset, vd, table)


@given(pvk=keys16, pan=pans, pvki=digits, p=pins)
def test_visa_pvv_matches_psec(pvk: bytes, pan: str, pvki: str, p: str) -> None:
    pvv = pin.visa_pvv(pvk, pan, pvki, p)
    assert pvv == psec.pin.generate_visa_pvv(pvk, pvki, p[:4], pan)
    pin.verify_visa_pvv(pvk, pan, pvki, p, pvv)


@given(cvk=keys16, pan=pans, expiry=st.text("0123456789", min_size=4, max_size=4),
       sc=st.text("0123456789", min_size=3, max_size=3))
def test_cvv_matches_psec(cvk: bytes, pan: str, expiry: str, sc: str) -> None:
    value = pin.cvv(cvk, pan, expiry, sc)
    assert value == psec.cvv.generate_cvv(cvk, pan, expiry, sc)
    pin.verify_cvv(cvk, pan, expiry, sc, value)


@given(key=keys16, data=st.binary(max_size=70), padding=st.sampled_from([1, 2]))
def test_iso9797_macs_match_psec(key: bytes, data: bytes, padding: int) -> None:
    assert mac.retail_mac(key, data, padding=padding) == psec.mac.generate_retail_mac(key[:8], key[8:], data, padding)
    assert mac.cbc_mac(key, data, padding=padding) == psec.mac.generate_cbc_mac(key, data, padding)


def test_pin_check_length_checks_only_the_leftmost_digits() -> None:
    pvk = bytes.fromhex("0123456789ABCDEFFEDCBA9876543210")
    offset = pin.ibm3624_offset(pvk, "452499", "1122334455667788", "1234567890123456", pin_check_length=4)
    assert offset == "0000"
    pin.verify_ibm3624(pvk, "452411", "0000", "1122334455667788", "1234567890123456", pin_check_length=4)
    with pytest.raises(VerificationError):
        pin.verify_ibm3624(pvk, "552411", "0000", "1122334455667788", "1234567890123456", pin_check_length=4)


def test_generate_pin_is_uniform_enough() -> None:
    seen = {bytes(pin.generate_pin(4))[0] for _ in range(400)}
    assert seen == set(b"0123456789")


def test_macs_verify_and_truncate() -> None:
    key = bytes.fromhex("0123456789ABCDEFFEDCBA9876543210")
    tag = mac.cmac(key, b"abc", algorithm="tdes", length=4)
    mac.verify_cmac(key, b"abc", tag, algorithm="tdes")
    with pytest.raises(VerificationError):
        mac.verify_cmac(key, b"abd", tag, algorithm="tdes")
    h = mac.hmac_sha256(key, b"abc", length=16)
    mac.verify_hmac_sha256(key, b"abc", h)
    with pytest.raises(DataError):
        mac.hmac_sha256(key, b"abc", length=8)


PVK = bytes.fromhex("0123456789ABCDEFFEDCBA9876543210")
BAD = [
    ("table of 15 digits", lambda: pin.ibm3624_offset(PVK, "1234", "1122334455667788", "123456789012345"), DataError),
    ("table with a letter", lambda: pin.ibm3624_offset(PVK, "1234", "1122334455667788", "123456789012345A"),
     DataError),
    ("validation data of 15 digits", lambda: pin.ibm3624_offset(PVK, "1234", "112233445566778", "0123456789012345"),
     DataError),
    ("PIN of 3 digits", lambda: pin.ibm3624_offset(PVK, "123", "1122334455667788", "0123456789012345"), PinError),
    ("check length 3", lambda: pin.ibm3624_offset(PVK, "1234", "1122334455667788", "0123456789012345",
                                                  pin_check_length=3), DataError),
    ("PVK of 10 bytes", lambda: pin.visa_pvv(bytes(10), "1122334455667788", "1", "1234"), InvalidKeyError),
    ("PVKI of 2 digits", lambda: pin.visa_pvv(PVK, "1122334455667788", "12", "1234"), DataError),
    ("PAN with a letter", lambda: pin.visa_pvv(PVK, "11223344556677A8", "1", "1234"), PanError),
    ("CVK of 24 bytes", lambda: pin.cvv(bytes(24), "1234567890123456", "9912", "220"), InvalidKeyError),
    ("expiry of 3 digits", lambda: pin.cvv(PVK, "1234567890123456", "991", "220"), DataError),
    ("MAC padding 4", lambda: mac.retail_mac(PVK, b"x", padding=4), DataError),  # type: ignore[arg-type]
    ("retail MAC key of 24 bytes", lambda: mac.retail_mac(bytes(24), b"x"), InvalidKeyError),
    ("CMAC algorithm", lambda: mac.cmac(PVK, b"x", algorithm="des"), DataError),  # type: ignore[arg-type]
]


@pytest.mark.parametrize(("call", "error"), [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_bad_input(call: object, error: type[Exception]) -> None:
    with pytest.raises(error) as info:
        call()  # type: ignore[operator]
    assert isinstance(info.value, InputError)
