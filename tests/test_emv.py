"""pinsec.emv: EMV option A master keys, session keys, application cryptograms and ARPC method 1.

Known answers are the worked examples in the documentation of pyemv 1.5.0 (github:knovichikhin/pyemv, an
independent implementation: kd.derive_icc_mk_a, kd.derive_common_sk, ac.generate_ac, ac.generate_arpc_1),
and the properties are checked against pyemv itself on random inputs."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pinsec import emv
from pinsec.errors import DataError, InvalidKeyError

pyemv_ac = pytest.importorskip("pyemv.ac")
pyemv_kd = pytest.importorskip("pyemv.kd")

IMK = bytes.fromhex("0123456789ABCDEFFEDCBA9876543210")


def test_pyemv_documented_examples() -> None:
    # pyemv kd.derive_icc_mk_a: PAN 12345678901234567, PSN 01
    assert emv.derive_icc_master_key(IMK, emv.pan_block("12345678901234567", "01")).hex().upper() == \
        "73AD54688CEF2934B0979857E3C719F1"
    # pyemv kd.derive_common_sk: R = 001C000000000000
    assert emv.derive_session_key(IMK, bytes.fromhex("001C000000000000")).hex().upper() == \
        "E9FB384AF807B940FEDCEA613461B0C4"
    # pyemv ac.generate_arpc_1: ARQC 1234567890ABCDEF, ARC 0000
    assert emv.arpc_method_1(bytes.fromhex("AAAAAAAAAAAAAAAABBBBBBBBBBBBBBBB"), bytes.fromhex("1234567890ABCDEF"),
                             bytes.fromhex("0000")).hex().upper() == "F5E6F44147E2F1B0"


def test_pyemv_documented_option_b_example() -> None:
    # pyemv kd.derive_icc_mk_b: PAN 12345678901234567 (17 digits, so the SHA-1 route), PSN 01
    block = emv.pan_block("12345678901234567", "01", option="B")
    assert emv.derive_icc_master_key(IMK, block).hex().upper() == "AD406D7F6D7570916D75E5DCAB8CF737"


@given(imk=st.binary(min_size=16, max_size=16), pan=st.from_regex(r"\A[0-9]{12,19}\Z"),
       psn=st.from_regex(r"\A[0-9]{2}\Z"))
def test_option_b_against_pyemv(imk: bytes, pan: str, psn: str) -> None:
    block = emv.pan_block(pan, psn, option="B")
    assert emv.derive_icc_master_key(imk, block) == pyemv_kd.derive_icc_mk_b(imk, pan, psn)
    if len(pan) <= 16:
        assert block == emv.pan_block(pan, psn)  # option B is option A for PANs of up to 16 digits


def _emv_padded(data: bytes) -> bytes:
    """ISO/IEC 9797-1 padding method 2, which pyemv's generate_ac applies by default and KQ leaves to the host."""
    return data + b"\x80" + bytes(-(len(data) + 1) % 8)


@pytest.mark.parametrize(("key", "data", "arqc", "arpc"), [
    # pyemv/ac.py module docstring: session key, 16 bytes of data, ARQC, then ARPC method 1 with ARC 0000
    ("29B33180E567CE38EA4CBC9D753B0E61", "0123456789ABCDEF0123456789ABCDEF", "FA624250B008B59A", "45D4255EEF10C920"),
    # pyemv ac.generate_ac docstring: CDOL data 9F02 9F03 9F1A 95 5F2A 9A 9C 9F37 82 9F36
    ("AAAAAAAAAAAAAAAABBBBBBBBBBBBBBBB", "000000002000" "000000000000" "0124" "0000008000" "0124" "110309" "00"
     "3804823E" "5800" "0001", "3B76CF10FECD8789", None),
])
def test_pyemv_documented_ac_examples(key: str, data: str, arqc: str, arpc: str | None) -> None:
    k = bytes.fromhex(key)
    got = emv.application_cryptogram(k, _emv_padded(bytes.fromhex(data)))
    assert got.hex().upper() == arqc
    if arpc is not None:
        assert emv.arpc_method_1(k, got, bytes(2)).hex().upper() == arpc


