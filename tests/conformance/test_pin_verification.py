"""PIN verification, PIN generation and card verification values in the HSM, on every backend.

Values from psec's test suite (IBM 3624 offsets and Visa PVVs under PVK 0123456789ABCDEFFEDCBA9876543210,
PAN 1122334455667788) and psec's documented CVV example.
"""

from __future__ import annotations

import pytest

import pinsec
from pinsec import KeyAttributes, pin, pinblock
from pinsec.backends import Backend
from pinsec.errors import DataError, KeyPolicyError, VerificationError

from .conftest import TDES_TEST_KEY, TDES_ZPK, Keys

PAN = "1122334455667788"
TABLE = "1234567890123456"  # psec's table: not the standard one, so the HSM must approve it
VALIDATION = "1122334455667788"


@pytest.fixture
def hsm_with_table(backend: Backend) -> pinsec.Hsm:
    return pinsec.Hsm(backend, authorized=True, decimalization_tables=[pin.STANDARD_DECIMALIZATION_TABLE, TABLE])


def _keys(hsm: pinsec.Hsm) -> tuple[pinsec.KeyHandle, pinsec.KeyHandle, pinsec.KeyHandle]:
    zpk = hsm.import_clear_key(TDES_ZPK, KeyAttributes("P0", "T", "B"))
    ibm = hsm.import_clear_key(TDES_TEST_KEY, KeyAttributes("V1", "T", "C"))
    visa = hsm.import_clear_key(TDES_TEST_KEY, KeyAttributes("V2", "T", "C"))
    return zpk, ibm, visa


@pytest.mark.parametrize(("pin_value", "offset"), [("4524", "0000"), ("5635", "1111"), ("0000", "6586")])
def test_ibm3624(hsm_with_table: pinsec.Hsm, pin_value: str, offset: str) -> None:
    hsm = hsm_with_table
    zpk, ibm, _ = _keys(hsm)
    block = pinblock.encipher(TDES_ZPK, pin_value, PAN)
    hsm.verify_pin(block, key=zpk, format=0, pan=PAN, pvk=ibm, offset=offset, validation_data=VALIDATION,
                   decimalization_table=TABLE)
    assert hsm.pin_verification_value(block, key=zpk, format=0, pan=PAN, pvk=ibm, validation_data=VALIDATION,
                                      decimalization_table=TABLE) == offset
    with pytest.raises(VerificationError):
        hsm.verify_pin(block, key=zpk, format=0, pan=PAN, pvk=ibm, offset=str(int(offset[0]) ^ 1) + offset[1:],
                       validation_data=VALIDATION, decimalization_table=TABLE)


@pytest.mark.parametrize(("pvki", "pin_value", "pvv"), [("1", "4524", "8523"), ("2", "1912", "3244")])
def test_visa_pvv(keys: Keys, pvki: str, pin_value: str, pvv: str) -> None:
    zpk, _, visa = _keys(keys.hsm)
    block = pinblock.encipher(TDES_ZPK, pin_value, PAN)
    keys.hsm.verify_pin(block, key=zpk, format=0, pan=PAN, pvk=visa, method="visa-pvv", pvki=pvki, pvv=pvv)
    with pytest.raises(VerificationError):
        keys.hsm.verify_pin(block, key=zpk, format=0, pan=PAN, pvk=visa, method="visa-pvv", pvki=pvki, pvv="0000")


def test_unapproved_decimalization_table_is_refused(keys: Keys) -> None:
    zpk, ibm, _ = _keys(keys.hsm)
    block = pinblock.encipher(TDES_ZPK, "4524", PAN)
    with pytest.raises(KeyPolicyError) as info:
        keys.hsm.verify_pin(block, key=zpk, format=0, pan=PAN, pvk=ibm, offset="0000", validation_data=VALIDATION,
                            decimalization_table=TABLE)
    assert info.value.code == "unapproved_decimalization_table"


def test_pvk_usage_is_enforced(keys: Keys) -> None:
    zpk, ibm, visa = _keys(keys.hsm)
    block = pinblock.encipher(TDES_ZPK, "4524", PAN)
    with pytest.raises(KeyPolicyError):
        keys.hsm.verify_pin(block, key=zpk, format=0, pan=PAN, pvk=visa, offset="0000", validation_data=VALIDATION)
    with pytest.raises(KeyPolicyError):
        keys.hsm.verify_pin(block, key=zpk, format=0, pan=PAN, pvk=ibm, method="visa-pvv", pvki="1", pvv="8523")
    with pytest.raises(KeyPolicyError):  # a PIN key is not a PVK
        keys.hsm.verify_pin(block, key=zpk, format=0, pan=PAN, pvk=zpk, offset="0000", validation_data=VALIDATION)
    verify_only = keys.hsm.import_clear_key(TDES_TEST_KEY, KeyAttributes("V2", "T", "V"))
    with pytest.raises(KeyPolicyError):  # a verify-only PVK cannot generate a PVV
        keys.hsm.pin_verification_value(block, key=zpk, format=0, pan=PAN, pvk=verify_only, method="visa-pvv",
                                        pvki="1")
    with pytest.raises(DataError):
        keys.hsm.verify_pin(block, key=zpk, format=0, pan=PAN, pvk=ibm, method="pvv")


def test_generate_pin_returns_only_an_encrypted_block(keys: Keys) -> None:
    zpk = keys.hsm.import_clear_key(TDES_ZPK, KeyAttributes("P0", "T", "B"))
    pins = set()
    for length in (4, 6, 12):
        block = keys.hsm.generate_pin(length=length, key=zpk, format=0, pan=PAN)
        assert isinstance(block, bytes) and len(block) == 8
        clear = pinblock.decipher(TDES_ZPK, block, PAN)
        assert len(clear) == length
        pins.add(clear)
    assert len(pins) == 3


def test_cvv(keys: Keys) -> None:
    cvk = keys.hsm.import_clear_key(TDES_TEST_KEY, KeyAttributes("C0", "T", "C"))
    assert keys.hsm.generate_cvv(cvk, pan="1234567890123456", expiry="9912", service_code="220") == "170"
    keys.hsm.verify_cvv(cvk, "170", pan="1234567890123456", expiry="9912", service_code="220")
    with pytest.raises(VerificationError):
        keys.hsm.verify_cvv(cvk, "171", pan="1234567890123456", expiry="9912", service_code="220")
    cvv2 = keys.hsm.generate_cvv(cvk, pan="1234567890123456", expiry="9912", service_code="000")
    assert cvv2 == pin.cvv(TDES_TEST_KEY, "1234567890123456", "9912", "000")
    with pytest.raises(KeyPolicyError):
        keys.hsm.generate_cvv(keys.tdes_zpk, pan="1234567890123456", expiry="9912", service_code="220")
