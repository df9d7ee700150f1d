"""Hsm iso4_pan="account": ISO 4 blocks built and read with the account-number form of the PAN (the 12
rightmost digits before the check digit), derived from the one PAN the call gives, so never another card's;
other formats and the PVV input keep the whole PAN."""

from __future__ import annotations

import pytest

from pinsec import Hsm, KeyAttributes, pin, pinblock
from pinsec.errors import DataError, PinBlockError

AES_ZPK = bytes.fromhex("3F419E1CB7079442AA37474C2EFBF8B8")  # TR-31:2018 A.7.4's key
TDES_ZPK = bytes.fromhex("0123456789ABCDEFFEDCBA9876543210")
PVK = bytes.fromhex("0123456789ABCDEFFEDCBA9876543210")
PAN = "1122334455667788"  # psec's visa-pvv-1: PIN 4524, PVKI 1 -> PVV 8523
ACCOUNT_FORM = PAN[:-1][-12:]


@pytest.fixture
def rig() -> tuple[Hsm, object, object, object]:
    hsm = Hsm(authorized=True)
    return (hsm, hsm.import_clear_key(AES_ZPK, KeyAttributes("P0", "A", "B")),
            hsm.import_clear_key(TDES_ZPK, KeyAttributes("P0", "T", "B")),
            hsm.import_clear_key(PVK, KeyAttributes("V2", "T", "C")))


def test_translate_iso0_to_iso4_in_account_form(rig: tuple) -> None:
    hsm, aes, tdes, _ = rig
    block = pinblock.encipher(TDES_ZPK, "4524", PAN)
    out = hsm.translate_pin(block, src_key=tdes, src_format=0, dst_key=aes, dst_format=4, pan=PAN, iso4_pan="account")
    assert pinblock.decipher(AES_ZPK, out, ACCOUNT_FORM, format=4) == "4524"
    with pytest.raises(PinBlockError):
        pinblock.decipher(AES_ZPK, out, PAN, format=4)
    back = hsm.translate_pin(out, src_key=aes, src_format=4, dst_key=tdes, dst_format=0, pan=PAN, iso4_pan="account")
    assert pinblock.decipher(TDES_ZPK, back, PAN) == "4524"


def test_verify_and_value_read_the_block_in_account_form_and_the_pvv_with_the_pan(rig: tuple) -> None:
    hsm, aes, _, pvk = rig
    block = pinblock.encipher(AES_ZPK, "4524", ACCOUNT_FORM, format=4)
    hsm.verify_pin(block, key=aes, format=4, pan=PAN, pvk=pvk, method="visa-pvv", pvki="1", pvv="8523",
                   iso4_pan="account")
    assert hsm.pin_verification_value(block, key=aes, format=4, pan=PAN, pvk=pvk, method="visa-pvv", pvki="1",
                                      iso4_pan="account") == "8523" == pin.visa_pvv(PVK, PAN, "1", "4524")
    generated = hsm.generate_pin(length=6, key=aes, format=4, pan=PAN, iso4_pan="account")
    assert len(pinblock.decipher(AES_ZPK, generated, ACCOUNT_FORM, format=4)) == 6


def test_the_default_is_iso_and_a_bad_form_is_refused(rig: tuple) -> None:
    hsm, aes, tdes, _ = rig
    block = pinblock.encipher(TDES_ZPK, "4524", PAN)
    out = hsm.translate_pin(block, src_key=tdes, src_format=0, dst_key=aes, dst_format=4, pan=PAN)
    assert pinblock.decipher(AES_ZPK, out, PAN, format=4) == "4524"
    with pytest.raises(DataError):
        hsm.translate_pin(block, src_key=tdes, src_format=0, dst_key=aes, dst_format=4, pan=PAN, iso4_pan="last12")
