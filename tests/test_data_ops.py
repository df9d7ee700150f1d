"""Hsm data encryption: published block cipher vectors through D0 keys, DUKPT data keys against pinsec's
tier-1 derivation, and the refusals that keep data keys from touching PINs and keys."""

from __future__ import annotations

import pytest

from pinsec import Hsm, KeyAttributes, _crypto
from pinsec.dukpt import tdes
from pinsec.errors import DataError, KeyPolicyError

# NIST SP 800-38A F.1.1 (ECB-AES128) and F.2.1 (CBC-AES128): key, IV, plaintext, ciphertext.
AES_KEY = "2b7e151628aed2a6abf7158809cf4f3c"
IV = "000102030405060708090a0b0c0d0e0f"
PLAIN = ("6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51"
         "30c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710")
ECB = ("3ad77bb40d7a3660a89ecaf32466ef97f5d3d58503b9699de785895a96fdbaaf"
       "43b1cd7f598ece23881b00e3ed0306887b0c785e27e8ad3f8223207104725dd4")
CBC = ("7649abac8119b246cee98e9b12e9197d5086cb9b507219ee95db113a917678b2"
       "73bed6b8e3c1743b7116e69e222295163ff1caa1681fac09120eca307586e1a7")
# NIST SP 800-67 Rev. 1, Appendix B: three-key TDES ECB of "The qufck brown fox jump" (its spelling).
TDES3 = "0123456789ABCDEF23456789ABCDEF01456789ABCDEF0123"
FOX = b"The qufck brown fox jump".hex()
FOX_ECB = "A826FD8CE53B855FCCE21C8112256FE668D5C05DD9B6B900"


@pytest.fixture
def rig() -> Hsm:
    return Hsm(authorized=True)


def test_aes_ecb_and_cbc(rig: Hsm) -> None:
    key = rig.import_clear_key(AES_KEY, KeyAttributes("D0", "A", "B"))
    assert rig.encrypt_data(key, PLAIN, mode="ECB").hex() == ECB
    assert rig.encrypt_data(key, PLAIN, iv=IV).hex() == CBC
    assert rig.decrypt_data(key, CBC, iv=IV).hex() == PLAIN
    assert rig.decrypt_data(key, ECB, mode="ECB").hex() == PLAIN


def test_tdes_ecb(rig: Hsm) -> None:
    key = rig.import_clear_key(TDES3, KeyAttributes("D0", "T", "B"))
    assert rig.encrypt_data(key, FOX, mode="ECB").hex().upper() == FOX_ECB
    assert rig.decrypt_data(key, FOX_ECB, mode="ECB").hex() == FOX


def test_dukpt_data_keys_are_the_tier_1_variants(rig: Hsm) -> None:
    bdk_clear = bytes.fromhex("0123456789ABCDEFFEDCBA9876543210")  # ANSI X9.24-1:2009 Annex A
    bdk = rig.import_clear_key(bdk_clear, KeyAttributes("B0", "T", "X"))
    ksn = "FFFF9876543210E00001"
    for direction, usage in (("request", tdes.KeyUsage.DATA_REQUEST), ("response", tdes.KeyUsage.DATA_RESPONSE)):
        working = tdes.derive_working_key(bdk_clear, ksn, usage)
        out = rig.encrypt_data(bdk, "00" * 16, ksn=ksn, direction=direction)
        assert out == _crypto.tdes_cbc_encrypt(working, bytes(8), bytes(16))
        assert rig.decrypt_data(bdk, out, ksn=ksn, direction=direction) == bytes(16)


