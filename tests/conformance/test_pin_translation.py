"""PIN translation, encryption and checking on every backend, from published blocks.

Inputs are published: the X9.24-1:2009 A.4 encrypted PIN block 1B9C1845EB993A7A (BDK
0123456789ABCDEFFEDCBA9876543210, KSN FFFF9876543210E00001, PIN 1234, PAN 4012345678909) and the
X9.24-3:2017 supplement format 4 block A912150391AB65A67E52883D81CE2D15 (AES-128 BDK
FEDCBA9876543210F1F1F1F1F1F1F1F1, KSN 123456789012345600000001, PIN 1234, PAN 4111111111111111).
Outputs are checked by deciphering with tier-1 functions under the known destination keys.
"""

from __future__ import annotations

import pytest

from pinsec import pinblock
from pinsec.errors import KeyPolicyError, PinBlockError, VerificationError

from .conftest import AES_ZPK, TDES_ZPK, Keys

TDES_DUKPT = {"block": "1B9C1845EB993A7A", "ksn": "FFFF9876543210E00001", "pan": "4012345678909"}
AES_DUKPT = {"block": "A912150391AB65A67E52883D81CE2D15", "ksn": "123456789012345600000001",
             "pan": "4111111111111111"}


@pytest.mark.parametrize("dst_format", [0, 3, 4])
def test_tdes_dukpt_to_zone_key(keys: Keys, dst_format: int) -> None:
    dst_key, clear = (keys.aes_zpk, AES_ZPK) if dst_format == 4 else (keys.tdes_zpk, TDES_ZPK)
    out = keys.hsm.translate_pin(TDES_DUKPT["block"], src_key=keys.tdes_bdk, src_format=0, src_ksn=TDES_DUKPT["ksn"],
                                 dst_key=dst_key, dst_format=dst_format, pan=TDES_DUKPT["pan"])
    assert pinblock.decipher(clear, out, TDES_DUKPT["pan"], format=dst_format) == "1234"


@pytest.mark.parametrize("dst_format", [0, 4])
def test_aes_dukpt_to_zone_key(keys: Keys, dst_format: int) -> None:
    dst_key, clear = (keys.aes_zpk, AES_ZPK) if dst_format == 4 else (keys.tdes_zpk, TDES_ZPK)
    out = keys.hsm.translate_pin(AES_DUKPT["block"], src_key=keys.aes_bdk, src_format=4, src_ksn=AES_DUKPT["ksn"],
                                 dst_key=dst_key, dst_format=dst_format, pan=AES_DUKPT["pan"])
    assert pinblock.decipher(clear, out, AES_DUKPT["pan"], format=dst_format) == "1234"


def test_zone_to_dukpt_destination_reproduces_the_published_block(keys: Keys) -> None:
    # Format 0 is deterministic, so re-encrypting under the terminal's key gives the published block.
    zone = pinblock.encipher(TDES_ZPK, "1234", TDES_DUKPT["pan"], format=0)
    out = keys.hsm.translate_pin(zone, src_key=keys.tdes_zpk, src_format=0, dst_key=keys.tdes_bdk, dst_format=0,
                                 dst_ksn=TDES_DUKPT["ksn"], pan=TDES_DUKPT["pan"])
    assert out.hex().upper() == TDES_DUKPT["block"]


@pytest.mark.parametrize(("src_format", "dst_format"),
                         [(0, 0), (0, 3), (3, 0), (1, 0), (1, 1), (1, 3), (1, 4), (2, 2), (4, 0), (4, 3), (0, 4)])
def test_every_allowed_translation(keys: Keys, src_format: int, dst_format: int) -> None:
    pan = "5432101234567891"
    src_key, src_clear = (keys.aes_zpk, AES_ZPK) if src_format == 4 else (keys.tdes_zpk, TDES_ZPK)
    dst_key, dst_clear = (keys.aes_zpk, AES_ZPK) if dst_format == 4 else (keys.tdes_zpk, TDES_ZPK)
    block = pinblock.encipher(src_clear, "98765", pan, format=src_format)
    out = keys.hsm.translate_pin(block, src_key=src_key, src_format=src_format, dst_key=dst_key,
                                 dst_format=dst_format, pan=pan)
    assert pinblock.decipher(dst_clear, out, pan, format=dst_format) == "98765"


def test_encrypt_and_check_pin(keys: Keys) -> None:
    block = keys.hsm.encrypt_pin("1234", pan=TDES_DUKPT["pan"], key=keys.tdes_bdk, format=0, ksn=TDES_DUKPT["ksn"])
    assert block.hex().upper() == TDES_DUKPT["block"]
    keys.hsm.check_pin(block, key=keys.tdes_bdk, format=0, pan=TDES_DUKPT["pan"], pin="1234", ksn=TDES_DUKPT["ksn"])
    with pytest.raises(VerificationError):
        keys.hsm.check_pin(block, key=keys.tdes_bdk, format=0, pan=TDES_DUKPT["pan"], pin="1235",
                           ksn=TDES_DUKPT["ksn"])


def test_wrong_pan_surfaces_as_a_block_error(keys: Keys) -> None:
    with pytest.raises(PinBlockError):
        keys.hsm.translate_pin(AES_DUKPT["block"], src_key=keys.aes_bdk, src_format=4, src_ksn=AES_DUKPT["ksn"],
                               dst_key=keys.aes_zpk, dst_format=4, pan="4111111111111112")


def test_derived_dukpt_pin_key_matches_the_published_key(keys: Keys) -> None:
    # X9.24-3 supplement: AES-128 PIN key for KSN ...0001 is AF8CB133A78F8DC2D1359F18527593FB (= AES_ZPK).
    k = keys.hsm.derive_dukpt_key(keys.aes_bdk, AES_DUKPT["ksn"], purpose="pin", key_type="AES128")
    assert k.kcv == keys.aes_zpk.kcv
    assert k.attributes.letters() == "P0AB00N"
    with pytest.raises(KeyPolicyError):
        keys.hsm.export_key_block(k, kbpk=keys.aes_kbpk)


def test_batch_translation_with_per_item_errors(keys: Keys) -> None:
    # X9.24-1:2009 A.4 counters 1 and 2 (PIN 1234), one KSN the originator never uses, one bad block.
    items = [("1B9C1845EB993A7A", "4012345678909", "FFFF9876543210E00001"),
             ("10A01C8D02C69107", "4012345678909", "FFFF9876543210E00002"),
             ("1B9C1845EB993A7A", "4012345678909", "FFFF9876543210E007FF"),
             ("1B9C18", "4012345678909", "FFFF9876543210E00003")]
    out = keys.hsm.translate_pins(items, src_key=keys.tdes_bdk, src_format=0, dst_key=keys.aes_zpk, dst_format=4)
    assert [pinblock.decipher(AES_ZPK, o, "4012345678909", format=4) for o in out[:2]] == ["1234", "1234"]
    assert [type(e).__name__ for e in out[2:]] == ["KsnError", "PinBlockError"]
    with pytest.raises(KeyPolicyError):
        keys.hsm.translate_pins(items, src_key=keys.tdes_bdk, src_format=0, dst_key=keys.aes_zpk, dst_format=2)
