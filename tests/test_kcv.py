"""Key check values (pinsec.kcv): each method and algorithm against `cryptography` (OpenSSL's TDES, AES and
CMAC, an independent implementation) on ANSI X9.24-1:2009 A.4's BDK and FIPS 197's example key; every length
bound on both sides and every refusal. A --quick mutation run of kcv.py found half of its mutants untested."""

from __future__ import annotations

import pytest
from cryptography.hazmat.decrepit.ciphers.algorithms import TripleDES
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.cmac import CMAC

from pinsec import kcv
from pinsec.errors import DataError

TDES = bytes.fromhex("0123456789ABCDEFFEDCBA9876543210")  # ANSI X9.24-1:2009 A.4 BDK
AES = bytes.fromhex("000102030405060708090A0B0C0D0E0F")  # FIPS 197 Appendix C.1 key


def _ecb(algorithm: object, block: int) -> str:
    return Cipher(algorithm, modes.ECB()).encryptor().update(bytes(block)).hex().upper()  # type: ignore[arg-type]


def _cmac(algorithm: object, block: int) -> str:
    c = CMAC(algorithm)  # type: ignore[arg-type]
    c.update(bytes(block))
    return c.finalize().hex().upper()


def test_legacy_tdes() -> None:
    assert kcv.legacy_kcv(TDES) == "08D7B4"
    assert kcv.legacy_kcv(TDES, length=8) == "08D7B4FB629D0885" == _ecb(TripleDES(TDES + TDES[:8]), 8)
    assert kcv.kcv(TDES, algorithm="T") == "08D7B4"


def test_legacy_aes() -> None:
    assert kcv.legacy_kcv(AES, algorithm="A", length=16) == _ecb(algorithms.AES(AES), 16)
    assert kcv.kcv(AES, algorithm="A") == _ecb(algorithms.AES(AES), 16)[:6]


def test_cmac_aes_and_tdes() -> None:
    assert kcv.cmac_kcv(AES) == _cmac(algorithms.AES(AES), 16)[:10]
    assert kcv.cmac_kcv(AES, length=16) == _cmac(algorithms.AES(AES), 16)
    assert kcv.cmac_kcv(TDES, algorithm="T", length=8) == _cmac(TripleDES(TDES + TDES[:8]), 8)
    assert kcv.kcv(AES, algorithm="A", method="cmac") == _cmac(algorithms.AES(AES), 16)[:10]
    assert kcv.kcv(TDES, algorithm="T", method="cmac", length=4) == _cmac(TripleDES(TDES + TDES[:8]), 8)[:8]


@pytest.mark.parametrize(("call", "good", "bad"), [
    (lambda n: kcv.legacy_kcv(TDES, length=n), (2, 8), (1, 9)),
    (lambda n: kcv.legacy_kcv(AES, algorithm="A", length=n), (2, 16), (1, 17)),
    (lambda n: kcv.cmac_kcv(AES, length=n), (2, 16), (1, 17)),
    (lambda n: kcv.cmac_kcv(TDES, algorithm="T", length=n), (2, 8), (1, 9)),
])
def test_length_bounds(call: object, good: tuple[int, int], bad: tuple[int, int]) -> None:
    for n in good:
        assert len(call(n)) == 2 * n  # type: ignore[operator]
    for n in bad:
        with pytest.raises(DataError) as info:
            call(n)  # type: ignore[operator]
        assert info.value.field == "length"


@pytest.mark.parametrize(("call", "field"), [
    (lambda: kcv.legacy_kcv(TDES, algorithm="H"), "algorithm"),
    (lambda: kcv.cmac_kcv(TDES, algorithm="D"), "algorithm"),
    (lambda: kcv.kcv(TDES, algorithm="T", method="sha256"), "method"),  # type: ignore[arg-type]
])
def test_refusals(call: object, field: str) -> None:
    with pytest.raises(DataError) as info:
        call()  # type: ignore[operator]
    assert info.value.field == field


# ----------------------------------------------------------------------------------- halves (CVK pairs)
def test_halves_are_each_half_as_a_single_des_key() -> None:
    # ThalesSim's TestTranslateCVKFromZMKToLMK answers D5D44F A68CDC for this pair (tests/payshield/vectors.py);
    # OpenSSL's DES under each half (as K1 = K2 = K3) agrees
    want = "".join(_ecb(TripleDES(half * 3), 8)[:6] for half in (TDES[:8], TDES[8:]))
    assert kcv.halves_kcv(TDES) == want == "D5D44FA68CDC"
    assert kcv.kcv(TDES, algorithm="T", method="halves") == want
    assert kcv.kcv(TDES, algorithm="T", method="halves", length=8) == "".join(
        _ecb(TripleDES(half * 3), 8) for half in (TDES[:8], TDES[8:]))


@pytest.mark.parametrize("key", [TDES[:8], TDES + TDES[:8], AES + AES])
def test_halves_are_of_a_double_length_key_only(key: bytes) -> None:
    with pytest.raises(DataError) as info:
        kcv.halves_kcv(key)
    assert info.value.field == "key"


def test_halves_are_of_tdes_keys_only() -> None:
    with pytest.raises(DataError) as info:
        kcv.kcv(AES, algorithm="A", method="halves")
    assert info.value.field == "method"