@given(imk=st.binary(min_size=16, max_size=16), pan=st.from_regex(r"\A[0-9]{12,19}\Z"),
       psn=st.from_regex(r"\A[0-9]{2}\Z"), atc=st.binary(min_size=2, max_size=2),
       un=st.binary(min_size=4, max_size=4), data=st.binary(min_size=1, max_size=255),
       arc=st.binary(min_size=2, max_size=2))
def test_against_pyemv(imk: bytes, pan: str, psn: str, atc: bytes, un: bytes, data: bytes, arc: bytes) -> None:
    mk = emv.derive_icc_master_key(imk, emv.pan_block(pan, psn))
    assert mk == pyemv_kd.derive_icc_mk_a(imk, pan, psn)
    r = emv.mastercard_session_data(atc, un)
    sk = emv.derive_session_key(mk, r)
    assert sk == pyemv_kd.derive_common_sk(mk, r)
    assert emv.derive_session_key(mk, atc + bytes(6)) == pyemv_kd.derive_common_sk(mk, atc + bytes(6))
    arqc = emv.application_cryptogram(sk, data)
    assert arqc == pyemv_ac.generate_ac(sk, data, padding_type=pyemv_ac.PaddingType.VISA)
    assert emv.arpc_method_1(mk, arqc, arc) == pyemv_ac.generate_arpc_1(mk, arqc, arc)


@pytest.mark.parametrize(("call", "field"), [
    (lambda: emv.derive_icc_master_key(IMK[:8], bytes(8)), "issuer_master_key"),
    (lambda: emv.derive_icc_master_key(IMK + IMK[:8], bytes(8)), "issuer_master_key"),
    (lambda: emv.derive_session_key("00" * 16, bytes(8)), "icc_master_key"),
    (lambda: emv.application_cryptogram(IMK[:15], b"x"), "key"),
    (lambda: emv.arpc_method_1(bytearray(17), bytes(8), bytes(2)), "key"),
])
def test_keys_are_double_length(call: object, field: str) -> None:
    with pytest.raises(InvalidKeyError) as raised:
        call()  # type: ignore[operator]
    assert raised.value.field == field


def test_pan_block_takes_the_rightmost_sixteen_digits_and_pads_short_ones() -> None:
    # EMV Book 2 A1.4.1: X = PAN || PSN; Y = the rightmost 16 digits of X, zeros on the left if shorter
    assert emv.pan_block("1234567890123456789", "01") == bytes.fromhex("6789012345678901")
    assert emv.pan_block("123456789012", "07") == bytes.fromhex("0012345678901207")
    assert emv.pan_block("12345678901234", "00") == bytes.fromhex("1234567890123400")


@pytest.mark.parametrize(("call", "field"), [
    (lambda: emv.pan_block("12345678901", "00"), "pan"),
    (lambda: emv.pan_block("12345678901234567890", "00"), "pan"),
    (lambda: emv.pan_block("1234567890123A", "00"), "pan"),
    (lambda: emv.pan_block("123456789012", "1"), "psn"),
    (lambda: emv.pan_block("123456789012", "01", option="C"), "option"),

    (lambda: emv.derive_icc_master_key(IMK, bytes(7)), "pan_block"),
    (lambda: emv.derive_session_key(IMK, bytes(9)), "r"),
    (lambda: emv.mastercard_session_data(bytes(2), bytes(3)), "unpredictable_number"),
    (lambda: emv.application_cryptogram(IMK, b""), "data"),
    (lambda: emv.application_cryptogram(IMK, bytes(256)), "data"),
    (lambda: emv.arpc_method_1(IMK, bytes(8), bytes(3)), "arc"),
    (lambda: emv.arpc_method_1(IMK, bytes(7), bytes(2)), "arqc"),
])
def test_bad_input_is_refused_by_field(call: object, field: str) -> None:
    with pytest.raises(DataError) as raised:
        call()  # type: ignore[operator]
    assert raised.value.field == field
