"""pinsec.variant_lmk: the payShield variant LMK's key schemes, key types and PINs under LMK 02-03."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pinsec import kcv
from pinsec.errors import DataError, InvalidKeyError, PinError
from pinsec.variant_lmk import TEST_LMK, VariantLmk, check_key_type, unwrap_under, wrap_under

LMK = VariantLmk.test()
KEY = bytes.fromhex("0123456789ABCDEFFEDCBA9876543210")


def test_variants_one_and_two_under_scheme_u() -> None:
    # "Thales Keys Encryption/Decoding" tool capture recorded in a public test (ThalesLmkExternalVectorTest,
    # package com.cryptocarver.crypto): LMK pair 00-01 with variant 1 and 2, scheme U.
    pair = bytes.fromhex(TEST_LMK[0])
    for variant, expected in ((0xA6, "A12049CC30D20BE0DC6E5E2A98FADE9E"), (0x5A, "BD7F64B9F9875B731BAED72101DEA65B")):
        kek = bytes([pair[0] ^ variant]) + pair[1:]
        assert wrap_under(kek, KEY, "U") == "U" + expected
        assert unwrap_under(kek, "U" + expected) == ("U", KEY)


@pytest.mark.parametrize(("key_type", "cryptogram", "check"), [
    # ThalesSim TestGenerateCheckValueBU: the check values of these test-LMK cryptograms
    ("000", "U93CB819F8FEE4F78BF9C4CDD84750DB1", "B70AD25C94548822"),
    ("001", "U1EF828AA8F6B80EB83E19FBC373F3A85", "6F1E3F74F826B7EB"),
])
def test_thalessim_check_values(key_type: str, cryptogram: str, check: str) -> None:
    _, key = unwrap_under(LMK.kek(key_type), cryptogram)
    assert kcv.legacy_kcv(key, length=8) == check


def test_key_type_codes() -> None:
    assert check_key_type("001") == (3, 0)
    assert check_key_type("402") == (7, 4)
    assert check_key_type("00A") == (15, 0)
    for bad in ("01", "0001", "A01", "00F", "0\u0661\u0661", 1):
        with pytest.raises(DataError):
            check_key_type(bad)  # type: ignore[arg-type]


def test_key_type_variant_changes_the_first_lmk_byte_only() -> None:
    base, v4 = LMK.kek("002"), LMK.kek("402")
    assert bytes([base[0] ^ v4[0]]) == b"\xde" and base[1:] == v4[1:]


@pytest.mark.parametrize(("scheme", "length"), [("X", 16), ("U", 16), ("Y", 24), ("T", 24)])
def test_schemes_round_trip_and_differ(scheme: str, length: int) -> None:
    key = bytes(range(1, length + 1))
    out = wrap_under(LMK.kek("001"), key, scheme)
    assert out[0] == scheme and len(out) == 1 + 2 * length
    assert unwrap_under(LMK.kek("001"), out) == (scheme, key)
    other = {"X": "U", "U": "X", "Y": "T", "T": "Y"}[scheme]
    assert wrap_under(LMK.kek("001"), key, other)[1:] != out[1:]


def test_untagged_fields_are_z_x_y() -> None:
    single = wrap_under(LMK.kek("001"), KEY[:8], "Z")
    assert len(single) == 16 and unwrap_under(LMK.kek("001"), single) == ("Z", KEY[:8])
    double = wrap_under(LMK.kek("001"), KEY, "X")[1:]
    assert unwrap_under(LMK.kek("001"), double) == ("X", KEY)


@pytest.mark.parametrize("field", ["U123", "Q" + "0" * 32, "U" + "G" * 32, "X" + "0" * 30, "0" * 20, "",
                                   "U" + "é" * 32])
def test_malformed_key_fields(field: str) -> None:
    with pytest.raises(InvalidKeyError):
        unwrap_under(LMK.kek("001"), field)


def test_wrong_scheme_for_length_and_single_length_kek() -> None:
    with pytest.raises(InvalidKeyError):
        wrap_under(LMK.kek("001"), KEY, "T")
    with pytest.raises(InvalidKeyError):
        wrap_under(KEY[:8], KEY, "X")


def test_load_a_file(tmp_path: Path) -> None:
    path = tmp_path / "lmk.txt"
    path.write_text("; the test set\n\n# as a file\n" + "\n".join(TEST_LMK) + "\n")
    loaded = VariantLmk.load(path)
    assert loaded.is_test and loaded.check_value() == LMK.check_value() == "4F550070D645C657"
    path.write_text("\n".join(TEST_LMK[:-1]) + "\n")
    with pytest.raises(InvalidKeyError):
        VariantLmk.load(path)
    path.write_text("\n".join(TEST_LMK[:-1]) + "\nnot hex\n")
    with pytest.raises(DataError):
        VariantLmk.load(path)
    with pytest.raises(DataError):
        VariantLmk.load(tmp_path / "missing")
    other = list(TEST_LMK)
    other[3] = "0123456789ABCDEFFEDCBA9876543210"
    path.write_text("\n".join(other))
    assert not VariantLmk.load(path).is_test


def test_an_lmk_is_not_pickled() -> None:
    import pickle

    with pytest.raises(TypeError):
        pickle.dumps(LMK)


@given(pin=st.text("0123456789", min_size=4, max_size=12), account=st.text("0123456789", min_size=12, max_size=12))
def test_pin_under_lmk_round_trips_with_one_more_digit(pin: str, account: str) -> None:
    out = LMK.encrypt_pin(bytearray(pin.encode()), account)
    assert len(out) == len(pin) + 1 and out.isdigit()
    assert LMK.decrypt_pin(out, account) == bytearray(pin.encode())


@given(pin=st.text("0123456789", min_size=4, max_size=12), at=st.integers(0, 12), delta=st.integers(1, 9))
def test_a_changed_digit_is_refused(pin: str, at: int, delta: int) -> None:
    account = "401234567890"
    out = LMK.encrypt_pin(bytearray(pin.encode()), account)
    at %= len(out)
    changed = out[:at] + str((int(out[at]) + delta) % 10) + out[at + 1:]
    with pytest.raises(PinError):
        LMK.decrypt_pin(changed, account)


def test_the_pin_form_depends_on_account_and_lmk() -> None:
    a = LMK.encrypt_pin(bytearray(b"1234"), "401234567890")
    assert a != LMK.encrypt_pin(bytearray(b"1234"), "401234567891")
    other = VariantLmk([bytes.fromhex("0123456789ABCDEFFEDCBA9876543210")] + [bytes.fromhex(p) for p in TEST_LMK[1:]])
    assert other.encrypt_pin(bytearray(b"1234"), "401234567890") == a  # pair 02-03 is what counts
    moved = VariantLmk([bytes.fromhex(TEST_LMK[0]), KEY] + [bytes.fromhex(p) for p in TEST_LMK[2:]])
    assert moved.encrypt_pin(bytearray(b"1234"), "401234567890") != a


@pytest.mark.parametrize("pin", [b"123", b"1234567890123", b"12a4"])
def test_bad_pins_and_accounts(pin: bytes) -> None:
    with pytest.raises(PinError):
        LMK.encrypt_pin(bytearray(pin), "401234567890")
    with pytest.raises(DataError):
        LMK.encrypt_pin(bytearray(b"1234"), "40123456789")
    with pytest.raises(PinError):
        LMK.decrypt_pin("1234", "401234567890")