@pytest.mark.parametrize(("attrs", "decrypt", "code"), [
    (KeyAttributes("P0", "T", "B"), True, "wrong_usage"),   # a PIN key never deciphers data (or PIN blocks)
    (KeyAttributes("K0", "T", "B"), True, "wrong_usage"),   # nor a KEK
    (KeyAttributes("D0", "T", "E"), True, "wrong_mode"),    # an encrypt-only data key
    (KeyAttributes("D0", "T", "D"), False, "wrong_mode"),   # a decrypt-only one
])
def test_refusals(rig: Hsm, attrs: KeyAttributes, decrypt: bool, code: str) -> None:
    key = rig.import_clear_key(TDES3[:32], attrs)
    with pytest.raises(KeyPolicyError) as info:
        (rig.decrypt_data if decrypt else rig.encrypt_data)(key, "00" * 8)
    assert info.value.code == code


def test_a_pin_block_cannot_be_deciphered_through_a_dukpt_data_key(rig: Hsm) -> None:
    bdk = rig.import_clear_key("0123456789ABCDEFFEDCBA9876543210", KeyAttributes("B0", "T", "X"))
    clear = rig.decrypt_data(bdk, "1B9C1845EB993A7A", mode="ECB", ksn="FFFF9876543210E00001")
    assert clear.hex().upper() != "041274EDCBA9876F"  # the published clear PIN block of X9.24-1 A.4


@pytest.mark.parametrize(("data", "kw", "field"), [("00" * 7, {}, "data"), ("", {}, "data"),
                                                   ("00" * 8, {"mode": "OFB"}, "mode"),
                                                   ("00" * 8, {"mode": "ECB", "iv": "00" * 8}, "iv"),
                                                   ("00" * 8, {"iv": "00" * 4}, "iv"),
                                                   ("00" * 8, {"direction": "sideways"}, "direction")])
def test_malformed_input(rig: Hsm, data: str, kw: dict[str, str], field: str) -> None:
    key = rig.import_clear_key(TDES3, KeyAttributes("D0", "T", "B"))
    with pytest.raises(DataError) as info:
        rig.encrypt_data(key, data, **kw)  # type: ignore[arg-type]
    assert info.value.field == field
    if data == "00" * 7:
        assert info.value.code == "data_length"  # said by the Hsm, before any cipher runs


def test_translate_data_checks_each_side_as_decrypt_and_encrypt_do(rig: Hsm) -> None:
    # FIPS 197 / SP 800-38A's AES key and ECB output in, NIST SP 800-67's TDES ECB out (the vectors above)
    aes = rig.import_clear_key(AES_KEY, KeyAttributes("D0", "A", "D"))
    tdes_key = rig.import_clear_key(TDES3, KeyAttributes("D0", "T", "E"))
    fox_under_aes = rig.encrypt_data(rig.import_clear_key(AES_KEY, KeyAttributes("D0", "A", "E")),
                                     FOX + "00" * 8, mode="ECB")
    out = rig.translate_data(fox_under_aes, src_key=aes, dst_key=tdes_key, src_mode="ECB", dst_mode="ECB")
    assert out.hex().upper() == FOX_ECB + rig.encrypt_data(tdes_key, "00" * 8, mode="ECB").hex().upper()
    assert rig.translate_data(CBC, src_key=aes, dst_key=tdes_key, src_iv=IV, dst_mode="ECB") == \
        rig.encrypt_data(tdes_key, PLAIN, mode="ECB")
    for src, dst in ((tdes_key, tdes_key), (aes, aes)):  # encrypt-only as the source, decrypt-only as the target
        with pytest.raises(KeyPolicyError) as info:
            rig.translate_data(fox_under_aes, src_key=src, dst_key=dst, src_mode="ECB", dst_mode="ECB")
        assert info.value.code == "wrong_mode"
    tdes_in = rig.import_clear_key(TDES3, KeyAttributes("D0", "T", "D"))
    with pytest.raises(DataError) as short:  # three 8-byte TDES blocks are no whole AES blocks
        rig.translate_data(FOX_ECB, src_key=tdes_in, dst_key=rig.import_clear_key(
            AES_KEY, KeyAttributes("D0", "A", "E")), src_mode="ECB", dst_mode="ECB")
    assert (short.value.code, short.value.field) == ("data_length", "data")
